import Foundation
import GRDB
import Store
import Testing

@Suite("SQLite store")
struct SchedulerDatabaseTests {
    @Test func opensInWALModeWithIntegrity() throws {
        let (database, directory) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let mode = try database.writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        #expect(try database.integrityCheck() == "ok")
        // Reopening runs no migration twice.
        _ = try SchedulerDatabase.open(directory: directory)
    }

    @Test func documentsKeepVersions() throws {
        let (database, directory) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try database.putDocument(name: "cal", type: "ChangeCalendar", content: "A", origin: .config, now: now) == (1, true))
        #expect(try database.putDocument(name: "cal", type: "ChangeCalendar", content: "A", origin: .config, now: now) == (1, false))
        #expect(try database.putDocument(name: "cal", type: "ChangeCalendar", content: "B", origin: .config, now: now) == (2, true))
        #expect(try database.defaultContents(type: "ChangeCalendar") == ["cal": "B"])
        try database.deleteDocument(name: "cal")
        #expect(try database.defaultContents(type: "ChangeCalendar").isEmpty)
    }

    @Test func anEventIsRecordedOncePerDedupeKey() throws {
        let (database, directory) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func event(_ id: String) -> StoredEvent {
            StoredEvent(id: id, dedupeKey: "calendar:nightly:1800000000:CLOSED", time: 1_800_000_000, source: "aws.ssm",
                        detailType: "Calendar State Change", body: "{}", recordedAt: 1_800_000_000, deliverable: true)
        }
        let delivery = DeliveryRecord(eventId: "e1", rule: "r", targetId: "t", nextAttemptAt: 1_800_000_000, updatedAt: 1_800_000_000)
        #expect(try database.recordEmission(event("e1"), calendar: "nightly", state: "CLOSED", since: now, deliveries: [delivery]))
        #expect(try !database.recordEmission(event("e2"), calendar: "nightly", state: "CLOSED", since: now, deliveries: []))
        #expect(try database.events(since: nil).map(\.event.id) == ["e1"])
        #expect(try database.calendarStates()["nightly"]?.state == "CLOSED")
        #expect(try database.dueDeliveries(now: now).map(\.delivery.targetId) == ["t"])
        #expect(try database.dueDeliveries(now: now.addingTimeInterval(-1)).isEmpty)
    }

    @Test func rulesReconcileByOrigin() throws {
        let (database, directory) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func rule(_ name: String, _ origin: String) -> RuleRecord {
            RuleRecord(name: name, description: "", state: "ENABLED", eventPattern: "{}", scheduleExpression: nil, origin: origin, targets: "[]")
        }
        try database.reconcileRules([rule("a", "config"), rule("b", "config")], origin: .config)
        try database.reconcileRules([rule("api-rule", "api")], origin: .api)
        try database.reconcileRules([rule("b", "config")], origin: .config)
        #expect(try database.rules().map(\.name) == ["api-rule", "b"])
    }
}
