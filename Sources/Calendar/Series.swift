import CLibical

/// How long one instance lasts, split the way RFC 5545 and the calendar clients split it.
///
/// A recurring instance keeps the *wall-clock* length of DTSTART→DTEND in its own zone, so
/// "22:00–07:00 New York" ends at 07:00 local on both DST nights (what Google, Outlook and
/// recurring-ical-events do). A DURATION's weeks and days are nominal (wall clock); its
/// hours, minutes and seconds are exact.
struct InstanceLength: Sendable {
    var nominalDays: Int64 = 0
    var wallSeconds: Int64 = 0
    var exactSeconds: Int64 = 0

    /// The end instant of an instance starting at wall-clock `start` in `zone`.
    func end(start: LocalDateTime, zone: Zone) -> Int64 {
        zone.instant(of: start.adding(days: nominalDays, seconds: wallSeconds)) + exactSeconds
    }

    /// An upper bound of the instance length in seconds, DST changes included.
    var upperBound: Int64 { nominalDays * 86_400 + wallSeconds + exactSeconds + 3 * 3600 }
}

/// An instance window `[start, end)` in seconds since the epoch, tagged with its series.
struct Occurrence: Sendable {
    var start: Int64
    var end: Int64
    var series: Int32
}

/// One recurring (or single) event after load: the master VEVENT with everything that
/// modifies its instances folded in. Instances are produced on demand for any window,
/// without expanding from DTSTART, so a query in 2100 costs what a query in 2026 costs.
struct Series: Sendable {
    /// An RDATE, as a wall-clock start in the master's zone and, for PERIOD values, its end.
    struct ExtraStart: Sendable {
        var local: LocalDateTime
        var end: Int64?
    }

    /// A `RANGE=THISANDFUTURE` override: instances after `after` move by `shift` and take `length`.
    struct FutureChange: Sendable {
        var after: Int64
        var shift: Int64
        var length: Int64
        var isCancelled: Bool
    }

    var uid: String
    var summary: String
    var zone: Zone
    var isAllDay: Bool
    var start: LocalDateTime
    /// False when every RRULE ends (UNTIL) before DTSTART: such a series has no instances
    /// from DTSTART (what recurring-ical-events and the calendar clients show).
    var startIsInstance: Bool
    var length: InstanceLength
    var rules: [RecurrenceRule]
    var exclusionRules: [RecurrenceRule]
    var extraStarts: [ExtraStart]
    /// EXDATE and suppressed (overridden) instances, by start instant (date-time masters)…
    var excludedInstants: Set<Int64>
    /// …and by local day (all-day masters, and DATE values on date-time masters).
    var excludedDays: Set<Int64>
    var futureChanges: [FutureChange]
    /// Windows of RECURRENCE-ID overrides, which stand on their own.
    var overrideWindows: [(start: Int64, end: Int64)]
    /// Earliest start and latest end of any instance; `nil` latest end means unbounded.
    var firstStart: Int64
    var lastEnd: Int64?
    /// How far before a window an instance may start and still reach into it.
    var lookBack: Int64
    /// Largest |shift| of a THISANDFUTURE override.
    var maxShift: Int64

    var isRecurring: Bool { !rules.isEmpty }

    /// Appends the instances overlapping `[from, to)`. Call inside `Libical.serialized`.
    func appendOccurrences(from: Int64, to: Int64, index: Int32, into out: inout [Occurrence]) {
        let firstOfSeries = out.count
        defer { if !overrideWindows.isEmpty { Self.removeDuplicates(in: &out, from: firstOfSeries) } }
        for window in overrideWindows where window.start < to && window.end > from {
            out.append(Occurrence(start: window.start, end: window.end, series: index))
        }
        guard firstStart < to + maxShift, lastEnd.map({ $0 > from - maxShift }) ?? true else { return }
        let low = from - lookBack - maxShift
        let high = to + maxShift

        var starts: [LocalDateTime] = []
        var explicitEnds: [Int64: Int64] = [:]
        if startIsInstance { starts.append(start) }
        for extra in extraStarts {
            starts.append(extra.local)
            if let end = extra.end { explicitEnds[extra.local.seconds] = end }
        }
        if !rules.isEmpty {
            let dtstart = start.icalTime(zone: isAllDay ? nil : zone.pointer)
            // Wall-clock bounds with a day of slack either side; exact bounds are applied below.
            let localLow = zone.local(of: low).adding(days: -1)
            let localHigh = zone.local(of: high).adding(days: 1)
            for rule in rules {
                rule.forEach(dtstart: dtstart, from: localLow, to: localHigh) { starts.append($0) }
            }
            if !exclusionRules.isEmpty {
                var excluded = Set<LocalDateTime>()
                for rule in exclusionRules {
                    rule.forEach(dtstart: dtstart, from: localLow, to: localHigh) { excluded.insert($0) }
                }
                starts.removeAll { excluded.contains($0) }
            }
        }
        starts.sort()

        var previous: LocalDateTime?
        for local in starts {
            if local == previous { continue }   // RRULE and RDATE (or DTSTART) naming one instance
            previous = local
            var startInstant = zone.instant(of: local)
            guard startInstant >= low, startInstant < high else { continue }
            if isAllDay {
                if excludedDays.contains(local.dayNumber) { continue }
            } else if excludedInstants.contains(startInstant) || excludedDays.contains(local.dayNumber) {
                continue
            }
            var endInstant = explicitEnds[local.seconds] ?? length.end(start: local, zone: zone)
            if let change = futureChanges.last(where: { $0.after < startInstant }) {
                if change.isCancelled { continue }
                startInstant += change.shift
                endInstant = startInstant + change.length
            }
            if endInstant > startInstant, endInstant > from, startInstant < to {
                out.append(Occurrence(start: startInstant, end: endInstant, series: index))
            }
        }
    }

    /// Overrides moved onto the same slot (or onto a regular instance) name one instance.
    private static func removeDuplicates(in out: inout [Occurrence], from first: Int) {
        guard out.count - first > 1 else { return }
        var own = Array(out[first...])
        own.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        var unique: [Occurrence] = []
        for item in own where unique.last.map({ $0.start != item.start || $0.end != item.end }) ?? true {
            unique.append(item)
        }
        out.replaceSubrange(first..., with: unique)
    }
}
