public import Foundation

/// Several change calendars asked together, with AWS's rule: OPEN only when every
/// calendar is open. The next transition is the first instant the combined state flips.
public struct CalendarSet: Sendable {
    public let calendars: [CalendarSchedule]

    public init(_ calendars: [CalendarSchedule]) {
        self.calendars = calendars
    }

    public func state(at date: Date) -> CalendarState {
        calendars.allSatisfy { $0.state(at: date) == .open } ? .open : .closed
    }

    /// The first instant strictly after `date` at which the combined state changes, or nil.
    public func nextTransition(after date: Date) -> Transition? {
        let current = state(at: date)
        var cursor = date
        while true {
            guard let candidate = calendars.compactMap({ $0.nextTransition(after: cursor)?.instant }).min() else {
                return nil
            }
            let state = state(at: candidate)
            if state != current { return Transition(instant: candidate, state: state) }
            cursor = candidate
        }
    }

    /// Every combined transition in `[from, to)`, in order.
    public func transitions(from: Date, to: Date) -> [Transition] {
        var result: [Transition] = []
        var cursor = Date(timeIntervalSince1970: from.timeIntervalSince1970.rounded(.up) - 1)
        while let next = nextTransition(after: cursor), next.instant < to {
            result.append(next)
            cursor = next.instant
        }
        return result
    }
}
