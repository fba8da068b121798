import ChangeCalendar
import Foundation
import Logging
import SchedulerMetrics
import SchedulerCore
import ServiceLifecycle
import Store

/// The timer loop as a service: wakes at every calendar transition, writes the new state, the
/// event and its deliveries to the outbox in one transaction, then wakes the delivery service.
public struct TransitionService<Clock: WallClock>: Service {
    let clock: Clock
    let database: SchedulerDatabase
    let state: RuntimeState
    let account: String
    let region: String
    let maxEventAge: TimeInterval
    let logger: Logger
    /// Called after every plan (systemd watchdog ping and STATUS line).
    let onPlan: @Sendable (TransitionPlan) -> Void
    let planner: TransitionPlanner

    public init(clock: Clock, database: SchedulerDatabase, state: RuntimeState, account: String, region: String,
                maxEventAge: TimeInterval, logger: Logger, planner: TransitionPlanner = TransitionPlanner(),
                onPlan: @escaping @Sendable (TransitionPlan) -> Void = { _ in }) {
        self.clock = clock
        self.database = database
        self.state = state
        self.account = account
        self.region = region
        self.maxEventAge = maxEventAge
        self.logger = logger
        self.onPlan = onPlan
        self.planner = planner
    }

    public func run() async throws {
        do {
            try await runUntilShutdown()
        } catch is CancellationError where Task.isShuttingDownGracefully {
            logger.debug("timer loop stopped for shutdown")   // a graceful stop, not a failure
        }
    }

    private func runUntilShutdown() async throws {
        // Restarted whenever the calendars change (reload), so a new schedule takes effect at once.
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await runLoop() }
                    group.addTask { await state.scheduleKick.wait() }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    private func runLoop() async throws {
        let emitted = try database.calendarStates().compactMapValues { CalendarState(rawValue: $0.state) }
        let loop = TimerLoop(clock: clock, planner: planner)
        try await loop.run(calendars: { state.calendars }, emitted: emitted) { plan in
            try record(plan)
            onPlan(plan)
        }
    }

    /// Writes one plan: first-seen states, and each emission with its event and deliveries.
    func record(_ plan: TransitionPlan) throws {
        let now = clock.now()
        for (calendar, calendarState) in plan.initialStates {
            try database.recordInitialState(calendar: calendar, state: calendarState.rawValue, since: now)
            logger.info("calendar first seen", metadata: ["calendar.name": "\(calendar)", "calendar.state": "\(calendarState.rawValue)"])
        }
        let rules = state.rules
        var recordedAny = false
        for emission in plan.emissions {
            let event = try EventEnvelope.calendarStateChange(emission, account: account, region: region)
            let deliverable = emission.lateness <= maxEventAge
            let deliveries = deliverable ? rules.deliveries(for: event, now: now) : []
            let stored = StoredEvent(id: event.id, dedupeKey: "calendar:\(emission.calendar):\(Int64(emission.at.timeIntervalSince1970)):\(emission.state.rawValue)",
                                     time: emission.at.timeIntervalSince1970, source: event.source, detailType: event.detailType,
                                     body: event.json, recordedAt: now.timeIntervalSince1970, deliverable: deliverable)
            let recorded = try database.recordEmission(stored, calendar: emission.calendar, state: emission.state.rawValue,
                                                       since: emission.at, deliveries: deliveries)
            recordedAny = recordedAny || recorded
            if recorded {
                let metrics = state.metrics
                metrics.observe(DaemonMetrics.transitionLateness, max(0, emission.lateness))
                metrics.increment(DaemonMetrics.transitions, .init(["state": emission.state.rawValue, "catch_up": "\(emission.isCatchUp)"]))
                metrics.increment(DaemonMetrics.eventsRecorded, .init(["source": "aws.ssm"]))
                if !deliveries.isEmpty {
                    metrics.increment(DaemonMetrics.eventsMatched, .init(["source": "aws.ssm"]), by: Double(deliveries.count))
                }
            }
            logger.info("calendar transition", metadata: [
                "calendar.name": "\(emission.calendar)", "calendar.state": "\(emission.state.rawValue)",
                "transition.at": "\(CalendarTime.format(emission.at))",
                "transition.lateness_ms": "\(Int((emission.lateness * 1000).rounded()))",
                "transition.catch_up": "\(emission.isCatchUp)", "event.id": "\(event.id)",
                "event.deliveries": "\(deliveries.count)", "event.deliverable": "\(deliverable)",
                "event.duplicate": "\(!recorded)",
            ])
        }
        if recordedAny { state.deliveryKick.fire() }
    }
}
