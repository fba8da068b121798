import Automation
import ChangeCalendar
import EventBus
import Foundation
import Store

/// SSM Automation: StartAutomationExecution, GetAutomationExecution,
/// DescribeAutomationExecutions, DescribeAutomationStepExecutions, StopAutomationExecution,
/// SendAutomationSignal. The engine runs the executions; reads come from the store.
struct AutomationOperations {
    let environment: APIEnvironment

    func register(in table: inout OperationTable) {
        table.register(.ssm, "StartAutomationExecution") { try start($0) }
        table.register(.ssm, "GetAutomationExecution") { try get($0.input) }
        table.register(.ssm, "DescribeAutomationExecutions") { try describe($0.input) }
        table.register(.ssm, "DescribeAutomationStepExecutions") { try describeSteps($0.input) }
        table.register(.ssm, "StopAutomationExecution") { try await stop($0.input) }
        table.register(.ssm, "SendAutomationSignal") { try await signal($0) }
    }

    var engine: AutomationEngine {
        get throws(APIError) {
            guard let engine = environment.automations else {
                throw APIError("InternalServerError", "The automation engine is not running on this daemon.", status: 500)
            }
            return engine
        }
    }

    static func apiError(_ error: AutomationError) -> APIError {
        APIError(error.code, error.message, status: error.code == "InternalServerError" ? 500 : 400)
    }

    // MARK: Start

    func start(_ call: APICall) throws -> [String: JSONValue] {
        let input = call.input
        let name = try input.string("DocumentName", required: true, length: 3...128, pattern: .documentReference)!
        let version = try input.string("DocumentVersion")
        if let version, !(version == "$LATEST" || version == "$DEFAULT" || (Int(version).map { $0 > 0 } ?? false) && !version.hasPrefix("0")) {
            throw APIError.validation(member: "DocumentVersion", value: version,
                                      constraint: "Member must satisfy regular expression pattern: ([$]LATEST|[$]DEFAULT|^[1-9][0-9]*$)")
        }
        let parameters = try Self.parameterMap(input, member: "Parameters")
        let token = try input.string("ClientToken", required: false, length: 36...36)
        if let token, !Self.isUUID(token) {
            throw APIError.validation(member: "ClientToken", value: token,
                                      constraint: "Member must satisfy regular expression pattern: [a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}")
        }
        let mode = try input.string("Mode") ?? "Auto"
        guard ["Auto", "Interactive"].contains(mode) else {
            throw APIError.validation(member: "Mode", value: mode, constraint: "Member must satisfy enum value set: [Auto, Interactive]")
        }
        let targetParameter = try input.string("TargetParameterName", required: false, length: 1...50)
        let targets = try Self.targets(input)
        let concurrency = try input.string("MaxConcurrency", required: false, length: 1...7)
        if let concurrency, !RateControl.validConcurrency(concurrency) {
            throw APIError.validation(member: "MaxConcurrency", value: concurrency,
                                      constraint: "Member must satisfy regular expression pattern: ^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$")
        }
        let errors = try input.string("MaxErrors", required: false, length: 1...7)
        if let errors, !RateControl.validErrors(errors) {
            throw APIError.validation(member: "MaxErrors", value: errors,
                                      constraint: "Member must satisfy regular expression pattern: ^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$")
        }
        let tags = try input.structures("Tags") ?? []
        if tags.count > 5 { throw APIError.validation(member: "Tags", value: nil, constraint: "Member must have length less than or equal to 5") }
        var tagValues: [JSONValue] = []
        for tag in tags {
            let key = try tag.string("Key", required: true, length: 1...128)!
            let value = try tag.string("Value", required: true, length: 0...256)!
            tagValues.append(["Key": .string(key), "Value": .string(value)])
        }
        for unsupported in ["TargetMaps", "TargetLocations", "AlarmConfiguration", "TargetLocationsURL"] where input.has(unsupported) {
            throw APIError("InvalidAutomationExecutionParametersException",
                           "\(unsupported) is not supported by schedulerd: automations run in this account and region only, without alarms.")
        }
        let request = AutomationStartRequest(
            documentName: name, documentVersion: version, parameters: parameters, clientToken: token, mode: mode,
            targetParameterName: targetParameter, targets: targets, maxConcurrency: concurrency, maxErrors: errors, tags: tagValues,
            executedBy: "arn:aws:iam::\(environment.account):user/\(call.caller.name)")
        do {
            return ["AutomationExecutionId": .string(try engine.start(request))]
        } catch let error as AutomationError {
            throw Self.apiError(error)
        }
    }

