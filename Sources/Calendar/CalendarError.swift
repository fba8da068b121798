/// A calendar that cannot be loaded: what is wrong, where in the ICS text, and how to fix it.
///
/// `line` is the 1-based physical line of the ICS text the error applies to, or `nil`
/// when no single line is at fault (an empty document, for example).
public struct CalendarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable error code. New codes may be added.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The text is not an iCalendar object (no `BEGIN:VCALENDAR`).
        public static let notICalendar = Code(rawValue: "NotICalendar")
        /// A `BEGIN:` without its `END:`, or an `END:` that closes the wrong component.
        public static let unterminatedComponent = Code(rawValue: "UnterminatedComponent")
        /// A `VEVENT` without `DTSTART`.
        public static let missingStart = Code(rawValue: "MissingDTSTART")
        /// A date, date-time, period or duration value that cannot be read.
        public static let invalidDate = Code(rawValue: "InvalidDate")
        /// An `RRULE` (or `EXRULE`) that cannot be read.
        public static let invalidRecurrenceRule = Code(rawValue: "InvalidRecurrenceRule")
        /// A `TZID` (or `X-WR-TIMEZONE`, or the default zone) that names no known time zone.
        public static let unknownTimeZone = Code(rawValue: "UnknownTimeZone")
        /// `DTEND` before `DTSTART`, or a negative `DURATION`.
        public static let endBeforeStart = Code(rawValue: "EndBeforeStart")
        /// `X-CALENDAR-TYPE` other than `DEFAULT_OPEN` or `DEFAULT_CLOSED`.
        public static let unknownCalendarType = Code(rawValue: "UnknownCalendarType")
    }

    public let code: Code
    public let line: Int?
    public let message: String

    public init(code: Code, line: Int?, message: String) {
        self.code = code
        // 0 means "no line known" (a VEVENT whose position could not be matched to the text).
        self.line = (line ?? 0) > 0 ? line : nil
        self.message = message
    }

    /// `LINE: message`, or just the message when no line applies.
    public var description: String {
        if let line { return "\(line): \(message)" }
        return message
    }

    /// The conventional `FILE:LINE: message` form used by compilers and linters.
    public func formatted(file: String) -> String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
