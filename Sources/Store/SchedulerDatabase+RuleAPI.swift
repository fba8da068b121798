import GRDB
import Foundation

/// Rule changes made through the EventBridge API. Rules reconciled from the configuration
/// (origin `config`) are not changed here; the API reports them as managed.
extension SchedulerDatabase {
    public func rule(name: String) throws -> RuleRecord? {
        try writer.read { db in try RuleRecord.fetchOne(db, key: name) }
    }

    /// Rules whose name starts with `prefix`, in name order after `after`, at most `limit`.
    public func rulePage(prefix: String?, after: String?, limit: Int) throws -> [RuleRecord] {
        try writer.read { db in
            var request = RuleRecord.all()
            if let prefix, !prefix.isEmpty { request = request.filter(Column("name").like(Self.likePrefix(prefix), escape: "\\")) }
            if let after { request = request.filter(Column("name") > after) }
            return try request.order(Column("name")).limit(limit).fetchAll(db)
        }
    }

    /// Writes `rule` in one transaction after `change` has seen the stored one (nil when
    /// new) and returned the record to store, or nil to leave it. Returns what was stored.
    public func changeRule(name: String, _ change: (RuleRecord?) throws -> RuleRecord?) throws -> RuleRecord? {
        try writer.write { db in
            let existing = try RuleRecord.fetchOne(db, key: name)
            guard let updated = try change(existing) else { return nil }
            try updated.upsert(db)
            return updated
        }
    }

    public func deleteRule(name: String) throws {
        _ = try writer.write { db in try RuleRecord.deleteOne(db, key: name) }
    }

    /// Records an event that did not come from a calendar (PutEvents) with its deliveries.
    /// Returns false when the dedupe key was seen before.
    @discardableResult
    public func recordEvent(_ event: StoredEvent, deliveries: [DeliveryRecord]) throws -> Bool {
        try recordEmission(event, calendar: nil, state: nil, since: Date(timeIntervalSince1970: event.time), deliveries: deliveries)
    }

    static func likePrefix(_ prefix: String) -> String {
        prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
