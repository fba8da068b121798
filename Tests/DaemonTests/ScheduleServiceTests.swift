import Daemon
import Foundation
import Logging
import SchedulerCore
import SchedulerTesting
import Store
import Testing

@Suite("Scheduled rules")
struct ScheduleServiceTests {
    @Test func rateRuleFiresOnceAtEachPeriodWithDeliveriesToItsTargets() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-schedule-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try SchedulerDatabase.open(directory: directory)
        let targets = String(decoding: try JSONEncoder().encode([TargetDefinition(id: "log", kind: .log)]), as: UTF8.self)
        try database.reconcileRules([RuleRecord(name: "hourly", description: "", state: "ENABLED", eventPattern: nil,
                                                scheduleExpression: "rate(1 hour)", origin: "config", targets: targets)], origin: .config)
        let state = RuntimeState(calendars: [:], rules: try RuleBook(records: try database.rules()))
        let clock = ManualWallClock(now: at("2026-12-01T00:30:00Z"))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let service = ScheduleService(clock: clock, database: database, state: state, account: "123456789012",
                                      region: "us-east-1", logger: logger)
        let task = Task { try await service.run() }
        while clock.now() < at("2026-12-01T03:30:00Z") {
            await clock.waitForSleepers()
            clock.advance(to: clock.nextDeadline!)
        }
        await clock.waitForSleepers()
        task.cancel()
        clock.cancelSleepers()
        _ = await task.result
        let events = try database.events(since: nil)
        #expect(events.map { CalendarTimeFormat.format($0.event.time) } == ["2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z", "2026-12-01T03:00:00Z"])
        #expect(events.allSatisfy { $0.event.detailType == "Scheduled Event" && $0.event.source == "aws.events" })
        #expect(events.first?.event.body.contains("\"resources\":[\"arn:aws:events:us-east-1:123456789012:rule/hourly\"]") == true)
        #expect(events.allSatisfy { $0.deliveries.map(\.targetId) == ["log"] })
    }
}

enum CalendarTimeFormat {
    static func format(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
