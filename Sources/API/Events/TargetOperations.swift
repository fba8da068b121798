import Daemon
import EventBus
import Foundation
import Store

/// EventBridge targets: PutTargets, RemoveTargets, ListTargetsByRule, ListRuleNamesByTarget.
/// Targets are schedulerd's own (`TargetARN`); entries that cannot be run come back in
/// `FailedEntries`, as AWS reports per-target problems.
struct TargetOperations {
    let environment: APIEnvironment
    /// EventBridge's quota: five targets per rule.
    static let maximumTargetsPerRule = 5

    func register(in table: inout OperationTable) {
        table.register(.events, "PutTargets") { try put($0.input) }
        table.register(.events, "RemoveTargets") { try remove($0.input) }
        table.register(.events, "ListTargetsByRule") { try list($0.input) }
        table.register(.events, "ListRuleNamesByTarget") { try rulesByTarget($0.input) }
    }

    func put(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try RuleOperations.ruleName(input, member: "Rule")
        try RuleOperations.checkBus(input)
        guard let entries = try input.structures("Targets"), !entries.isEmpty else {
            throw APIError.validation(member: "Targets", value: nil, constraint: "Member must have length greater than or equal to 1")
        }
        if entries.count > 100 {
            throw APIError.validation(member: "Targets", value: nil, constraint: "Member must have length less than or equal to 100")
        }
        var accepted: [TargetDefinition] = []
        var failed: [JSONValue] = []
        for entry in entries {
            let id = try entry.string("Id", required: true, length: 1...64, pattern: .targetId)!
            let arn = try entry.string("Arn", required: true, length: 1...1600)!
            switch TargetARN.definition(id: id, arn: arn) {
            case .failure(let error):
                failed.append(["TargetId": .string(id), "ErrorCode": .string(error.code), "ErrorMessage": .string(error.message)])
            case .success(var target):
                try Self.readInput(entry, into: &target)
                accepted.append(target)
            }
        }
        _ = try environment.database.changeRule(name: name) { existing throws(APIError) in
            guard let rule = existing else { throw RuleOperations.notFound(name) }
            try RuleOperations.refuseManaged(rule)
            var targets = (try? TargetDefinition.decodeList(rule.targets)) ?? []
            for target in accepted {
                if let index = targets.firstIndex(where: { $0.id == target.id }) { targets[index] = target } else { targets.append(target) }
            }
            if targets.count > Self.maximumTargetsPerRule {
                throw APIError("LimitExceededException", "The requested resource exceeds the maximum number allowed: a rule has at most \(Self.maximumTargetsPerRule) targets.")
            }
            var updated = rule
            updated.targets = TargetDefinition.encodeList(targets)
            return updated
        }
        try RuleOperations.reload(environment)
        return ["FailedEntryCount": .number(Double(failed.count)), "FailedEntries": .array(failed)]
    }

    func remove(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try RuleOperations.ruleName(input, member: "Rule")
        try RuleOperations.checkBus(input)
        guard let ids = try input.stringList("Ids"), !ids.isEmpty else {
            throw APIError.validation(member: "Ids", value: nil, constraint: "Member must have length greater than or equal to 1")
        }
        var failed: [JSONValue] = []
        _ = try environment.database.changeRule(name: name) { existing throws(APIError) in
            guard let rule = existing else { throw RuleOperations.notFound(name) }
            try RuleOperations.refuseManaged(rule)
            var targets = (try? TargetDefinition.decodeList(rule.targets)) ?? []
            for id in ids where !targets.contains(where: { $0.id == id }) {
                failed.append(["TargetId": .string(id), "ErrorCode": "ResourceNotFoundException",
                               "ErrorMessage": .string("Target \(id) does not exist on rule \(name).")])
            }
            targets.removeAll { ids.contains($0.id) }
            var updated = rule
            updated.targets = TargetDefinition.encodeList(targets)
            return updated
        }
        try RuleOperations.reload(environment)
        return ["FailedEntryCount": .number(Double(failed.count)), "FailedEntries": .array(failed)]
    }

    func list(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try RuleOperations.ruleName(input, member: "Rule")
        try RuleOperations.checkBus(input)
        let limit = try input.int("Limit", range: 1...100) ?? 100
        let skip = try PageToken.read(try input.string("NextToken"), listing: "targets:\(name)", error: RuleOperations.invalidToken)
            .flatMap { Int($0) } ?? 0
        guard let rule = try environment.database.rule(name: name) else { throw RuleOperations.notFound(name) }
        let targets = try TargetDefinition.decodeList(rule.targets)
        let page = targets.dropFirst(skip).prefix(limit)
        var output: [String: JSONValue] = ["Targets": .array(page.map { .object(Self.shape($0)) })]
        if skip + page.count < targets.count {
            output["NextToken"] = .string(PageToken.make(after: String(skip + page.count), listing: "targets:\(name)"))
        }
        return output
    }

    func rulesByTarget(_ input: APIInput) throws -> [String: JSONValue] {
        let arn = try input.string("TargetArn", required: true, length: 1...1600)!
        try RuleOperations.checkBus(input)
        let names = try environment.database.rules().filter { rule in
            ((try? TargetDefinition.decodeList(rule.targets)) ?? []).contains { TargetARN.arn(of: $0) == arn }
        }.map(\.name)
        return ["RuleNames": .array(names.map { .string($0) })]
    }

    /// Input, InputPath or InputTransformer (at most one), and RetryPolicy.
    static func readInput(_ entry: APIInput, into target: inout TargetDefinition) throws(APIError) {
        target.input = try entry.string("Input", required: false, length: 0...8192)
        target.inputPath = try entry.string("InputPath", required: false, length: 0...256)
        if let transformer = try entry.structure("InputTransformer") {
            let template = try transformer.string("InputTemplate", required: true, length: 1...8192)!
            target.inputTransformer = .init(inputPathsMap: try transformer.stringMap("InputPathsMap") ?? [:], inputTemplate: template)
        }
        let given = [target.input != nil, target.inputPath != nil, target.inputTransformer != nil].filter { $0 }.count
        if given > 1 {
            throw APIError("ValidationException", "Target \(target.id): only one of Input, InputPath and InputTransformer may be given.")
        }
        if let inputPath = target.inputPath {
            do { _ = try TargetInputCheck.path(inputPath) } catch { throw APIError("ValidationException", "Target \(target.id): InputPath \(inputPath) is not valid: \(error)") }
        }
        if let policy = try entry.structure("RetryPolicy") {
            target.maximumRetryAttempts = try policy.int("MaximumRetryAttempts", range: 0...185) ?? target.maximumRetryAttempts
            target.maximumEventAgeInSeconds = try policy.int("MaximumEventAgeInSeconds", range: 60...86_400) ?? target.maximumEventAgeInSeconds
        }
    }

    static func shape(_ target: TargetDefinition) -> [String: JSONValue] {
        var shape: [String: JSONValue] = [
            "Id": .string(target.id), "Arn": .string(TargetARN.arn(of: target)),
            "RetryPolicy": ["MaximumRetryAttempts": .number(Double(target.maximumRetryAttempts)),
                            "MaximumEventAgeInSeconds": .number(Double(target.maximumEventAgeInSeconds))],
        ]
        if let input = target.input { shape["Input"] = .string(input) }
        if let path = target.inputPath { shape["InputPath"] = .string(path) }
        if let transformer = target.inputTransformer {
            shape["InputTransformer"] = ["InputPathsMap": .object(transformer.inputPathsMap.mapValues { .string($0) }),
                                         "InputTemplate": .string(transformer.inputTemplate)]
        }
        return shape
    }
}
