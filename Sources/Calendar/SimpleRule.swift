import CLibical

/// DAILY and WEEKLY rules that name at most weekdays (no BYHOUR, BYMONTH, BYMONTHDAY, …),
/// stepped in Swift.
///
/// Why: Debian's libical 3.0.16 is built against ICU, and its iterator spends most of its
/// time in ICU calendar arithmetic (about 4 µs per instance here, measured with `perf`).
/// These rules are the bulk of change calendars (office hours, nightly windows, weekday
/// stops), and their instances are plain date arithmetic. Every other rule goes through
/// libical. `SimpleRuleTests` checks this path against libical's iterator on random rules.
struct SimpleRule: Sendable {
    private let weekly: Bool
    private let interval: Int64
    /// Allowed weekdays as a bit mask, 0 = Sunday; never empty.
    private let weekdays: UInt8
    /// Week start, 0 = Sunday.
    private let weekStart: Int
    private let start: LocalDateTime
    /// Last allowed wall-clock start (UNTIL in the series' zone), if any.
    private let until: LocalDateTime?

    /// nil when the rule needs libical. `untilLocal` is UNTIL converted to the series' wall clock.
    init?(_ rule: icalrecurrencetype, start: LocalDateTime, untilLocal: LocalDateTime?) {
        guard rule.freq == ICAL_WEEKLY_RECURRENCE || rule.freq == ICAL_DAILY_RECURRENCE,
              RecurrenceRule.values(of: rule.by_second).isEmpty, RecurrenceRule.values(of: rule.by_minute).isEmpty,
              RecurrenceRule.values(of: rule.by_hour).isEmpty, RecurrenceRule.values(of: rule.by_month_day).isEmpty,
              RecurrenceRule.values(of: rule.by_year_day).isEmpty, RecurrenceRule.values(of: rule.by_week_no).isEmpty,
              RecurrenceRule.values(of: rule.by_month).isEmpty, RecurrenceRule.values(of: rule.by_set_pos).isEmpty
        else { return nil }
        var mask: UInt8 = 0
        for day in RecurrenceRule.values(of: rule.by_day) {
            guard icalrecurrencetype_day_position(day) == 0 else { return nil }
            let weekday = Int(icalrecurrencetype_day_day_of_week(day).rawValue)
            guard (1...7).contains(weekday) else { return nil }
            mask |= 1 << UInt8(weekday - 1)
        }
        weekly = rule.freq == ICAL_WEEKLY_RECURRENCE
        // WEEKLY without BYDAY repeats DTSTART's weekday; DAILY without BYDAY allows every day.
        weekdays = mask != 0 ? mask : (weekly ? 1 << UInt8(start.weekday) : 0x7F)
        interval = Int64(max(1, rule.interval))
        let wkst = Int(rule.week_start.rawValue)
        weekStart = wkst == 0 ? 1 : wkst - 1
        self.start = start
        until = untilLocal
    }

    /// Calls `body` with each instance at or after `from` (wall clock), in order, until it returns false.
    func forEach(from: LocalDateTime?, _ body: (LocalDateTime) -> Bool) {
        let timeOfDay = start.secondOfDay
        let firstDay = start.dayNumber
        let fromDay = max(firstDay, from?.dayNumber ?? firstDay)
        let period = weekly ? 7 * interval : interval
        // The first period (week, or day) of the series, and the first one that can reach `from`.
        let origin = weekly ? firstDay - Int64((start.weekday - weekStart + 7) % 7) : firstDay
        var periodStart = origin + max(0, (fromDay - origin) / period) * period
        let daysPerPeriod: Int64 = weekly ? 7 : 1
        while periodStart < 4_000_000 {   // far beyond any year a calendar can name
            for offset in 0..<daysPerPeriod {
                let day = periodStart + offset
                guard day >= firstDay else { continue }
                let weekday = Int((day + 4).floorMod(7))
                guard weekdays & (1 << UInt8(weekday)) != 0 else { continue }
                let local = LocalDateTime(seconds: day * 86_400 + timeOfDay)
                if let until, local > until { return }
                if let from, local < from { continue }
                if !body(local) { return }
            }
            periodStart += period
        }
    }
}
