/// Where things are in the ICS text: a fast, line-oriented pass made before libical parses
/// the same text, because libical keeps no line numbers and reports a missing `END:` only
/// as a NULL result.
///
/// It checks the component structure (BEGIN/END nesting), remembers the first line of each
/// VEVENT and of each of its properties, and keeps the unfolded values of the calendar-level
/// properties (`X-CALENDAR-TYPE`, `X-WR-TIMEZONE`), which libical would drop when empty.
struct ICSOutline {
    struct Event {
        var beginLine: Int
        /// First line of each timing property of the VEVENT itself (not of nested VALARMs).
        var propertyLines: [String: Int] = [:]
    }

    struct Property {
        var line: Int
        var value: String
    }

    /// The VEVENT properties whose lines errors point at.
    static let timingProperties: Set<String> = ["DTSTART", "DTEND", "DURATION", "RRULE", "EXRULE", "RDATE", "EXDATE", "RECURRENCE-ID"]

    /// VEVENTs in document order (the order libical keeps them in).
    var events: [Event] = []
    /// Properties of the VCALENDAR itself, first occurrence of each name.
    var calendarProperties: [String: Property] = [:]

    static func scan(_ text: String) throws(CalendarError) -> ICSOutline {
        var text = text
        let result = text.withUTF8 { bytes in Result { () throws(CalendarError) in try scan(bytes: bytes) } }
        return try result.get()
    }

    private static func scan(bytes: UnsafeBufferPointer<UInt8>) throws(CalendarError) -> ICSOutline {
        var outline = ICSOutline()
        var stack: [(name: String, line: Int)] = []
        var sawCalendar = false
        var lastCalendarProperty: String?   // for unfolding continuation lines
        var lineNumber = 0
        var position = 0
        let count = bytes.count
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }

        while position < count {
            lineNumber += 1
            var end = position
            while end < count, bytes[end] != 0x0A { end += 1 }
            let next = end + 1
            if end > position, bytes[end - 1] == 0x0D { end -= 1 }
            defer { position = next }
            if end == position { continue }
            let first = bytes[position]
            if first == 0x20 || first == 0x09 {
                if let name = lastCalendarProperty {
                    outline.calendarProperties[name]?.value += String(decoding: UnsafeBufferPointer(rebasing: bytes[(position + 1)..<end]), as: UTF8.self)
                }
                continue
            }
            lastCalendarProperty = nil
            var nameEnd = position
            while nameEnd < end, bytes[nameEnd] != 0x3A, bytes[nameEnd] != 0x3B { nameEnd += 1 }
            var colon = nameEnd
            while colon < end, bytes[colon] != 0x3A { colon += 1 }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<nameEnd]), as: UTF8.self).uppercased()
            func value() -> String {
                colon < end ? String(decoding: UnsafeBufferPointer(rebasing: bytes[(colon + 1)..<end]), as: UTF8.self) : ""
            }
            /// The value with surrounding blanks removed, upper-cased (component names).
            func componentName() -> String {
                var a = colon + 1, b = end
                while a < b, bytes[a] == 0x20 || bytes[a] == 0x09 { a += 1 }
                while b > a, bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09 { b -= 1 }
                return a < b ? String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self).uppercased() : ""
            }

            if !sawCalendar {
                guard name == "BEGIN", componentName() == "VCALENDAR" else {
                    let shown = String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self).prefix(40)
                    throw CalendarError(code: .notICalendar, line: lineNumber,
                                        message: "not an iCalendar file: expected BEGIN:VCALENDAR, found '\(shown)'")
                }
                sawCalendar = true
            }
            switch name {
            case "BEGIN":
                let component = componentName()
                stack.append((component, lineNumber))
                if component == "VEVENT" { outline.events.append(Event(beginLine: lineNumber)) }
            case "END":
                let component = componentName()
                guard let open = stack.popLast() else {
                    throw CalendarError(code: .unterminatedComponent, line: lineNumber,
                                        message: "END:\(component) without a matching BEGIN:\(component)")
                }
                guard open.name == component else {
                    throw CalendarError(code: .unterminatedComponent, line: open.line,
                                        message: "BEGIN:\(open.name) is not terminated: found END:\(component) at line \(lineNumber) before END:\(open.name)")
                }
            default:
                guard let top = stack.last else { continue }   // text after END:VCALENDAR is ignored
                if top.name == "VEVENT", Self.timingProperties.contains(name) {
                    let index = outline.events.count - 1
                    if outline.events[index].propertyLines[name] == nil { outline.events[index].propertyLines[name] = lineNumber }
                } else if top.name == "VCALENDAR", stack.count == 1, outline.calendarProperties[name] == nil {
                    outline.calendarProperties[name] = Property(line: lineNumber, value: value())
                    lastCalendarProperty = name
                }
            }
        }
        guard sawCalendar else {
            throw CalendarError(code: .notICalendar, line: nil, message: "not an iCalendar file: the text is empty")
        }
        if let open = stack.last {
            throw CalendarError(code: .unterminatedComponent, line: open.line,
                                message: "BEGIN:\(open.name) is never terminated: END:\(open.name) is missing")
        }
        return outline
    }
}

extension StringProtocol {
    /// Without leading and trailing blanks (spaces and tabs).
    var trimmed: String {
        guard let first = firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(self[first...last])
    }
}
