import EventBus
import Foundation

/// A policy as a version stores and the API reports it: `PolicyText`, `PolicyType` and
/// `PolicyStatus` (`Pending` until carried out, then `Finished`).
public struct PolicyState: Sendable, Equatable {
    public var text: String
    public var type: String
    public var status: String

    public static let pending = "Pending"
    public static let finished = "Finished"

    public init(text: String, type: String, status: String) {
        self.text = text
        self.type = type
        self.status = status
    }

    /// The stored JSON (`[{"PolicyText": ..., "PolicyType": ..., "PolicyStatus": ...}]`).
    static func list(json: String) -> [PolicyState] {
        guard let items = (try? JSONValue(json: json))?.arrayValue else { return [] }
        return items.compactMap { item in
            guard let text = item["PolicyText"]?.stringValue, let type = item["PolicyType"]?.stringValue,
                  let status = item["PolicyStatus"]?.stringValue else { return nil }
            return PolicyState(text: text, type: type, status: status)
        }
    }

    static func json(_ states: [PolicyState]) -> String {
        JSONValue.array(states.map { ["PolicyText": .string($0.text), "PolicyType": .string($0.type), "PolicyStatus": .string($0.status)] })
            .serialized(sortingKeys: true)
    }

    /// The parsed policy (stored policies were valid when stored; a policy that no longer
    /// parses is never due).
    var policy: ParameterPolicy? {
        guard let value = try? JSONValue(json: text) else { return nil }
        // Parse against the distant past: an expiration already passed is still a due one.
        return try? ParameterPolicy.parse(value, now: .distantPast)
    }
}

/// When policies are due, as a pure function of the policies and the last change: the
/// decisions the policy service carries out, tested without a clock.
public enum PolicySchedule {
    /// When `policy` is due for a parameter last changed at `modified`, with expiration `expiration`.
    static func due(_ policy: ParameterPolicy, modified: Date, expiration: Date?) -> Date? {
        switch policy.kind {
        case .expiration(let at):
            return at
        case .expirationNotification(let before, let unit):
            return expiration.map { $0.addingTimeInterval(-Double(before) * unit.seconds) }
        case .noChangeNotification(let after, let unit):
            return modified.addingTimeInterval(Double(after) * unit.seconds)
        }
    }

    /// The earliest due time of the pending policies, or nil.
    public static func next(_ states: [PolicyState], modified: Date) -> Date? {
        let policies = states.filter { $0.status == PolicyState.pending }.compactMap(\.policy)
        let expiration = expirationTime(policies)
        return policies.compactMap { due($0, modified: modified, expiration: expiration) }.min()
    }

    static func expirationTime(_ policies: [ParameterPolicy]) -> Date? {
        policies.lazy.compactMap { if case .expiration(let at) = $0.kind { at } else { nil } }.first
    }

    /// What to do at `now`: the indices of pending policies due, and whether the parameter expires.
    public static func due(_ states: [PolicyState], modified: Date, now: Date) -> (indices: [Int], expires: Bool) {
        let parsed = states.map(\.policy)
        let expiration = expirationTime(parsed.compactMap { $0 })
        var indices: [Int] = []
        var expires = false
        for (index, state) in states.enumerated() where state.status == PolicyState.pending {
            guard let policy = parsed[index], let at = due(policy, modified: modified, expiration: expiration), at <= now else { continue }
            indices.append(index)
            if case .expiration = policy.kind { expires = true }
        }
        return (indices, expires)
    }

    /// The `action-reason` of a policy event, in the words of AWS's example ("The parameter has
    /// not been changed for 2 hours. This notification was generated based on the policy
    /// created at ...").
    static func reason(_ policy: ParameterPolicy, createdAt: Date, expiration: Date?) -> String {
        let created = "This notification was generated based on the policy created at \(iso(createdAt))"
        switch policy.kind {
        case .expiration(let at):
            return "The parameter expired at \(iso(at)) and was deleted. This action was taken based on the policy created at \(iso(createdAt))"
        case .expirationNotification(let before, let unit):
            let when = expiration.map { " at \(iso($0))" } ?? ""
            return "The parameter will expire in \(before) \(unit.word)\(when). \(created)"
        case .noChangeNotification(let after, let unit):
            return "The parameter has not been changed for \(after) \(unit.word). \(created)"
        }
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
