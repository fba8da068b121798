public import Automation
public import EventBus
public import Foundation
public import SchedulerCore
import Synchronization

/// TEST DOUBLE. A small in-memory EC2 and RDS that speaks `AWSAPICaller`, written so the
/// automation engine could be tested before the real simulators (module `Actions`) existed.
/// It is not a simulator: just enough of DescribeInstances (InstanceIds, `tag:KEY` and
/// `instance-state-name` filters), DescribeInstanceStatus, Start/Stop/TerminateInstances,
/// DescribeDBInstances, Start/StopDBInstance and ListTagsForResource, with AWS's error codes
/// for wrong states and unknown ids, transitions timed on a `WallClock`, injected faults and a
/// log of every call. Once the simulators are merged, tests should run against them instead.
public final class EC2RDSTestDouble: AWSAPICaller {
    public struct Call: Sendable, Equatable {
        public let service: String
        public let api: String
        public let parameters: JSONValue
    }

    struct Instance {
        var id: String
        var state: String
        var tags: [String: String]
        /// The state it reaches, and when (a transition in progress).
        var target: (state: String, at: Date)?
    }

    struct Database {
        var id: String
        var status: String
        var tags: [String: String]
        var target: (status: String, at: Date)?
    }

    struct Fault {
        let service: String
        let api: String
        let code: String
        let message: String
        var remaining: Int
    }

    struct State {
        var instances: [Instance] = []
        var databases: [Database] = []
        var calls: [Call] = []
        var faults: [Fault] = []
        /// Ids whose transitions never finish.
        var hung: Set<String> = []
    }

    private let state = Mutex(State())
    private let clock: any WallClock
    /// Seconds a transition (pending→running, stopping→stopped, starting→available...) takes.
    public let transitionSeconds: TimeInterval
    /// Whether DescribeDBInstances includes `TagList` (else ListTagsForResource is needed).
    public let includeTagList: Bool

    public init(clock: any WallClock, transitionSeconds: TimeInterval = 0, includeTagList: Bool = true) {
        self.clock = clock
        self.transitionSeconds = transitionSeconds
        self.includeTagList = includeTagList
    }

    // MARK: Fleet

    public func addInstance(_ id: String, state: String = "running", tags: [String: String] = [:]) {
        self.state.withLock { $0.instances.append(Instance(id: id, state: state, tags: tags)) }
    }

    public func addDatabase(_ id: String, status: String = "available", tags: [String: String] = [:]) {
        state.withLock { $0.databases.append(Database(id: id, status: status, tags: tags)) }
    }

    public func instanceState(_ id: String) -> String? {
        settle()
        return state.withLock { $0.instances.first { $0.id == id }?.state }
    }

    public func databaseStatus(_ id: String) -> String? {
        settle()
        return state.withLock { $0.databases.first { $0.id == id }?.status }
    }

    // MARK: Faults and the call log

    /// The next `times` calls of `api` fail with `code`.
    public func fail(_ service: String, _ api: String, code: String, message: String = "injected fault", times: Int = 1) {
        state.withLock { $0.faults.append(Fault(service: service, api: api, code: code, message: message, remaining: times)) }
    }

    /// Transitions of `id` never finish (it stays pending, stopping, starting...).
    public func hang(_ id: String) {
        state.withLock { _ = $0.hung.insert(id) }
    }

    public var calls: [Call] { state.withLock { $0.calls } }

    public func calls(_ api: String) -> [Call] { calls.filter { $0.api == api } }

    // MARK: AWSAPICaller

