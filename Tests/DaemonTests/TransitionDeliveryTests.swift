import ChangeCalendar
import Daemon
import Foundation
import Logging
import SchedulerCore
import SchedulerTesting
import Store
import Testing

func at(_ text: String) -> Date { CalendarTime.parse(text)! }

let nightlyICS = """
BEGIN:VCALENDAR
VERSION:2.0
X-CALENDAR-TYPE:DEFAULT_OPEN
BEGIN:VEVENT
UID:nightly
DTSTART;TZID=America/New_York:20261201T220000
DTEND;TZID=America/New_York:20261202T070000
RRULE:FREQ=DAILY
END:VEVENT
END:VCALENDAR
"""

@Suite("Timer loop → outbox → command target")
struct TransitionDeliveryTests {
    @Test func eachTransitionReachesTheCommandOnceWithItsPayload() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-daemon-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try SchedulerDatabase.open(directory: directory)
        let output = (directory as NSString).appendingPathComponent("received.txt")
        let command = TargetDefinition(id: "stop-fleet", kind: .command,
                                       argv: ["/bin/sh", "-c", "{ cat; echo; echo \"key=$SCHEDULERD_IDEMPOTENCY_KEY\"; } >> '\(output)'"],
                                       inputTransformer: .init(inputPathsMap: ["state": "$.detail.state", "at": "$.detail.atTime"],
                                                               inputTemplate: "<state> at <at>"))
        let pattern = #"{"source":["aws.ssm"],"detail-type":["Calendar State Change"],"resources":["arn:aws:ssm:us-east-1:123456789012:document/nightly"]}"#
        let rule = RuleRecord(name: "nightly-switch", description: "", state: "ENABLED", eventPattern: pattern, scheduleExpression: nil,
                              origin: "config", targets: String(decoding: try JSONEncoder().encode([command]), as: UTF8.self))
        try database.reconcileRules([rule], origin: .config)
        let calendar = try CalendarSchedule(ics: nightlyICS)
        let state = RuntimeState(calendars: ["nightly": calendar], rules: try RuleBook(records: try database.rules()))
        let clock = ManualWallClock(now: at("2026-12-02T00:00:00Z"))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let transitions = TransitionService(clock: clock, database: database, state: state, account: "123456789012",
                                            region: "us-east-1", maxEventAge: 86_400, logger: logger,
                                            planner: TransitionPlanner(maximumSleep: 3600))   // fewer wakes; same decisions
        let deliveries = DeliveryService(clock: clock, database: database, state: state, logger: logger, idleWake: 3600)

        let services = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await transitions.run() }
                group.addTask { try await deliveries.run() }
                try await group.waitForAll()
            }
        }
        // Step simulated time from deadline to deadline through two nights.
        while clock.now() < at("2026-12-03T13:00:00Z") {
            await clock.waitForSleepers(2)
            clock.advance(to: clock.nextDeadline!)
        }
        // The commands are real processes: wait (bounded) until all four deliveries finished.
        for _ in 0..<1_000 {
            let done = try database.events(since: nil).flatMap(\.deliveries).filter { $0.status == .delivered }.count
            if done == 4 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        services.cancel()
        clock.cancelSleepers()
        _ = await services.result

        let events = try database.events(since: nil)
        // First sight records the state without an event; then four transitions, each once.
        #expect(events.map { CalendarTime.format(Date(timeIntervalSince1970: $0.event.time)) }
                == ["2026-12-02T03:00:00Z", "2026-12-02T12:00:00Z", "2026-12-03T03:00:00Z", "2026-12-03T12:00:00Z"])
        #expect(events.allSatisfy { $0.deliveries.count == 1 && $0.deliveries[0].status == .delivered })
        let received = try String(contentsOfFile: output, encoding: .utf8)
        #expect(received.components(separatedBy: "\n").filter { $0.hasPrefix("CLOSED at") || $0.hasPrefix("OPEN at") }
                == ["CLOSED at 2026-12-02T03:00:00Z", "OPEN at 2026-12-02T12:00:00Z",
                    "CLOSED at 2026-12-03T03:00:00Z", "OPEN at 2026-12-03T12:00:00Z"])
        for event in events { #expect(received.contains("key=\(event.event.id):stop-fleet")) }
        #expect(try database.integrityCheck() == "ok")
    }
}
