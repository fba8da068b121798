import GRDB

extension Database {
    /// Records an event and its deliveries in the current transaction. Every outbox write goes
    /// through here, with statements compiled once per connection and values bound directly
    /// (`run(binding:)`): a fleet stopping records tens of thousands of events, and GRDB's
    /// record `insert` encodes each through Codable.
    func recordOutbox(_ event: StoredEvent, deliveries: [DeliveryRecord]) throws {
        try cachedStatement(sql: """
            INSERT INTO event (id, dedupeKey, time, source, detailType, body, recordedAt, deliverable) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).run(binding: [event.id.databaseValue, event.dedupeKey.databaseValue, event.time.databaseValue,
                                 event.source.databaseValue, event.detailType.databaseValue, event.body.databaseValue,
                                 event.recordedAt.databaseValue, event.deliverable.databaseValue])
        guard !deliveries.isEmpty else { return }
        let insertDelivery = try cachedStatement(sql: """
            INSERT INTO delivery (eventId, rule, targetId, status, attempts, nextAttemptAt, lastError, output, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for delivery in deliveries {
            try insertDelivery.run(binding: [delivery.eventId.databaseValue, delivery.rule.databaseValue,
                                             delivery.targetId.databaseValue, delivery.status.rawValue.databaseValue,
                                             delivery.attempts.databaseValue, delivery.nextAttemptAt.databaseValue,
                                             delivery.lastError.databaseValue, delivery.output.databaseValue,
                                             delivery.updatedAt.databaseValue])
        }
    }
}