    /// A `map<string, list<string>>` member: 1 to 200 keys of 1 to 50 characters, lists of at
    /// most 50 values of 1 to 512 characters.
    static func parameterMap(_ input: APIInput, member: String) throws(APIError) -> [String: [String]] {
        guard let map = try input.structure(member) else { return [:] }
        if map.members.count > 200 {
            throw APIError.validation(member: member, value: nil, constraint: "Member must have length less than or equal to 200")
        }
        var result: [String: [String]] = [:]
        for (key, value) in map.members {
            guard (1...50).contains(key.count) else {
                throw APIError.validation(member: member, value: key, constraint: "Map keys must have length between 1 and 50")
            }
            guard let list = value.arrayValue else { throw .serialization(member: member, expected: "a map of string lists") }
            var strings: [String] = []
            for element in list {
                guard let text = element.stringValue else { throw .serialization(member: member, expected: "a map of string lists") }
                guard (1...512).contains(text.count) || member == "Payload" else {
                    throw APIError.validation(member: member, value: text, constraint: "Member must have length between 1 and 512")
                }
                strings.append(text)
            }
            if strings.count > 50 {
                throw APIError.validation(member: member, value: key, constraint: "Member must have length less than or equal to 50")
            }
            result[key] = strings
        }
        return result
    }

    static func targets(_ input: APIInput) throws(APIError) -> [AutomationTarget] {
        guard let entries = try input.structures("Targets") else { return [] }
        if entries.count > 1 {
            throw APIError.validation(member: "Targets", value: nil, constraint: "Member must have length less than or equal to 1")
        }
        var targets: [AutomationTarget] = []
        for entry in entries {
            let key = try entry.string("Key", required: true, length: 1...163)!
            let values = try entry.stringList("Values") ?? []
            if values.count > 50 {
                throw APIError.validation(member: "Targets.Values", value: nil, constraint: "Member must have length less than or equal to 50")
            }
            targets.append(AutomationTarget(key: key, values: values))
        }
        return targets
    }

    static func isUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    // MARK: Reads

    func executionId(_ input: APIInput) throws(APIError) -> String {
        try input.string("AutomationExecutionId", required: true, length: 36...36)!
    }

    func record(_ id: String) throws -> AutomationExecutionRecord {
        guard let record = try environment.database.automationExecution(id: id) else {
            throw APIError("AutomationExecutionNotFoundException",
                           "There is no automation execution information for the requested automation execution ID: \(id).")
        }
        return record
    }

    func get(_ input: APIInput) throws -> [String: JSONValue] {
        let record = try record(try executionId(input))
        let steps = try environment.database.automationSteps(executionId: record.id)
        let children = record.targets != nil && record.parentId == nil ? try environment.database.automationChildren(parentId: record.id) : nil
        return ["AutomationExecution": .object(AutomationShapes.execution(record, steps: steps, children: children))]
    }

    static let executionFilterKeys: Set<String> = [
        "DocumentNamePrefix", "ExecutionStatus", "ExecutionId", "ParentExecutionId", "CurrentAction", "StartTimeBefore",
        "StartTimeAfter", "AutomationType", "TagKey", "TargetResourceGroup", "AutomationSubtype", "OpsItemId",
    ]

    func describe(_ input: APIInput) throws -> [String: JSONValue] {
        let limit = try input.int("MaxResults", range: 1...50) ?? 50
        var query = AutomationExecutionQuery(limit: limit + 1)
        var tagKeys: [String] = []
        var matchesNothing = false
        let filters = try input.structures("Filters") ?? []
        if filters.count > 10 { throw APIError.validation(member: "Filters", value: nil, constraint: "Member must have length less than or equal to 10") }
        for filter in filters {
            let key = try filter.requiredString("Key")
            guard Self.executionFilterKeys.contains(key) else { throw APIError("InvalidFilterKey", "The specified key is not valid: \(key).") }
            let values = try filter.stringList("Values") ?? []
            guard (1...10).contains(values.count) else {
                throw APIError("InvalidFilterValue", "The filter \(key) needs between 1 and 10 values.")
            }
            switch key {
            case "DocumentNamePrefix": query.documentNamePrefixes += values
            case "ExecutionStatus":
                for value in values where !AutomationStatus.awsValues.contains(value) {
                    throw APIError("InvalidFilterValue", "The filter value is not valid: \(value) is not an automation execution status.")
                }
                query.statuses += values
            case "ExecutionId": query.ids += values
            case "ParentExecutionId": query.parentIds += values
            case "CurrentAction": query.currentActions += values
            case "StartTimeBefore", "StartTimeAfter":
                let instants = try values.map { value throws(APIError) -> Double in
                    guard let instant = CalendarTime.parse(value)?.timeIntervalSince1970 ?? Double(value) else {
                        throw APIError("InvalidFilterValue", "The filter value is not valid: \(value) is not a time such as 2026-12-01T00:00:00Z.")
                    }
                    return instant
                }
                if key == "StartTimeBefore" { query.startedBefore = instants.max() } else { query.startedAfter = instants.min() }
            case "AutomationType":
                if !values.contains("Local") { matchesNothing = true }
            case "TagKey": tagKeys += values
            default:
                matchesNothing = true   // resource groups, change-request subtypes, OpsItems: none here
            }
        }
        if let token = try input.string("NextToken") {
            let key = try PageToken.read(token, listing: "automation-executions", error: Self.invalidToken) ?? ""
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2, let time = Double(parts[0]) else { throw Self.invalidToken }
            query.after = (time, parts[1])
        }
        var page: [AutomationExecutionRecord] = []
        var more = false
        if !matchesNothing {
            scan: while true {
                let batch = try environment.database.automationExecutions(query)
                for record in batch {
                    if page.count == limit { more = true; break scan }
                    query.after = (record.startTime, record.id)
                    if !tagKeys.isEmpty {
                        let keys = (AutomationShapes.json(record.tags)?.arrayValue ?? []).compactMap { $0["Key"]?.stringValue }
                        guard keys.contains(where: tagKeys.contains) else { continue }
                    }
                    page.append(record)
                }
                if batch.count < query.limit { break }
            }
        }
        var output: [String: JSONValue] = ["AutomationExecutionMetadataList": .array(page.map { .object(AutomationShapes.metadata($0)) })]
        if more, let last = page.last {
            output["NextToken"] = .string(PageToken.make(after: "\(last.startTime)|\(last.id)", listing: "automation-executions"))
        }
        return output
    }

