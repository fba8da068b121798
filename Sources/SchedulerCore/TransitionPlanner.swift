public import ChangeCalendar
public import Foundation

/// One calendar state change the timer loop must record and emit.
public struct Emission: Sendable, Equatable {
    public let calendar: String
    public let state: CalendarState
    /// When the calendar entered `state` (the scheduled transition instant): the event's `atTime`.
    public let at: Date
    /// The calendar's next transition after `at`, if any: the event's `nextTransitionTime`.
    public let nextTransition: Date?
    /// The transition was not seen on time (daemon down, machine suspended, clock stepped):
    /// the event says so with `"catchUp": true`.
    public let isCatchUp: Bool
    /// How late the transition was noticed (now − `at`), for the lateness histogram.
    public let lateness: TimeInterval
}

/// What the timer loop does after one wake.
public struct TransitionPlan: Sendable, Equatable {
    /// State changes to record (with their event, in one transaction) and then deliver.
    public var emissions: [Emission] = []
    /// Calendars seen for the first time: their state is recorded, no event is emitted.
    public var initialStates: [String: CalendarState] = [:]
    /// When to wake next: the earliest next transition, but never more than `maximumSleep` away.
    public var wakeAt: Date
}

/// The timer loop's decisions, as a pure function of the time, the calendars and the states
/// already emitted, so they are tested without clocks or sleeps.
///
/// A calendar's event is due whenever its state now differs from the state last emitted for
/// it. That one rule gives on-time transitions and catch-ups alike: after a restart or a long
/// sleep a calendar that changed gets exactly one event (several missed flips collapse into
/// the state now; flips that cancel out emit nothing), like systemd's `Persistent=true`.
public struct TransitionPlanner: Sendable {
    /// The longest single sleep, so clock steps and suspends are noticed within this long.
    public var maximumSleep: TimeInterval
    /// A transition noticed later than this after its instant is reported as a catch-up.
    public var catchUpThreshold: TimeInterval

    public init(maximumSleep: TimeInterval = 60, catchUpThreshold: TimeInterval = 60) {
        self.maximumSleep = maximumSleep
        self.catchUpThreshold = catchUpThreshold
    }

    public func plan(now: Date, calendars: [String: CalendarSchedule], emitted: [String: CalendarState]) -> TransitionPlan {
        var plan = TransitionPlan(wakeAt: now.addingTimeInterval(maximumSleep))
        for (name, calendar) in calendars.sorted(by: { $0.key < $1.key }) {
            let state = calendar.state(at: now)
            if let next = calendar.nextTransition(after: now)?.instant, next < plan.wakeAt {
                plan.wakeAt = next
            }
            guard let previous = emitted[name] else {
                plan.initialStates[name] = state
                continue
            }
            guard previous != state else { continue }
            let at = calendar.lastTransition(atOrBefore: now)?.instant ?? now
            let lateness = now.timeIntervalSince(at)
            plan.emissions.append(Emission(calendar: name, state: state, at: at,
                                           nextTransition: calendar.nextTransition(after: at)?.instant,
                                           isCatchUp: lateness > catchUpThreshold, lateness: lateness))
        }
        return plan
    }
}
