import ChangeCalendar
import Foundation
public import Logging
public import SchedulerCore
public import ServiceLifecycle
public import Store

/// Keeps the history to `history_retention`: at start, and then every `interval` on the
/// daemon's clock, deletes the events and ended automation executions older than that
/// (`SchedulerDatabase.pruneHistory`), in transactions of at most `batch` rows of each, so the
/// database of a daemon that stops and starts a fleet every night stops growing once it holds
/// a retention period's worth.
public struct HistoryRetentionService<Clock: WallClock>: Service {
    let clock: Clock
    let database: SchedulerDatabase
    let retention: TimeInterval
    let interval: TimeInterval
    let batch: Int
    let logger: Logger

    public init(clock: Clock, database: SchedulerDatabase, retention: TimeInterval, interval: TimeInterval = 3600,
                batch: Int = 2_000, logger: Logger) {
        self.clock = clock
        self.database = database
        self.retention = retention
        self.interval = interval
        self.batch = batch
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let now = clock.now()
            await pruneOnce(now: now)
            // Cancelled at graceful shutdown, like every sleep on the clock.
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(until: now.addingTimeInterval(interval)) }
            } catch {
                return
            }
        }
    }

    /// One pass: batches until nothing older than the retention is left, yielding between
    /// them (a first pass over a long history takes a second or more, and must not hold one of
    /// the few cooperative threads all that time). Errors are logged and the pass ends; the
    /// next one tries again.
    private func pruneOnce(now: Date) async {
        let cutoff = now.addingTimeInterval(-retention)
        var total = PrunedHistory()
        do {
            while !Task.isShuttingDownGracefully {
                let pruned = try database.pruneHistory(before: cutoff, limit: batch)
                if pruned.isEmpty { break }
                total.events += pruned.events
                total.executions += pruned.executions
                await Task.yield()
            }
        } catch {
            logger.error("history could not be pruned; trying again later", metadata: ["error": "\(error)"])
        }
        if !total.isEmpty {
            logger.info("history pruned", metadata: [
                "history.before": "\(CalendarTime.format(cutoff))", "history.events": "\(total.events)",
                "history.executions": "\(total.executions)"])
        }
    }
}