    static let invalidToken = APIError("InvalidNextToken", "The specified token isn't valid.")
    static let stepFilterKeys: Set<String> = ["StartTimeBefore", "StartTimeAfter", "StepExecutionStatus", "StepExecutionId", "StepName", "Action"]

    func describeSteps(_ input: APIInput) throws -> [String: JSONValue] {
        let id = try executionId(input)
        let limit = try input.int("MaxResults", range: 1...50) ?? 50
        let reverse = try input.bool("ReverseOrder") ?? false
        let record = try record(id)
        var steps = try environment.database.automationSteps(executionId: id)
        for filter in try input.structures("Filters") ?? [] {
            let key = try filter.requiredString("Key")
            guard Self.stepFilterKeys.contains(key) else { throw APIError("InvalidFilterKey", "The specified key is not valid: \(key).") }
            let values = try filter.stringList("Values") ?? []
            guard (1...10).contains(values.count) else { throw APIError("InvalidFilterValue", "The filter \(key) needs between 1 and 10 values.") }
            switch key {
            case "StepExecutionStatus":
                for value in values where !AutomationStatus.awsValues.contains(value) {
                    throw APIError("InvalidFilterValue", "The filter value is not valid: \(value) is not a step status.")
                }
                steps = steps.filter { values.contains($0.status) }
            case "StepExecutionId": steps = steps.filter { values.contains($0.stepExecutionId) }
            case "StepName": steps = steps.filter { values.contains($0.stepName) }
            case "Action": steps = steps.filter { values.contains($0.action) }
            default:
                let instants = try values.map { value throws(APIError) -> Double in
                    guard let instant = CalendarTime.parse(value)?.timeIntervalSince1970 ?? Double(value) else {
                        throw APIError("InvalidFilterValue", "The filter value is not valid: \(value) is not a time such as 2026-12-01T00:00:00Z.")
                    }
                    return instant
                }
                steps = key == "StartTimeBefore" ? steps.filter { $0.startTime < instants.max()! } : steps.filter { $0.startTime > instants.min()! }
            }
        }
        if reverse { steps.reverse() }
        let skip = try PageToken.read(try input.string("NextToken"), listing: "steps:\(id):\(reverse)", error: Self.invalidToken)
            .map { value throws(APIError) -> Int in
                guard let number = Int(value) else { throw Self.invalidToken }
                return number
            } ?? 0
        let runbook = AutomationShapes.runbook(record)
        let page = steps.dropFirst(skip).prefix(limit)
        var output: [String: JSONValue] = ["StepExecutions": .array(page.map { AutomationShapes.step(record: $0, runbook: runbook) })]
        if skip + page.count < steps.count {
            output["NextToken"] = .string(PageToken.make(after: String(skip + page.count), listing: "steps:\(id):\(reverse)"))
        }
        return output
    }

    // MARK: Stop and signal

    func stop(_ input: APIInput) async throws -> [String: JSONValue] {
        let id = try executionId(input)
        let type = try input.string("Type") ?? "Cancel"
        guard let stopType = AutomationStopType(rawValue: type) else {
            throw APIError.validation(member: "Type", value: type, constraint: "Member must satisfy enum value set: [Complete, Cancel]")
        }
        do {
            try await engine.stop(id, type: stopType)
        } catch let error as AutomationError {
            throw Self.apiError(error)
        }
        return [:]
    }

    func signal(_ call: APICall) async throws -> [String: JSONValue] {
        let id = try executionId(call.input)
        let type = try call.input.requiredString("SignalType")
        guard let signal = AutomationSignal(rawValue: type) else {
            throw APIError.validation(member: "SignalType", value: type,
                                      constraint: "Member must satisfy enum value set: [Approve, Reject, StartStep, StopStep, Resume, Revoke]")
        }
        let payload = try Self.parameterMap(call.input, member: "Payload")
        do {
            try await engine.signal(id, signal, payload: payload, caller: call.caller.name)
        } catch let error as AutomationError {
            throw Self.apiError(error)
        }
        return [:]
    }
}
