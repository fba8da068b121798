import GRDB
import Foundation

extension SchedulerDatabase {
    /// The state each calendar last emitted.
    public func calendarStates() throws -> [String: CalendarStateRecord] {
        try writer.read { db in
            Dictionary(uniqueKeysWithValues: try CalendarStateRecord.fetchAll(db).map { ($0.calendar, $0) })
        }
    }

    /// Records a calendar's state without an event (a calendar seen for the first time).
    public func recordInitialState(calendar: String, state: String, since: Date) throws {
        try writer.write { db in
            try CalendarStateRecord(calendar: calendar, state: state, since: since.timeIntervalSince1970, eventId: nil).upsert(db)
        }
    }

    /// The outbox write: the calendar's new state, its event and the event's deliveries, in one
    /// transaction. Returns false (and writes nothing) when an event with the same dedupe key
    /// exists already, which is what makes a transition emitted exactly once per calendar and
    /// instant across crashes and restarts.
    @discardableResult
    public func recordEmission(_ event: StoredEvent, calendar: String?, state: String?, since: Date,
                               deliveries: [DeliveryRecord]) throws -> Bool {
        try writer.write { db in
            if try StoredEvent.filter(Column("dedupeKey") == event.dedupeKey).fetchCount(db) > 0 { return false }
            try db.recordOutbox(event, deliveries: deliveries)
            if let calendar, let state {
                try CalendarStateRecord(calendar: calendar, state: state, since: since.timeIntervalSince1970, eventId: event.id).upsert(db)
            }
            return true
        }
    }

    /// Deliveries due at `now` (pending, or failed with their retry time come), oldest first.
    public func dueDeliveries(now: Date, limit: Int = 100) throws -> [(delivery: DeliveryRecord, event: StoredEvent)] {
        try writer.read { db in
            let deliveries = try DeliveryRecord
                .filter([DeliveryRecord.Status.pending.rawValue, DeliveryRecord.Status.failed.rawValue].contains(Column("status")))
                .filter(Column("nextAttemptAt") <= now.timeIntervalSince1970)
                .order(Column("nextAttemptAt"))
                .limit(limit)
                .fetchAll(db)
            return try deliveries.compactMap { delivery in
                guard let event = try StoredEvent.fetchOne(db, key: delivery.eventId) else { return nil }
                return (delivery, event)
            }
        }
    }

    /// The earliest retry time of any delivery still to be made.
    public func nextDeliveryTime() throws -> Date? {
        try writer.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(nextAttemptAt) FROM delivery WHERE status IN ('pending', 'failed')")
                .map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// Updates one delivery after an attempt.
    public func finishAttempt(_ delivery: DeliveryRecord) throws {
        try writer.write { db in try delivery.update(db) }
    }

    /// Events since `since` (all when nil), oldest first, each with its deliveries.
    public func events(since: Date?, limit: Int = 10_000) throws -> [(event: StoredEvent, deliveries: [DeliveryRecord])] {
        try writer.read { db in
            var request = StoredEvent.order(Column("time"), Column("recordedAt"))
            if let since { request = request.filter(Column("time") >= since.timeIntervalSince1970) }
            let events = try request.limit(limit).fetchAll(db)
            let deliveries = try DeliveryRecord.filter(events.map(\.id).contains(Column("eventId"))).fetchAll(db)
            let byEvent = Dictionary(grouping: deliveries, by: \.eventId)
            return events.map { ($0, byEvent[$0.id] ?? []) }
        }
    }

    // MARK: - Rules

    public func rules() throws -> [RuleRecord] {
        try writer.read { db in try RuleRecord.order(Column("name")).fetchAll(db) }
    }

    /// Makes the rules of `origin` exactly `rules`: adds, updates and removes.
    public func reconcileRules(_ rules: [RuleRecord], origin: Origin) throws {
        try writer.write { db in
            let keep = Set(rules.map(\.name))
            try RuleRecord.filter(Column("origin") == origin.rawValue).filter(!keep.contains(Column("name"))).deleteAll(db)
            for rule in rules { try rule.upsert(db) }
        }
    }
}
