import Daemon
import Foundation
import Logging
import SchedulerCore
import SchedulerTesting
import Store
import Testing

@Suite("History retention service")
struct HistoryRetentionServiceTests {
    @Test("prunes at start, then at every interval on the daemon's clock, what has grown older than the retention")
    func prunesOnTheClock() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-retention-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try SchedulerDatabase.open(directory: directory)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func record(_ id: String, at time: Date) throws {
            let event = StoredEvent(id: id, dedupeKey: "test:\(id)", time: time.timeIntervalSince1970, source: "aws.ssm",
                                    detailType: "Test", body: "{}", recordedAt: time.timeIntervalSince1970, deliverable: true)
            _ = try database.recordEmission(event, calendar: nil, state: nil, since: time, deliveries: [])
        }
        let day: TimeInterval = 86_400
        try record("31-days-old", at: start.addingTimeInterval(-31 * day))
        try record("29-days-old", at: start.addingTimeInterval(-29 * day))
        try record("today", at: start)

        let clock = ManualWallClock(now: start)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let service = HistoryRetentionService(clock: clock, database: database, retention: 30 * day, interval: day,
                                              batch: 1, logger: logger)
        let task = Task { try await service.run() }
        func ids() throws -> [String] { try database.events(since: nil).map(\.event.id).sorted() }

        await clock.waitForSleepers()
        #expect(try ids() == ["29-days-old", "today"], "the pass at start")
        clock.advance(to: start.addingTimeInterval(day))
        await clock.waitForSleepers()
        #expect(try ids() == ["29-days-old", "today"], "29 + 1 days is not older than 30 days")
        clock.advance(to: start.addingTimeInterval(2 * day))
        await clock.waitForSleepers()
        #expect(try ids() == ["today"])

        task.cancel()
        clock.cancelSleepers()
        _ = await task.result
    }
}
