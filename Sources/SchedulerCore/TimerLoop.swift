public import ChangeCalendar

/// Wakes at every calendar transition and hands the resulting emissions to `record` (which is
/// called on every wake, with an empty plan when nothing is due).
///
/// The loop owns no storage: `record` must persist the emissions (and the new states) before
/// it returns; the loop then treats them as emitted. It sleeps until the next transition in
/// slices of at most `planner.maximumSleep` and re-reads the clock on every wake.
public struct TimerLoop<Clock: WallClock>: Sendable {
    public let clock: Clock
    public let planner: TransitionPlanner

    public init(clock: Clock, planner: TransitionPlanner = TransitionPlanner()) {
        self.clock = clock
        self.planner = planner
    }

    /// Runs until cancelled. `calendars` is read on every wake, so changes take effect at once
    /// (after the caller wakes the loop, or within `maximumSleep`).
    public func run(calendars: @Sendable () async -> [String: CalendarSchedule],
                    emitted initial: [String: CalendarState],
                    record: @Sendable (TransitionPlan) async throws -> Void) async throws {
        var emitted = initial
        while !Task.isCancelled {
            let plan = planner.plan(now: clock.now(), calendars: await calendars(), emitted: emitted)
            // Every wake is reported, even with nothing to record: the caller pings the
            // systemd watchdog from here, and a quiet week must not look like a hung loop.
            try await record(plan)
            for emission in plan.emissions { emitted[emission.calendar] = emission.state }
            emitted.merge(plan.initialStates) { _, new in new }
            try await clock.sleep(until: plan.wakeAt)
        }
        throw CancellationError()
    }
}