    public func call(service: String, api: String, parameters: JSONValue) async throws -> JSONValue {
        settle()
        let fault = state.withLock { state -> Fault? in
            state.calls.append(Call(service: service, api: api, parameters: parameters))
            guard let index = state.faults.firstIndex(where: { $0.service == service && $0.api == api && $0.remaining > 0 }) else { return nil }
            state.faults[index].remaining -= 1
            return state.faults[index]
        }
        if let fault { throw AWSAPIError(code: fault.code, message: fault.message) }
        switch (service, api) {
        case ("ec2", "DescribeInstances"): return try describeInstances(parameters)
        case ("ec2", "DescribeInstanceStatus"): return try describeStatus(parameters)
        case ("ec2", "StartInstances"): return try change(parameters, to: "running", via: "pending", from: ["stopped"], key: "StartingInstances")
        case ("ec2", "StopInstances"): return try change(parameters, to: "stopped", via: "stopping", from: ["running"], key: "StoppingInstances")
        case ("ec2", "TerminateInstances"):
            return try change(parameters, to: "terminated", via: "shutting-down", from: ["running", "stopped", "pending", "stopping"],
                              key: "TerminatingInstances")
        case ("rds", "DescribeDBInstances"): return try describeDatabases(parameters)
        case ("rds", "StartDBInstance"): return try changeDatabase(parameters, to: "available", via: "starting", from: "stopped")
        case ("rds", "StopDBInstance"): return try changeDatabase(parameters, to: "stopped", via: "stopping", from: "available")
        case ("rds", "ListTagsForResource"):
            let arn = parameters["ResourceName"]?.stringValue ?? ""
            guard let database = state.withLock({ $0.databases.first { Self.arn($0.id) == arn } }) else {
                throw AWSAPIError(code: "DBInstanceNotFound", message: "DBInstance \(arn) not found.")
            }
            return ["TagList": Self.tagList(database.tags)]
        default:
            throw AWSAPIError(code: "InvalidAction", message: "The test double has no \(service).\(api).")
        }
    }

    /// Finishes the transitions whose time has come.
    private func settle() {
        let now = clock.now()
        state.withLock { state in
            for index in state.instances.indices {
                if let target = state.instances[index].target, target.at <= now, !state.hung.contains(state.instances[index].id) {
                    state.instances[index].state = target.state
                    state.instances[index].target = nil
                }
            }
            for index in state.databases.indices {
                if let target = state.databases[index].target, target.at <= now, !state.hung.contains(state.databases[index].id) {
                    state.databases[index].status = target.status
                    state.databases[index].target = nil
                }
            }
        }
    }

