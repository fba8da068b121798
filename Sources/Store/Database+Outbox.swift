import GRDB

extension Database {
    /// Records an event and its deliveries in the current transaction. Every outbox write goes
    /// through here, with statements compiled once per connection: a fleet stopping records
    /// tens of thousands of events, and GRDB's record `insert` encodes each through Codable.
    func recordOutbox(_ event: StoredEvent, deliveries: [DeliveryRecord]) throws {
        try cachedStatement(sql: """
            INSERT INTO event (id, dedupeKey, time, source, detailType, body, recordedAt, deliverable) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [event.id, event.dedupeKey, event.time, event.source, event.detailType, event.body,
                                     event.recordedAt, event.deliverable])
        guard !deliveries.isEmpty else { return }
        let insertDelivery = try cachedStatement(sql: """
            INSERT INTO delivery (eventId, rule, targetId, status, attempts, nextAttemptAt, lastError, output, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for delivery in deliveries {
            try insertDelivery.execute(arguments: [delivery.eventId, delivery.rule, delivery.targetId, delivery.status.rawValue,
                                                   delivery.attempts, delivery.nextAttemptAt, delivery.lastError, delivery.output,
                                                   delivery.updatedAt])
        }
    }
}
