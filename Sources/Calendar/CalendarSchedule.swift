public import Foundation
import CLibical

/// A change calendar loaded from ICS text: when it is OPEN or CLOSED, and when that changes.
///
/// Loading parses the text with libical and compiles every VEVENT into a recurring series;
/// nothing is expanded until a question is asked, and then only around the instant asked
/// about. Instances are whole seconds (ICS has no finer unit); a window is `[start, end)`,
/// so at a transition instant the calendar is already in its new state.
///
/// Thread-safe: all methods may be called concurrently.
public final class CalendarSchedule: Sendable {
    /// `X-CALENDAR-TYPE`, `DEFAULT_OPEN` when absent.
    public let type: CalendarType
    /// The zone floating times and all-day dates are read in (`X-WR-TIMEZONE`, else the default).
    public let floatingTimeZone: String
    /// VEVENT components in the text (including cancelled and advisory ones).
    public let eventCount: Int
    /// Events (series) that can change the state: cancelled, advisory and superseded ones excluded.
    public let activeEventCount: Int

    private let series: [Series]
    private let index: WindowIndex
    private let firstStart: Int64?
    /// nil: some series recurs forever.
    private let lastEnd: Int64?

    /// libical stops iterating recurrences in 2582 (64-bit time_t); nothing is searched past it.
    static let horizon: Int64 = 19_273_161_600   // 2580-10-01T00:00:00Z

    /// Loads a calendar.
    /// - Parameters:
    ///   - ics: the iCalendar text (one VCALENDAR; several are read as one).
    ///   - defaultTimeZone: zone for floating times and all-day dates when the calendar has no
    ///     `X-WR-TIMEZONE`; an IANA or Windows zone name. UTC when nil.
    /// - Throws: `CalendarError` with the line at fault.
    public init(ics: String, defaultTimeZone: String? = nil) throws(CalendarError) {
        let outline = try ICSOutline.scan(ics)
        let typeProperty = outline.calendarProperties["X-CALENDAR-TYPE"]
        switch typeProperty?.value.trimmed.uppercased() {
        case nil: type = .defaultOpen
        case "DEFAULT_OPEN": type = .defaultOpen
        case "DEFAULT_CLOSED": type = .defaultClosed
        case let other?:
            throw CalendarError(code: .unknownCalendarType, line: typeProperty?.line,
                                message: "X-CALENDAR-TYPE must be DEFAULT_OPEN or DEFAULT_CLOSED, not '\(other.prefix(40))'")
        }

        let loaded = try Libical.serialized { () throws(CalendarError) -> (String, Int, [Series]) in
            guard let root = ics.withCString({ icalparser_parse_string($0) }) else {
                throw CalendarError(code: .notICalendar, line: nil, message: "libical could not parse the calendar")
            }
            defer { icalcomponent_free(root) }
            var events: [OpaquePointer] = []
            var timeZones: [String: OpaquePointer] = [:]
            Self.collect(root, events: &events, timeZones: &timeZones)

            var resolver = ZoneResolver(embeddedTimeZones: timeZones)
            let floating: Zone
            if let wr = outline.calendarProperties["X-WR-TIMEZONE"], !wr.value.trimmed.isEmpty {
                guard let zone = resolver.resolve(wr.value.trimmed) else {
                    throw CalendarError(code: .unknownTimeZone, line: wr.line,
                                        message: "unknown time zone '\(wr.value.trimmed)' in X-WR-TIMEZONE: use an IANA name such as Europe/Berlin")
                }
                floating = zone
            } else if let name = defaultTimeZone, !name.isEmpty {
                guard let zone = resolver.resolve(name) else {
                    throw CalendarError(code: .unknownTimeZone, line: nil,
                                        message: "unknown default time zone '\(name)': use an IANA name such as Europe/Berlin")
                }
                floating = zone
            } else {
                floating = .utc
            }
            // libical keeps VEVENTs in document order; match them to their lines when the
            // counts agree (they always should; if not, errors carry no line rather than a wrong one).
            let lines = outline.events.count == events.count ? outline.events : nil
            var records: [EventRecord] = []
            records.reserveCapacity(events.count)
            for (i, event) in events.enumerated() {
                records.append(try EventRecord(component: event, index: i, outline: lines?[i]))
            }
            var compiler = SeriesCompiler(resolver: resolver, floatingZone: floating)
            return (floating.name, events.count, try compiler.compile(records))
        }
        floatingTimeZone = loaded.0
        eventCount = loaded.1
        series = loaded.2
        activeEventCount = series.count
        index = WindowIndex(series: series)
        firstStart = series.map(\.firstStart).min()
        lastEnd = series.contains { $0.lastEnd == nil } ? nil : series.compactMap(\.lastEnd).max()
    }

