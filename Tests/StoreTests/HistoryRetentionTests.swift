import Foundation
import GRDB
import Store
import Testing

@Suite("History retention: what pruneHistory deletes and what it keeps")
struct HistoryRetentionTests {
    /// Day 100 of the epoch-second scale; the cutoff of every test.
    static let cutoff = Date(timeIntervalSince1970: 100 * 86_400)
    static let old = cutoff.timeIntervalSince1970 - 86_400
    static let recent = cutoff.timeIntervalSince1970 + 60

    func event(_ id: String, at time: Double, recordedAt: Double? = nil) -> StoredEvent {
        StoredEvent(id: id, dedupeKey: "test:\(id)", time: time, source: "aws.ssm", detailType: "Test", body: "{}",
                    recordedAt: recordedAt ?? time, deliverable: true)
    }

    func delivery(_ eventId: String, _ status: DeliveryRecord.Status) -> DeliveryRecord {
        DeliveryRecord(eventId: eventId, rule: "r", targetId: "t", status: status, nextAttemptAt: Self.old, updatedAt: Self.old)
    }

    func execution(_ id: String, start: Double, end: Double?, parent: String? = nil) -> AutomationExecutionRecord {
        AutomationExecutionRecord(id: id, documentName: "AWS-StopEC2Instance", documentVersion: "1",
                                  status: end == nil ? "InProgress" : "Success", mode: "Auto", parameters: "{}", values: "{}",
                                  startTime: start, endTime: end, parentId: parent, executedBy: "arn:test", content: "",
                                  contentFormat: "YAML", updatedAt: end ?? start)
    }

    func step(of execution: String, at time: Double) -> AutomationStepRecord {
        AutomationStepRecord(executionId: execution, sequence: 1, stepExecutionId: "\(execution)-s1", stepName: "stop",
                             action: "aws:changeInstanceState", status: "Success", startTime: time, endTime: time, updatedAt: time)
    }

    func count(_ table: String, _ database: SchedulerDatabase) throws -> Int {
        try database.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    @Test("an old event goes with its settled deliveries; one a delivery still waits on, or recorded recently, stays")
    func events() throws {
        let (database, directory) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let entries = [
            OutboxEntry(event: event("delivered", at: Self.old), deliveries: [delivery("delivered", .delivered)]),
            OutboxEntry(event: event("dead", at: Self.old), deliveries: [delivery("dead", .dead)]),
            OutboxEntry(event: event("unmatched", at: Self.old), deliveries: []),
            OutboxEntry(event: event("pending", at: Self.old), deliveries: [delivery("pending", .pending)]),
            OutboxEntry(event: event("retrying", at: Self.old), deliveries: [delivery("retrying", .failed)]),
            OutboxEntry(event: event("recent", at: Self.recent), deliveries: [delivery("recent", .delivered)]),
            // A catch-up: a transition missed long ago, recorded (too old to deliver) just now.
            OutboxEntry(event: event("caught-up", at: Self.old, recordedAt: Self.recent), deliveries: []),
        ]
        // Events reach the store with an execution's changes; any execution carries them.
        _ = try database.insertAutomationExecution(execution("carrier", start: Self.recent, end: nil), outbox: entries)

        let pruned = try database.pruneHistory(before: Self.cutoff, limit: 100)
        #expect(pruned == PrunedHistory(events: 3, executions: 0))
        #expect(try database.events(since: nil).map(\.event.id).sorted() == ["caught-up", "pending", "recent", "retrying"])
        #expect(try count("delivery", database) == 3, "the deleted events' deliveries are gone with them")
        #expect(try database.pruneHistory(before: Self.cutoff, limit: 100).isEmpty)
        #expect(try database.integrityCheck() == "ok")
    }

    @Test("an ended execution goes with its steps; a parent with all its children; running ones and recent ones stay")
    func executions() throws {
        let (database, directory) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let old = Self.old, recent = Self.recent
        let records = [
            execution("standalone", start: old, end: old + 10),
            execution("running", start: old, end: nil),
            execution("recent", start: old, end: recent),
            execution("parent", start: old, end: old + 30),
            execution("child-1", start: old + 1, end: old + 5, parent: "parent"),
            execution("child-2", start: old + 2, end: old + 20, parent: "parent"),
            // A long parent still within the retention keeps its children, even ended ones.
            execution("long-parent", start: old, end: recent),
            execution("long-child", start: old + 1, end: old + 5, parent: "long-parent"),
        ]
        _ = try database.insertAutomationExecutions(records.map { ($0, []) })
        for record in records { try database.saveAutomation(execution: nil, steps: [step(of: record.id, at: record.startTime)], outbox: []) }
        #expect(try count("automationStep", database) == records.count)

        // A limit of 1: several passes, as the service makes them, until one deletes nothing.
        var total = 0, passes = 0
        while true {
            let pruned = try database.pruneHistory(before: Self.cutoff, limit: 1)
            if pruned.isEmpty { break }
            total += pruned.executions
            passes += 1
        }
        #expect(total == 4)
        #expect(passes >= 2)
        let left = try database.automationExecutions(AutomationExecutionQuery(limit: 100)).map(\.id).sorted()
        #expect(left == ["long-child", "long-parent", "recent", "running"])
        #expect(try count("automationStep", database) == 4, "the deleted executions' steps are gone with them")
        #expect(try database.integrityCheck() == "ok")
    }
}