    static let codes = ["pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80]

    static func stateShape(_ name: String) -> JSONValue { ["Code": .number(Double(codes[name] ?? 0)), "Name": .string(name)] }

    static func tagList(_ tags: [String: String]) -> JSONValue {
        .array(tags.keys.sorted().map { ["Key": .string($0), "Value": .string(tags[$0]!)] })
    }

    static func arn(_ id: String) -> String { "arn:aws:rds:us-east-1:123456789012:db:\(id)" }

    private func ids(_ parameters: JSONValue) -> [String]? {
        parameters["InstanceIds"]?.arrayValue?.compactMap(\.stringValue)
    }

    private func describeInstances(_ parameters: JSONValue) throws -> JSONValue {
        let all = state.withLock { $0.instances }
        var selected = all
        if let ids = ids(parameters), !ids.isEmpty {
            for id in ids where !all.contains(where: { $0.id == id }) {
                throw AWSAPIError(code: "InvalidInstanceID.NotFound", message: "The instance ID '\(id)' does not exist")
            }
            selected = all.filter { ids.contains($0.id) }
        }
        for filter in parameters["Filters"]?.arrayValue ?? [] {
            let name = filter["Name"]?.stringValue ?? ""
            let values = filter["Values"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if name == "instance-state-name" {
                selected = selected.filter { values.contains($0.state) }
            } else if name.hasPrefix("tag:") {
                let key = String(name.dropFirst(4))
                selected = selected.filter { $0.tags[key].map(values.contains) ?? false }
            } else if name == "tag-key" {
                selected = selected.filter { instance in values.contains { instance.tags[$0] != nil } }
            }
        }
        let instances: [JSONValue] = selected.map { instance in
            ["InstanceId": .string(instance.id), "InstanceType": "t3.micro", "State": Self.stateShape(instance.state),
             "Tags": Self.tagList(instance.tags)]
        }
        return ["Reservations": instances.isEmpty ? [] : [["ReservationId": "r-0123456789abcdef0", "Instances": .array(instances)]]]
    }

    private func describeStatus(_ parameters: JSONValue) throws -> JSONValue {
        let all = state.withLock { $0.instances }
        let ids = ids(parameters) ?? all.map(\.id)
        let statuses: [JSONValue] = all.filter { ids.contains($0.id) && $0.state == "running" }.map { instance in
            ["InstanceId": .string(instance.id), "InstanceState": Self.stateShape("running"),
             "InstanceStatus": ["Status": "ok"], "SystemStatus": ["Status": "ok"]]
        }
        return ["InstanceStatuses": .array(statuses)]
    }

    private func change(_ parameters: JSONValue, to final: String, via transitional: String, from allowed: [String], key: String) throws -> JSONValue {
        guard let ids = ids(parameters), !ids.isEmpty else {
            throw AWSAPIError(code: "MissingParameter", message: "The request must contain the parameter InstanceIds")
        }
        let now = clock.now()
        let seconds = transitionSeconds
        return try state.withLock { state -> JSONValue in
            var changes: [JSONValue] = []
            for id in ids {
                guard let index = state.instances.firstIndex(where: { $0.id == id }) else {
                    throw AWSAPIError(code: "InvalidInstanceID.NotFound", message: "The instance ID '\(id)' does not exist")
                }
                let previous = state.instances[index].state
                if previous == final || previous == transitional {
                    changes.append(["InstanceId": .string(id), "CurrentState": Self.stateShape(previous), "PreviousState": Self.stateShape(previous)])
                    continue
                }
                guard allowed.contains(previous) else {
                    throw AWSAPIError(code: "IncorrectInstanceState",
                                      message: "The instance '\(id)' is not in a state from which it can be \(final == "running" ? "started" : final).")
                }
                if seconds == 0, !state.hung.contains(id) {
                    state.instances[index].state = final
                } else {
                    state.instances[index].state = transitional
                    state.instances[index].target = (final, now.addingTimeInterval(seconds))
                }
                changes.append(["InstanceId": .string(id), "CurrentState": Self.stateShape(state.instances[index].state),
                                "PreviousState": Self.stateShape(previous)])
            }
            return [key: .array(changes)]
        }
    }

    private func databaseShape(_ database: Database) -> JSONValue {
        var shape: [String: JSONValue] = [
            "DBInstanceIdentifier": .string(database.id), "DBInstanceStatus": .string(database.status), "Engine": "postgres",
            "DBInstanceClass": "db.t3.micro", "DBInstanceArn": .string(Self.arn(database.id)),
        ]
        if includeTagList { shape["TagList"] = Self.tagList(database.tags) }
        return .object(shape)
    }

    private func describeDatabases(_ parameters: JSONValue) throws -> JSONValue {
        let all = state.withLock { $0.databases }
        if let id = parameters["DBInstanceIdentifier"]?.stringValue {
            guard let database = all.first(where: { $0.id == id }) else {
                throw AWSAPIError(code: "DBInstanceNotFound", message: "DBInstance \(id) not found.")
            }
            return ["DBInstances": [databaseShape(database)]]
        }
        return ["DBInstances": .array(all.map(databaseShape))]
    }

    private func changeDatabase(_ parameters: JSONValue, to final: String, via transitional: String, from allowed: String) throws -> JSONValue {
        let id = parameters["DBInstanceIdentifier"]?.stringValue ?? ""
        let now = clock.now()
        let seconds = transitionSeconds
        let changed = try state.withLock { state -> Database in
            guard let index = state.databases.firstIndex(where: { $0.id == id }) else {
                throw AWSAPIError(code: "DBInstanceNotFound", message: "DBInstance \(id) not found.")
            }
            guard state.databases[index].status == allowed else {
                throw AWSAPIError(code: "InvalidDBInstanceState",
                                  message: "Instance \(id) is not in \(allowed) state; it is \(state.databases[index].status).")
            }
            state.databases[index].status = transitional
            state.databases[index].target = (final, now.addingTimeInterval(seconds))
            return state.databases[index]
        }
        return ["DBInstance": databaseShape(changed)]
    }
}
