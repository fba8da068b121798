public import Foundation
public import Store

/// A fault injected into the simulators, to test automations against what goes wrong on AWS.
///
/// | kind | effect |
/// |---|---|
/// | `insufficient-capacity` | StartInstances and RunInstances fail with `InsufficientInstanceCapacity` (HTTP 500); StartDBInstance and CreateDBInstance with `InsufficientDBInstanceCapacity` |
/// | `throttle` | calls fail with `RequestLimitExceeded` (EC2, HTTP 503) or `Throttling` (RDS, HTTP 400) before doing anything; `operation` limits it to one action, `probability` to a share of calls |
/// | `hang` | a transition that begins never completes (the resource stays `pending`, `stopping`, `starting` …) until the fault is removed; `operation` limits it to `start`, `stop`, `terminate` or `launch`. A forced StopInstances (`--force`) ends a hung stop |
///
/// A fault applies to one resource (`resource`: an instance id or a DB identifier) or to the
/// whole fleet of a service (`service`: `ec2`, `rds`, or nil for both). `remaining` makes it
/// apply that many times and then disappear.
public struct Fault: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case insufficientCapacity = "insufficient-capacity"
        case throttle
        case hang
    }

    public enum Service: String, Sendable, CaseIterable {
        case ec2, rds
    }

    /// The transitions a `hang` fault can hold.
    public static let transitions = ["start", "stop", "terminate", "launch"]

    public var id: Int64?
    public var kind: Kind
    public var service: Service?
    public var resource: String?
    /// For `throttle`, an action name (`StopInstances`); for `hang`, a transition (`start`,
    /// `stop`, `terminate`, `launch`); nil for all.
    public var operation: String?
    /// How many more times it applies; nil until removed.
    public var remaining: Int?
    /// For `throttle`: the chance, from 0 to 1, that a call is refused.
    public var probability: Double

    public init(id: Int64? = nil, kind: Kind, service: Service? = nil, resource: String? = nil, operation: String? = nil,
                remaining: Int? = nil, probability: Double = 1) {
        self.id = id
        self.kind = kind
        self.service = service
        self.resource = resource
        self.operation = operation
        self.remaining = remaining
        self.probability = probability
    }

    /// What is wrong with this fault, in words for the person who wrote it; nil when it is fine.
    public var problem: String? {
        if let remaining, remaining < 1 { return "times must be at least 1, not \(remaining)" }
        if !(0...1).contains(probability) || probability == 0 { return "probability must be above 0 and at most 1, not \(probability)" }
        if kind != .throttle, probability != 1 { return "probability applies to throttle faults only" }
        if kind == .hang, let operation, !Self.transitions.contains(operation) {
            return "a hang fault holds one of the transitions \(Self.transitions.joined(separator: ", ")), not '\(operation)'"
        }
        if kind == .insufficientCapacity, operation != nil {
            return "an insufficient-capacity fault applies to starts and launches; it takes no operation"
        }
        if let operation, kind == .throttle, operation.isEmpty || !operation.allSatisfy({ $0.isLetter }) {
            return "'\(operation)' is not an action name such as StopInstances"
        }
        return nil
    }

    /// The stored form.
    public func record(origin: String, at time: Date) -> ResourceFaultRecord {
        ResourceFaultRecord(id: id, kind: kind.rawValue, service: service?.rawValue, resourceId: resource, operation: operation,
                            remaining: remaining, probability: probability, origin: origin, createdAt: time.timeIntervalSince1970)
    }

    /// The fault a stored record describes (nil for a record this version does not know).
    public init?(_ record: ResourceFaultRecord) {
        guard let kind = Kind(rawValue: record.kind) else { return nil }
        self.init(id: record.id, kind: kind, service: record.service.flatMap(Service.init), resource: record.resourceId,
                  operation: record.operation, remaining: record.remaining, probability: record.probability)
    }

    /// Whether it applies to a call or transition of `service` on `resources` (empty: a call
    /// naming no resource, which only fleet-wide faults reach) with `operation`.
    func applies(kind: Kind, service: Service, resources: [String], operation: String?) -> Bool {
        guard self.kind == kind else { return false }
        if let own = self.service, own != service { return false }
        if let resource, !resources.contains(resource) { return false }
        if let own = self.operation, own != operation { return false }
        return true
    }

    /// One line for `schedulerd fleet fault list` and logs.
    public var summary: String {
        var text = kind.rawValue
        text += " on " + (resource ?? (service.map { "every \($0.rawValue) resource" } ?? "the whole fleet"))
        if let operation { text += " (\(operation))" }
        if let remaining { text += ", \(remaining) more time\(remaining == 1 ? "" : "s")" }
        if probability < 1 { text += ", probability \(probability)" }
        return text
    }
}
