import Daemon
import EventBus
import Foundation
import Store

/// EventBridge rules: PutRule, DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule.
/// Rules live on the default bus; those from the configuration file are listed but not
/// changed here (`ManagedRuleException`, naming the file).
struct RuleOperations {
    let environment: APIEnvironment

    func register(in table: inout OperationTable) {
        table.register(.events, "PutRule") { try put($0.input) }
        table.register(.events, "DescribeRule") { try describe($0.input) }
        table.register(.events, "ListRules") { try list($0.input) }
        table.register(.events, "DeleteRule") { try delete($0.input) }
        table.register(.events, "EnableRule") { try setState($0.input, "ENABLED") }
        table.register(.events, "DisableRule") { try setState($0.input, "DISABLED") }
    }

    func put(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try Self.ruleName(input, member: "Name")
        try Self.checkBus(input)
        let pattern = try input.string("EventPattern", required: false, length: 0...4096)
        let schedule = try input.string("ScheduleExpression", required: false, length: 0...256)
        let description = try input.string("Description", required: false, length: 0...512)
        let state = try input.string("State") ?? "ENABLED"
        guard ["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"].contains(state) else {
            throw APIError.validation(member: "State", value: state,
                                      constraint: "Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]")
        }
        guard pattern != nil || schedule != nil else {
            throw APIError("ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.")
        }
        if let pattern {
            do { _ = try EventPattern(json: pattern) } catch { throw APIError(EventPatternError.awsErrorCode, error.message) }
        }
        if let schedule {
            do { _ = try ScheduleExpression(schedule) } catch {
                throw APIError("ValidationException", "Parameter ScheduleExpression is not valid: \(error.description)")
            }
        }
        let stored = try environment.database.changeRule(name: name) { existing throws(APIError) in
            if let existing { try Self.refuseManaged(existing) }
            return RuleRecord(name: name, description: description ?? "", state: state == "DISABLED" ? "DISABLED" : "ENABLED",
                              eventPattern: pattern, scheduleExpression: schedule, origin: "api", targets: existing?.targets ?? "[]")
        }
        try RuleOperations.reload(environment)
        return ["RuleArn": .string(arn(stored?.name ?? name))]
    }

    func describe(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try Self.ruleName(input, member: "Name")
        try Self.checkBus(input)
        guard let rule = try environment.database.rule(name: name) else { throw Self.notFound(name) }
        return shape(rule)
    }

    func list(_ input: APIInput) throws -> [String: JSONValue] {
        try Self.checkBus(input)
        let prefix = try input.string("NamePrefix", required: false, length: 1...64)
        let limit = try input.int("Limit", range: 1...100) ?? 100
        let after = try PageToken.read(try input.string("NextToken"), listing: "rules", error: Self.invalidToken)
        let page = try environment.database.rulePage(prefix: prefix, after: after, limit: limit + 1)
        var output: [String: JSONValue] = ["Rules": .array(page.prefix(limit).map { .object(shape($0)) })]
        if page.count > limit, let last = page.prefix(limit).last {
            output["NextToken"] = .string(PageToken.make(after: last.name, listing: "rules"))
        }
        return output
    }

    func delete(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try Self.ruleName(input, member: "Name")
        try Self.checkBus(input)
        let force = try input.bool("Force") ?? false
        guard let rule = try environment.database.rule(name: name) else { return [:] }   // AWS: deleting a missing rule succeeds
        try Self.refuseManaged(rule)
        if !force, !(try TargetDefinition.decodeList(rule.targets)).isEmpty {
            throw APIError("ValidationException", "Rule can't be deleted since it has targets.")
        }
        try environment.database.deleteRule(name: name)
        try Self.reload(environment)
        return [:]
    }

    func setState(_ input: APIInput, _ state: String) throws -> [String: JSONValue] {
        let name = try Self.ruleName(input, member: "Name")
        try Self.checkBus(input)
        let stored = try environment.database.changeRule(name: name) { existing throws(APIError) in
            guard var rule = existing else { throw Self.notFound(name) }
            try Self.refuseManaged(rule)
            rule.state = state
            return rule
        }
        if stored != nil { try Self.reload(environment) }
        return [:]
    }

    // MARK: Shapes and helpers

    func shape(_ rule: RuleRecord) -> [String: JSONValue] {
        var shape: [String: JSONValue] = [
            "Name": .string(rule.name), "Arn": .string(arn(rule.name)), "State": .string(rule.state),
            "EventBusName": "default", "CreatedBy": .string(environment.account),
        ]
        if !rule.description.isEmpty { shape["Description"] = .string(rule.description) }
        if let pattern = rule.eventPattern { shape["EventPattern"] = .string(pattern) }
        if let schedule = rule.scheduleExpression { shape["ScheduleExpression"] = .string(schedule) }
        if rule.origin == "config" { shape["ManagedBy"] = "schedulerd-configuration" }
        return shape
    }

    func arn(_ name: String) -> String { "arn:aws:events:\(environment.region):\(environment.account):rule/\(name)" }

    static let invalidToken = APIError("ValidationException", "The NextToken is not valid.")

    static func notFound(_ name: String) -> APIError {
        APIError("ResourceNotFoundException", "Rule \(name) does not exist on EventBus default.")
    }

    static func ruleName(_ input: APIInput, member: String) throws(APIError) -> String {
        try input.string(member, required: true, length: 1...64, pattern: .ruleName)!
    }

    /// Only the default bus exists.
    static func checkBus(_ input: APIInput) throws(APIError) {
        guard let bus = try input.string("EventBusName"), bus != "default", !bus.hasSuffix(":event-bus/default") else { return }
        throw APIError("ResourceNotFoundException", "Event bus \(bus) does not exist.")
    }

    static func refuseManaged(_ rule: RuleRecord) throws(APIError) {
        guard rule.origin == "config" else { return }
        throw APIError("ManagedRuleException",
                       "Rule \(rule.name) is managed by the schedulerd configuration file; edit its rules section and reload the daemon (SIGHUP) instead.")
    }

    /// Puts the stored rules in force at once.
    static func reload(_ environment: APIEnvironment) throws {
        environment.state.setRules(try RuleBook(records: try environment.database.rules()))
    }
}
