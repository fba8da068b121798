import ChangeCalendar
import EventBus
import Foundation
import Logging
import SchedulerMetrics
import SchedulerCore
import ServiceLifecycle
import Store

/// Fires scheduled rules (`schedule_expression`): at each firing it records one
/// `Scheduled Event` (source `aws.events`, resources the rule's ARN) with deliveries to that
/// rule's targets, under a key per rule and instant so a firing is recorded once. Like
/// EventBridge, firings missed while the daemon was down are not made up.
public struct ScheduleService<Clock: WallClock>: Service {
    let clock: Clock
    let database: SchedulerDatabase
    let state: RuntimeState
    let account: String
    let region: String
    let logger: Logger
    /// Longest sleep, on the daemon's clock, so clock steps are noticed.
    let maximumSleep: TimeInterval

    public init(clock: Clock, database: SchedulerDatabase, state: RuntimeState, account: String, region: String,
                logger: Logger, maximumSleep: TimeInterval = 60) {
        self.clock = clock
        self.database = database
        self.state = state
        self.account = account
        self.region = region
        self.logger = logger
        self.maximumSleep = maximumSleep
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await fireUntilShutdown()
        } onGracefulShutdown: {
            state.rulesKick.fire()
        }
    }

    private func fireUntilShutdown() async throws {
        var cursor = clock.now()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let now = clock.now()
            let scheduled = state.rules.rules.values.filter { $0.enabled && $0.schedule != nil }
            for rule in scheduled.sorted(by: { $0.name < $1.name }) {
                var firing = rule.schedule!.nextFiring(after: cursor)
                while let at = firing, at <= now {
                    try record(rule, at: at, now: now)
                    firing = rule.schedule!.nextFiring(after: at)
                }
            }
            cursor = now
            let next = scheduled.compactMap { $0.schedule?.nextFiring(after: now) }.min() ?? .distantFuture
            let deadline = min(next, now.addingTimeInterval(maximumSleep))
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await clock.sleep(until: deadline) }
                group.addTask { await state.rulesKick.wait() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    func record(_ rule: RuleBook.Rule, at: Date, now: Date) throws {
        let event = try EventEnvelope(detailType: "Scheduled Event", source: "aws.events", account: account, region: region,
                                      time: at, resources: ["arn:aws:events:\(region):\(account):rule/\(rule.name)"], detailJSON: "{}")
        let deliveries = rule.targets.map {
            DeliveryRecord(eventId: event.id, rule: rule.name, targetId: $0.id, nextAttemptAt: now.timeIntervalSince1970,
                           updatedAt: now.timeIntervalSince1970)
        }
        let stored = StoredEvent(id: event.id, dedupeKey: "schedule:\(rule.name):\(Int64(at.timeIntervalSince1970))",
                                 time: at.timeIntervalSince1970, source: event.source, detailType: event.detailType,
                                 body: event.json, recordedAt: now.timeIntervalSince1970, deliverable: true)
        let recorded = try database.recordEmission(stored, calendar: nil, state: nil, since: at, deliveries: deliveries)
        logger.info("scheduled rule fired", metadata: ["rule.name": "\(rule.name)", "schedule.at": "\(CalendarTime.format(at))",
                                                       "event.id": "\(event.id)", "event.duplicate": "\(!recorded)"])
        if recorded {
            state.metrics.increment(DaemonMetrics.eventsRecorded, .init(["source": "aws.events"]))
            state.metrics.increment(DaemonMetrics.eventsMatched, .init(["source": "aws.events"]), by: Double(deliveries.count))
            state.deliveryKick.fire()
        }
    }
}
