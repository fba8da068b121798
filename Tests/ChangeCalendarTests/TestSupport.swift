import ChangeCalendar
import Foundation

/// An instant from an ISO 8601 string; traps on a typo in the test itself.
func at(_ text: String) -> Date {
    guard let date = CalendarTime.parse(text) else { preconditionFailure("bad instant in test: \(text)") }
    return date
}

/// A calendar from VEVENT bodies (and optional calendar-level lines), as AWS writes them.
func calendar(_ events: [String], type: String? = nil, header: [String] = [], trailer: [String] = [],
              defaultTimeZone: String? = nil) throws -> CalendarSchedule {
    try CalendarSchedule(ics: ics(events, type: type, header: header, trailer: trailer), defaultTimeZone: defaultTimeZone)
}

func ics(_ events: [String], type: String? = nil, header: [String] = [], trailer: [String] = []) -> String {
    var lines = ["BEGIN:VCALENDAR", "PRODID:-//AWS//Change Calendar 1.0//EN", "VERSION:2.0"]
    if let type { lines.append("X-CALENDAR-TYPE:\(type)") }
    lines += header
    for (i, body) in events.enumerated() {
        lines.append("BEGIN:VEVENT")
        if !body.contains("UID:") { lines.append("UID:event-\(i)@test") }
        lines += body.split(separator: "\n").map(String.init)
        lines.append("END:VEVENT")
    }
    lines += trailer
    lines.append("END:VCALENDAR")
    return lines.joined(separator: "\r\n") + "\r\n"
}

/// "start→end" pairs of the instances in a range, formatted, for compact expectations.
func windows(_ cal: CalendarSchedule, _ from: String, _ to: String) -> [String] {
    cal.instances(from: at(from), to: at(to)).map { "\(CalendarTime.format($0.start))→\(CalendarTime.format($0.end))" }
}

func transitions(_ cal: CalendarSchedule, _ from: String, _ to: String) -> [String] {
    cal.transitions(from: at(from), to: at(to)).map { "\(CalendarTime.format($0.instant)) \($0.state.rawValue)" }
}

/// The error a load throws, or nil when it loads.
func loadError(_ text: String) -> CalendarError? {
    do {
        _ = try CalendarSchedule(ics: text)
        return nil
    } catch {
        return error
    }
}

/// The repository root, for tests that read the example calendars.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
