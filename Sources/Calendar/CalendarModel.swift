public import Foundation

/// Whether a calendar is open or closed outside its events (`X-CALENDAR-TYPE`).
public enum CalendarType: String, Sendable, Hashable, Codable {
    /// Open by default; events are CLOSED windows. The type AWS assumes when the property is absent.
    case defaultOpen = "DEFAULT_OPEN"
    /// Closed by default; events are OPEN windows.
    case defaultClosed = "DEFAULT_CLOSED"

    /// The state outside every event.
    public var defaultState: CalendarState { self == .defaultOpen ? .open : .closed }
    /// The state inside an event.
    public var eventState: CalendarState { self == .defaultOpen ? .closed : .open }
}

/// The state of a change calendar, as `GetCalendarState` reports it.
public enum CalendarState: String, Sendable, Hashable, Codable {
    case open = "OPEN"
    case closed = "CLOSED"
}

/// A moment at which a calendar (or a combination of calendars) changes state.
public struct Transition: Sendable, Hashable {
    /// The first instant of the new state.
    public let instant: Date
    /// The state entered at `instant`.
    public let state: CalendarState

    public init(instant: Date, state: CalendarState) {
        self.instant = instant
        self.state = state
    }
}

/// One occurrence of an event after recurrence, exclusions and overrides: the window
/// `[start, end)` during which it changes the calendar's state.
public struct EventInstance: Sendable, Hashable {
    public let uid: String
    public let summary: String
    public let start: Date
    public let end: Date

    public init(uid: String, summary: String, start: Date, end: Date) {
        self.uid = uid
        self.summary = summary
        self.start = start
        self.end = end
    }
}
