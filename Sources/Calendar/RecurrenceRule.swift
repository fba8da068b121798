import CLibical

/// One RRULE (or EXRULE), iterated by libical, with the parts libical 3.0.16 gets wrong
/// done here: `BYSETPOS` on WEEKLY, DAILY and HOURLY rules (libical issue #795) is applied
/// by grouping libical's instances into their periods, and `COUNT` rules (which libical
/// cannot start mid-way) are expanded once, at load time.
///
/// `@unchecked Sendable` (below): the libical struct's only pointer, `rscale`, is always nil.
struct RecurrenceRule {
    /// Sent to libical. When BYSETPOS is applied here, it and COUNT are stripped from it.
    private var rule: icalrecurrencetype
    /// BYSETPOS values applied here (empty when libical applies them itself).
    private let setPositions: [Int]
    private let period: icalrecurrencetype_frequency
    /// Week start as 0 = Sunday … 6 = Saturday.
    private let weekStart: Int
    /// Every instance of a COUNT rule, in order.
    private var countedInstances: [LocalDateTime]?
    /// Set when the rule is a plain DAILY/WEEKLY rule stepped in Swift instead of libical.
    private var simple: SimpleRule?
    /// Where libical last ran out of instances. A rule that can never match
    /// (`FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31`) costs libical a quarter of a second per
    /// iterator to discover; remembering it keeps a search across chunks from repeating that.
    private let exhaustion = Exhaustion()
    /// The rule's simple BY* constraints, re-checked on what libical returns: 3.0.16 has
    /// edge cases (YEARLY with BYWEEKNO, for one) where it yields days the rule excludes.
    private let constraints: Constraints

    /// Most instances one COUNT rule may produce; a larger COUNT is cut here.
    static let maximumCount = 100_000

    /// Iterations without an instance after which a rule is given up on (a rule that can
    /// never match, such as BYMONTHDAY=31;BYMONTH=2, would otherwise run to the year 2582).
    static let maximumBarrenSteps = 100_000

    /// Call inside `Libical.serialized`. `zone` is the series' zone (nil for all-day series,
    /// whose dates are iterated as floating midnights); `useSimplePath: false` forces libical.
    init(_ source: icalrecurrencetype, dtstart: icaltimetype, zone: Zone?, useSimplePath: Bool = true) {
        rule = source
        if source.until.is_date != 0, dtstart.zone == nil, dtstart.hour == 0, dtstart.minute == 0 {
            // All-day series are iterated as floating midnights (see Series); a DATE UNTIL is
            // inclusive of its day, which libical loses when comparing a DATE with a DATE-TIME.
            // (A DATE UNTIL on a DATE-TIME series stays libical's: midnight, as RIE reads it.)
            rule.until.is_date = 0
            rule.until.hour = 23; rule.until.minute = 59; rule.until.second = 59
            rule.until.zone = dtstart.zone
        }
        let positions = Self.values(of: source.by_set_pos).map(Int.init)
        let frequency = source.freq
        let manual = !positions.isEmpty && [ICAL_WEEKLY_RECURRENCE, ICAL_DAILY_RECURRENCE, ICAL_HOURLY_RECURRENCE].contains(frequency)
        setPositions = manual ? positions : []
        period = frequency
        constraints = Constraints(source)
        let wkst = Int(source.week_start.rawValue)
        weekStart = wkst == 0 ? 1 : wkst - 1
        if manual {
            withUnsafeMutableBytes(of: &rule.by_set_pos) { raw in
                for i in 0..<(raw.count / 2) { raw.storeBytes(of: Int16(ICAL_RECURRENCE_ARRAY_MAX.rawValue), toByteOffset: i * 2, as: Int16.self) }
            }
        }
        if useSimplePath {
            var untilLocal: LocalDateTime?
            if icaltime_is_null_time(rule.until) == 0 {
                let until = LocalDateTime(rule.until)
                untilLocal = icaltime_is_utc(rule.until) != 0 ? (zone ?? .utc).local(of: until.seconds)
                    : rule.until.is_date != 0 ? until.midnight : until
            }
            simple = SimpleRule(rule, start: LocalDateTime(dtstart), untilLocal: untilLocal)
        }
        if source.count > 0 {
            let limit = min(Int(source.count), Self.maximumCount)
            if manual { rule.count = 0 }
            var all: [LocalDateTime] = []
            forEachRaw(dtstart: dtstart, from: nil) { local in
                all.append(local)
                return all.count < limit
            }
            countedInstances = all
        }
    }