    /// Depth-first, in document order: VEVENTs anywhere under VCALENDARs, and VTIMEZONEs.
    private static func collect(_ component: OpaquePointer, events: inout [OpaquePointer], timeZones: inout [String: OpaquePointer]) {
        switch icalcomponent_isa(component) {
        case ICAL_VEVENT_COMPONENT:
            events.append(component)
            return
        case ICAL_VTIMEZONE_COMPONENT:
            if let tzidProperty = icalcomponent_get_first_property(component, ICAL_TZID_PROPERTY),
               let tzid = Libical.string(icalproperty_get_tzid(tzidProperty)), timeZones[tzid] == nil {
                timeZones[tzid] = component
            }
            return
        case ICAL_VCALENDAR_COMPONENT, ICAL_XROOT_COMPONENT:
            var child = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT)
            while let current = child {
                collect(current, events: &events, timeZones: &timeZones)
                child = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)
            }
        default:
            return
        }
    }

    // MARK: - Questions

    /// The state at `date`.
    public func state(at date: Date) -> CalendarState {
        isInEvent(Self.seconds(date)) ? type.eventState : type.defaultState
    }

    /// The first transition strictly after `date`, or nil when the state never changes again.
    public func nextTransition(after date: Date) -> Transition? {
        nextTransition(after: Self.seconds(date)).map {
            Transition(instant: Date(timeIntervalSince1970: TimeInterval($0.instant)), state: $0.entersEvent ? type.eventState : type.defaultState)
        }
    }

    /// The latest transition at or before `date` (the one that put the calendar in its
    /// state at `date`), or nil when the state there is the default and always was.
    public func lastTransition(atOrBefore date: Date) -> Transition? {
        lastTransition(atOrBefore: Self.seconds(date)).map {
            Transition(instant: Date(timeIntervalSince1970: TimeInterval($0.instant)), state: $0.entersEvent ? type.eventState : type.defaultState)
        }
    }

    /// Every transition in `[from, to)`, in order.
    public func transitions(from: Date, to: Date) -> [Transition] {
        var result: [Transition] = []
        var cursor = Int64(from.timeIntervalSince1970.rounded(.up)) - 1
        let end = to.timeIntervalSince1970
        while let next = nextTransition(after: cursor), TimeInterval(next.instant) < end {
            result.append(Transition(instant: Date(timeIntervalSince1970: TimeInterval(next.instant)),
                                     state: next.entersEvent ? type.eventState : type.defaultState))
            cursor = next.instant
        }
        return result
    }

    /// Every event instance overlapping `[from, to)`, sorted by start: what the calendar's
    /// events expand to after recurrence, exclusions and overrides.
    public func instances(from: Date, to: Date) -> [EventInstance] {
        let low = Self.seconds(from), high = Int64(to.timeIntervalSince1970.rounded(.up))
        guard high > low else { return [] }
        return index.occurrences(from: low, to: high).map { occurrence in
            let item = series[Int(occurrence.series)]
            return EventInstance(uid: item.uid, summary: item.summary,
                                 start: Date(timeIntervalSince1970: TimeInterval(occurrence.start)),
                                 end: Date(timeIntervalSince1970: TimeInterval(occurrence.end)))
        }
    }

    // MARK: - Seconds

    static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    func isInEvent(_ t: Int64) -> Bool {
        guard let first = firstStart, t >= first else { return false }
        if let last = lastEnd, t >= last { return false }
        return index.chunk(containing: t).contains(t)
    }

    func lastTransition(atOrBefore t: Int64) -> (instant: Int64, entersEvent: Bool)? {
        guard let first = firstStart, t >= first else { return nil }
        var number = min(t, lastEnd ?? t).floorDiv(WindowIndex.chunkSeconds)
        var current = index.chunk(number: number)
        while current.end > first {
            let bounds = current.bounds
            var i = bounds.partitioningIndex { $0 > t } - 1
            while i >= 0 {
                let b = bounds[i]
                if b > current.start, b < current.end { return (b, i % 2 == 0) }
                i -= 1
            }
            // The chunk's first instant is a transition only if the two sides disagree.
            let previous = index.chunk(number: number - 1)
            let before = previous.contains(current.start - 1), after = current.contains(current.start)
            if current.start <= t, before != after { return (current.start, after) }
            number -= 1
            current = previous
        }
        return nil
    }

    /// The first instant after `t` at which being inside an event changes.
    func nextTransition(after t: Int64) -> (instant: Int64, entersEvent: Bool)? {
        guard let first = firstStart else { return nil }
        if let last = lastEnd, t >= last { return nil }
        var number = max(t, first - 1).floorDiv(WindowIndex.chunkSeconds)
        var current = index.chunk(number: number)
        while current.start < Self.horizon {
            let bounds = current.bounds
            var i = bounds.partitioningIndex { $0 > t }
            while i < bounds.count {
                let b = bounds[i]
                if b > current.start, b < current.end { return (b, i % 2 == 0) }
                i += 1
            }
            // The chunk edge is a transition only if the two sides disagree.
            number += 1
            let next = index.chunk(number: number)
            let before = current.contains(current.end - 1), after = next.contains(next.start)
            if current.end > t, before != after { return (current.end, after) }
            if let last = lastEnd, next.start > last { return nil }
            current = next
        }
        return nil
    }
}
