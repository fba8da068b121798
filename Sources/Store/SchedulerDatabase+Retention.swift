import Foundation
import GRDB

/// What one pass of `pruneHistory` deleted.
public struct PrunedHistory: Sendable, Equatable {
    public var events = 0
    public var executions = 0

    public init(events: Int = 0, executions: Int = 0) {
        self.events = events
        self.executions = executions
    }

    public var isEmpty: Bool { events == 0 && executions == 0 }
}

extension SchedulerDatabase {
    /// Deletes, in one transaction, at most `limit` events and at most `limit` automation
    /// executions of the history older than `cutoff`:
    /// - events whose time is before it and that were recorded before it (a catch-up of a
    ///   transition missed long ago is recorded now, and kept), and that no delivery still
    ///   waits on (a pending or retrying delivery keeps its event, however old); their
    ///   deliveries go with them, dead letters included;
    /// - ended executions that started and ended before it, with their steps. A parent goes
    ///   first and its children after it (as orphans), so a parent is never listed with only
    ///   some of its children.
    ///
    /// Call it until it deletes nothing: small transactions keep the single writer free for
    /// the automations and the API between them.
    public func pruneHistory(before cutoff: Date, limit: Int) throws -> PrunedHistory {
        let time = cutoff.timeIntervalSince1970
        return try writer.write { db in
            // Deliveries and steps go by their foreign keys' ON DELETE CASCADE. Each condition
            // on `time` or `startTime` is there for its index (`event_time`,
            // `automationExecution_start`): the scans cover only the old rows.
            try db.execute(sql: """
                DELETE FROM event WHERE rowid IN (
                    SELECT e.rowid FROM event e
                    WHERE e.time < ? AND e.recordedAt < ?
                      AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.eventId = e.id AND d.status IN ('pending', 'failed'))
                    LIMIT ?)
                """, arguments: [time, time, limit])
            var pruned = PrunedHistory(events: db.changesCount)
            try db.execute(sql: """
                DELETE FROM automationExecution WHERE id IN (
                    SELECT id FROM automationExecution
                    WHERE startTime < ? AND endTime < ? AND parentId IS NULL
                    LIMIT ?)
                """, arguments: [time, time, limit])
            pruned.executions = db.changesCount
            try db.execute(sql: """
                DELETE FROM automationExecution WHERE id IN (
                    SELECT c.id FROM automationExecution c
                    WHERE c.startTime < ? AND c.endTime < ? AND c.parentId IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM automationExecution p WHERE p.id = c.parentId)
                    LIMIT ?)
                """, arguments: [time, time, limit])
            pruned.executions += db.changesCount
            return pruned
        }
    }
}