    /// The last instance of a COUNT rule; nil for rules without COUNT.
    var lastCountedStart: LocalDateTime? { countedInstances?.last }

    /// Calls `body` with every instance whose wall-clock start is in `[from, to)`, in order.
    /// `dtstart` must carry the master's zone. Call inside `Libical.serialized`.
    func forEach(dtstart: icaltimetype, from: LocalDateTime, to: LocalDateTime, _ body: (LocalDateTime) -> Void) {
        if let all = countedInstances {
            var index = all.partitioningIndex { $0 >= from }
            while index < all.count, all[index] < to {
                body(all[index])
                index += 1
            }
            return
        }
        forEachRaw(dtstart: dtstart, from: periodStart(of: from)) { local in
            guard local < to else { return false }
            if local >= from { body(local) }
            return true
        }
    }

    /// Iterates libical's instances (with BYSETPOS applied here when needed) until `body`
    /// returns false.
    private func forEachRaw(dtstart: icaltimetype, from: LocalDateTime?, _ body: (LocalDateTime) -> Bool) {
        guard !setPositions.isEmpty else {
            forEachCandidate(dtstart: dtstart, from: from, body)
            return
        }
        // BYSETPOS applied here: collect each period's instances, then pick the positions.
        var bucket: [LocalDateTime] = []
        var bucketKey = Int64.min
        func flush() -> Bool {
            defer { bucket.removeAll(keepingCapacity: true) }
            for local in select(from: bucket) where !body(local) { return false }
            return true
        }
        var stopped = false
        forEachCandidate(dtstart: dtstart, from: from) { local in
            let key = periodKey(of: local)
            if key != bucketKey, !bucket.isEmpty, !flush() {
                stopped = true
                return false
            }
            bucketKey = key
            bucket.append(local)
            return true
        }
        if !stopped, !bucket.isEmpty { _ = flush() }
    }

    /// The rule's instances before BYSETPOS, from SimpleRule or libical, until `body` returns false.
    private func forEachCandidate(dtstart: icaltimetype, from: LocalDateTime?, _ body: (LocalDateTime) -> Bool) {
        if let simple {
            simple.forEach(from: from, body)
            return
        }
        let origin = from ?? LocalDateTime(dtstart)
        if let exhausted = exhaustion.from, origin >= exhausted { return }
        guard let iterator = icalrecur_iterator_new(rule, dtstart) else { return }
        defer { icalrecur_iterator_free(iterator) }
        // libical 3.0.16's set_start misaligns rules with INTERVAL > 1 (a FREQ=WEEKLY;INTERVAL=4
        // series lands on the wrong weeks; SimpleRuleTests shows it), so those are iterated
        // from DTSTART and filtered. Plain DAILY/WEEKLY rules never get here (SimpleRule).
        if let from, rule.count == 0, rule.interval <= 1 {
            _ = icalrecur_iterator_set_start(iterator, from.icalTime(zone: dtstart.zone))
        }
        var lastValue = Int64.min
        var steps = 0
        while true {
            let next = icalrecur_iterator_next(iterator)
            if icaltime_is_null_time(next) != 0 {
                exhaustion.from = min(exhaustion.from ?? origin, origin)
                break
            }
            let local = LocalDateTime(next)
            if !constraints.admits(local) { continue }
            // libical 3.0.16 can return the same instant twice or step backwards on odd
            // rules; never loop on that.
            if local.seconds <= lastValue {
                steps += 1
                if steps > Self.maximumBarrenSteps { break }
                continue
            }
            lastValue = local.seconds
            if !body(local) { return }
        }
    }

