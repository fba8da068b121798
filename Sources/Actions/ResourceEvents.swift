import ChangeCalendar
import Daemon
import EventBus
import Foundation
import Store

/// The events the simulators put on the bus, shaped as AWS's:
///
/// - `EC2 Instance State-change Notification` (source `aws.ec2`, resources the instance ARN,
///   detail `{"instance-id", "state"}`) at every state an instance enters;
/// - `RDS DB Instance Event` (source `aws.rds`, detail `EventCategories`, `SourceType`
///   `DB_INSTANCE`, `SourceArn`, `Date`, `Message`, `SourceIdentifier`, `EventID`, `Tags`) at
///   every status a DB instance enters (and when it is gone after `deleting`), with the RDS
///   event id AWS uses for it.
struct ResourceEvents {
    let account: String
    let region: String

    /// One RDS event: its id, category and message (RDS User Guide, "Amazon RDS event
    /// categories and event messages").
    struct DBEvent: Equatable {
        let id: String
        let category: String
        let message: String
    }

    /// The RDS event for a DB instance entering `status` (nil: the instance is gone; `cause`:
    /// what the transition was). `deleting` has none: RDS reports a deletion when it is done.
    static func dbEvent(entering status: DBInstanceStatus?, from previous: DBInstanceStatus?, cause: String?) -> DBEvent? {
        switch status {
        case .creating?: DBEvent(id: "RDS-EVENT-0005", category: "creation", message: "DB instance created")
        case .available? where previous == .creating:
            DBEvent(id: "RDS-EVENT-0002", category: "backup", message: "Finished DB Instance backup")
        case .available?: DBEvent(id: "RDS-EVENT-0088", category: "notification", message: "DB instance started")
        case .stopping?: DBEvent(id: "RDS-EVENT-0004", category: "availability", message: "DB instance shutdown")
        case .stopped?: DBEvent(id: "RDS-EVENT-0087", category: "notification", message: "DB instance stopped")
        case .starting? where cause == "auto-start":
            DBEvent(id: "RDS-EVENT-0154", category: "notification",
                    message: "DB instance is being started due to it exceeding the maximum allowed time being stopped.")
        case .starting?: DBEvent(id: "RDS-EVENT-0006", category: "availability", message: "DB instance restarted")
        case .deleting?: nil
        case nil: DBEvent(id: "RDS-EVENT-0003", category: "deletion", message: "DB instance deleted")
        }
    }

    func instanceARN(_ id: String) -> String { "arn:aws:ec2:\(region):\(account):instance/\(id)" }

    func dbARN(_ identifier: String) -> String { "arn:aws:rds:\(region):\(account):db:\(identifier)" }

    func instanceStateChange(_ id: String, state: InstanceStateName, at time: Date) throws -> EventEnvelope {
        let detail = "{\"instance-id\":\(Self.json(id)),\"state\":\(Self.json(state.rawValue))}"
        return try EventEnvelope(detailType: "EC2 Instance State-change Notification", source: "aws.ec2", account: account,
                                 region: region, time: time, resources: [instanceARN(id)], detailJSON: detail)
    }

    func dbInstanceEvent(_ identifier: String, event: DBEvent, tags: [Tag], at time: Date) throws -> EventEnvelope {
        let arn = dbARN(identifier)
        let tagMembers = tags.map { "\(Self.json($0.key)):\(Self.json($0.value))" }.joined(separator: ",")
        let detail = "{\"EventCategories\":[\(Self.json(event.category))],\"SourceType\":\"DB_INSTANCE\","
            + "\"SourceArn\":\(Self.json(arn)),\"Date\":\(Self.json(ModelTime.format(time))),"
            + "\"Message\":\(Self.json(event.message)),\"SourceIdentifier\":\(Self.json(identifier)),"
            + "\"EventID\":\(Self.json(event.id)),\"Tags\":{\(tagMembers)}}"
        return try EventEnvelope(detailType: "RDS DB Instance Event", source: "aws.rds", account: account, region: region,
                                 time: time, resources: [arn], detailJSON: detail)
    }

    static func json(_ text: String) -> String { JSONValue.string(text).serialized() }
}

/// Events of one write, recorded in its transaction, counted for metrics after it commits.
struct EventBatch {
    let rules: RuleBook
    let now: Date
    let maxEventAge: TimeInterval
    private(set) var recorded: [(source: String, deliveries: Int, state: String)] = []

    init(rules: RuleBook, now: Date, maxEventAge: TimeInterval) {
        self.rules = rules
        self.now = now
        self.maxEventAge = maxEventAge
    }

    /// Records `event` with a delivery to every target of every matching rule, unless it is
    /// older than `max_event_age` (a transition completed long after it was due, at a restart):
    /// then it is archived only, as calendar events are.
    mutating func record(_ event: EventEnvelope, state: String, in transaction: ResourceTransaction) throws {
        let deliverable = now.timeIntervalSince(event.time) <= maxEventAge
        let deliveries = deliverable ? rules.deliveries(for: event, now: now) : []
        let stored = StoredEvent(id: event.id, dedupeKey: "\(event.source):\(event.id)", time: event.time.timeIntervalSince1970,
                                 source: event.source, detailType: event.detailType, body: event.json,
                                 recordedAt: now.timeIntervalSince1970, deliverable: deliverable)
        try transaction.record(stored, deliveries: deliveries)
        recorded.append((event.source, deliveries.count, state))
    }
}

/// Timestamps as EC2 and RDS write them: ISO 8601 in UTC with milliseconds.
public enum ModelTime {
    /// `2026-12-01T03:00:00.000Z`.
    public static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = Date(timeIntervalSince1970: Double(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient
                                                          - (milliseconds < 0 && milliseconds % 1000 != 0 ? 1 : 0)))
        let fraction = ((milliseconds % 1000) + 1000) % 1000
        let whole = CalendarTime.format(seconds)   // 2026-12-01T03:00:00Z
        let digits = String(fraction)
        return String(whole.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// EC2's `StateTransitionReason` time: `2026-12-01 03:00:00 GMT`.
    static func reasonTime(_ date: Date) -> String {
        let whole = CalendarTime.format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
        return String(whole.dropLast().map { $0 == "T" ? " " : $0 }) + " GMT"
    }
}