    private func select(from bucket: [LocalDateTime]) -> [LocalDateTime] {
        var picked: [LocalDateTime] = []
        for position in setPositions {
            let index = position > 0 ? position - 1 : bucket.count + position
            if index >= 0, index < bucket.count { picked.append(bucket[index]) }
        }
        return Array(Set(picked)).sorted()
    }

    /// The start of the BYSETPOS period containing `local` (so iteration begins with a whole period).
    private func periodStart(of local: LocalDateTime) -> LocalDateTime {
        guard !setPositions.isEmpty else { return local }
        return LocalDateTime(seconds: periodKey(of: local))
    }

    private func periodKey(of local: LocalDateTime) -> Int64 {
        switch period {
        case ICAL_WEEKLY_RECURRENCE:
            let back = Int64((local.weekday - weekStart + 7) % 7)
            return (local.dayNumber - back) * 86_400
        case ICAL_DAILY_RECURRENCE:
            return local.dayNumber * 86_400
        default:
            return local.seconds.floorDiv(3600) * 3600
        }
    }

    /// The values of one of libical's BY* arrays (terminated by ICAL_RECURRENCE_ARRAY_MAX).
    static func values<T>(of array: T) -> [Int16] {
        withUnsafeBytes(of: array) { raw in
            var result: [Int16] = []
            for i in 0..<(raw.count / 2) {
                let value = raw.load(fromByteOffset: i * 2, as: Int16.self)
                if value == Int16(ICAL_RECURRENCE_ARRAY_MAX.rawValue) { break }
                result.append(value)
            }
            return result
        }
    }
}

extension RecurrenceRule: @unchecked Sendable {}

/// `@unchecked Sendable`: read and written only inside `Libical.serialized`.
final class Exhaustion: @unchecked Sendable {
    var from: LocalDateTime?
}

extension RecurrenceRule {
    /// BYMONTH, BYDAY (its weekday), BYMONTHDAY, BYHOUR, BYMINUTE and BYSECOND as bit masks.
    struct Constraints {
        var months: UInt16 = 0
        var weekdays: UInt8 = 0
        var monthDays: [Int] = []
        var hours: UInt32 = 0
        var minutes: UInt64 = 0
        var seconds: UInt64 = 0

        init(_ rule: icalrecurrencetype) {
            for value in RecurrenceRule.values(of: rule.by_month) { months |= 1 << UInt16(icalrecurrencetype_month_month(value) & 15) }
            for value in RecurrenceRule.values(of: rule.by_day) {
                let weekday = Int(icalrecurrencetype_day_day_of_week(value).rawValue)   // 1 = Sunday
                if (1...7).contains(weekday) { weekdays |= 1 << UInt8(weekday - 1) }
            }
            monthDays = RecurrenceRule.values(of: rule.by_month_day).map(Int.init)
            for value in RecurrenceRule.values(of: rule.by_hour) where (0..<24).contains(value) { hours |= 1 << UInt32(value) }
            for value in RecurrenceRule.values(of: rule.by_minute) where (0..<60).contains(value) { minutes |= 1 << UInt64(value) }
            for value in RecurrenceRule.values(of: rule.by_second) where (0..<60).contains(value) { seconds |= 1 << UInt64(value) }
        }

        func admits(_ local: LocalDateTime) -> Bool {
            let f = local.fields
            if months != 0, months & (1 << UInt16(f.month)) == 0 { return false }
            if weekdays != 0, weekdays & (1 << UInt8(local.weekday)) == 0 { return false }
            if hours != 0, hours & (1 << UInt32(f.hour)) == 0 { return false }
            if minutes != 0, minutes & (1 << UInt64(f.minute)) == 0 { return false }
            if seconds != 0, seconds & (1 << UInt64(f.second)) == 0 { return false }
            if !monthDays.isEmpty {
                let length = Int(icaltime_days_in_month(Int32(f.month), Int32(f.year)))
                if !monthDays.contains(where: { $0 == f.day || $0 == f.day - length - 1 }) { return false }
            }
            return true
        }
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, for a predicate that is false
    /// then true along the array (binary search).
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
