public import Foundation

/// An EventBridge schedule expression: `rate(5 minutes)` or six-field
/// `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, evaluated in UTC.
///
/// Rates fire at whole multiples of their period since the epoch (so `rate(1 hour)` fires on
/// the hour); EventBridge starts them at rule creation instead, which a restart could not
/// reproduce. Cron supports `*`, `?`, lists, ranges, `/` steps, month and weekday names,
/// `L` (last day of the month; in day-of-week `6L`, the last Friday), `W` (`15W`, the weekday
/// nearest the 15th; `LW`, the last weekday of the month) and `#` (nth weekday); one of day-of-month and day-of-week
/// must be `?`, as EventBridge requires.
public struct ScheduleExpression: Sendable, Equatable, CustomStringConvertible {
    /// Why an expression is refused, in EventBridge's words where it has them.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let expression: String
        public let reason: String
        public var description: String { "Parameter ScheduleExpression is not valid: \(reason) ('\(expression)')" }
    }

    enum Kind: Equatable {
        case rate(seconds: Int64)
        case cron(Cron)
    }

    struct Cron: Equatable {
        var minutes: Set<Int>
        var hours: Set<Int>
        var daysOfMonth: Set<Int>?        // nil: "?"
        var lastDayOfMonth: Bool
        var months: Set<Int>
        var weekdays: Set<Int>?           // 1 = Sunday … 7 = Saturday; nil: "?"
        var nthWeekday: (weekday: Int, n: Int)?
        /// Day-of-month `15W`: the weekday nearest the 15th, within the month.
        var nearestWeekday: Int? = nil
        /// Day-of-month `LW`: the last weekday (Monday to Friday) of the month.
        var lastWorkdayOfMonth = false
        /// Day-of-week `6L`: the last Friday of the month (`L` alone: the last Saturday).
        var lastWeekdayOfMonth: Int? = nil
        var years: Set<Int>

        static func == (a: Cron, b: Cron) -> Bool {
            a.minutes == b.minutes && a.hours == b.hours && a.daysOfMonth == b.daysOfMonth && a.lastDayOfMonth == b.lastDayOfMonth
                && a.months == b.months && a.weekdays == b.weekdays && a.nthWeekday?.weekday == b.nthWeekday?.weekday
                && a.nthWeekday?.n == b.nthWeekday?.n && a.years == b.years && a.nearestWeekday == b.nearestWeekday
                && a.lastWorkdayOfMonth == b.lastWorkdayOfMonth && a.lastWeekdayOfMonth == b.lastWeekdayOfMonth
        }
    }

    public let description: String
    let kind: Kind

    public init(_ text: String) throws(Invalid) {
        description = text
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        func fail(_ reason: String) -> Invalid { Invalid(expression: text, reason: reason) }
        if trimmed.hasPrefix("rate("), trimmed.hasSuffix(")") {
            let parts = trimmed.dropFirst(5).dropLast().split(separator: " ")
            guard parts.count == 2, let value = Int64(parts[0]), value > 0 else {
                throw fail("rate needs a positive whole number and a unit, as in rate(5 minutes)")
            }
            let unit = String(parts[1])
            let seconds: Int64
            switch unit {
            case "minute", "minutes": seconds = 60
            case "hour", "hours": seconds = 3600
            case "day", "days": seconds = 86_400
            default: throw fail("the rate unit must be minute(s), hour(s) or day(s)")
            }
            guard (value == 1) == !unit.hasSuffix("s") else {
                throw fail(value == 1 ? "use the singular unit for a value of 1, as in rate(1 \(unit.dropLast()))"
                                      : "use the plural unit for values above 1, as in rate(\(value) \(unit)s)")
            }
            kind = .rate(seconds: value * seconds)
        } else if trimmed.hasPrefix("cron("), trimmed.hasSuffix(")") {
            let fields = trimmed.dropFirst(5).dropLast().split(separator: " ").map(String.init)
            guard fields.count == 6 else { throw fail("cron needs six fields: minutes hours day-of-month month day-of-week year") }
            guard (fields[2] == "?") != (fields[4] == "?") else {
                throw fail("one of day-of-month and day-of-week must be ?, and only one")
            }
            do throws(FieldError) {
                var cron = Cron(minutes: try Self.field(fields[0], 0...59), hours: try Self.field(fields[1], 0...23),
                                daysOfMonth: nil, lastDayOfMonth: false,
                                months: try Self.field(fields[3], 1...12, names: Self.monthNames), weekdays: nil,
                                nthWeekday: nil, years: try Self.field(fields[5], 1970...2199))
                if fields[2] == "L" {
                    cron.lastDayOfMonth = true
                } else if fields[2] == "LW" {
                    cron.lastWorkdayOfMonth = true
                } else if fields[2].hasSuffix("W") {
                    guard let day = Int(fields[2].dropLast()), (1...31).contains(day) else { throw FieldError(text: fields[2]) }
                    cron.nearestWeekday = day
                } else if fields[2] != "?" {
                    cron.daysOfMonth = try Self.field(fields[2], 1...31)
                }
                if fields[4] != "?" {
                    let parts = fields[4].split(separator: "#")
                    if fields[4].hasSuffix("L") {
                        let day = fields[4] == "L" ? "7" : String(fields[4].dropLast())
                        guard let weekday = try Self.field(day, 1...7, names: Self.weekdayNames).first,
                              !day.contains(",") && !day.contains("-") && !day.contains("/") && day != "*" else {
                            throw FieldError(text: fields[4])
                        }
                        cron.lastWeekdayOfMonth = weekday
                    } else if parts.count == 2 {
                        guard let n = Int(parts[1]), (1...5).contains(n),
                              let day = try Self.field(String(parts[0]), 1...7, names: Self.weekdayNames).first else {
                            throw FieldError(text: fields[4])
                        }
                        cron.nthWeekday = (day, n)
                    } else {
                        cron.weekdays = try Self.field(fields[4], 1...7, names: Self.weekdayNames)
                    }
                }
                kind = .cron(cron)
            } catch {
                throw fail("cron field '\(error.text)' is not valid")
            }
        } else {
            throw fail("a schedule expression is rate(…) or cron(…)")
        }
    }

    /// The first firing strictly after `date`, or nil when there is none (a cron whose years have passed).
    public func nextFiring(after date: Date) -> Date? {
        let t = Int64(date.timeIntervalSince1970.rounded(.down))
        switch kind {
        case .rate(let seconds):
            return Date(timeIntervalSince1970: TimeInterval((t / seconds + 1) * seconds))
        case .cron(let cron):
            return cron.next(after: t).map { Date(timeIntervalSince1970: TimeInterval($0)) }
        }
    }

    struct FieldError: Error { let text: String }

    static let monthNames = ["JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8,
                             "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12]
    static let weekdayNames = ["SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7]

    /// One cron field: `*`, `a`, `a-b`, `a/n`, `a-b/n`, `*/n`, comma lists, names.
    static func field(_ text: String, _ range: ClosedRange<Int>, names: [String: Int] = [:]) throws(FieldError) -> Set<Int> {
        func value(_ s: Substring) throws(FieldError) -> Int {
            if let n = Int(s), range.contains(n) { return n }
            if let n = names[s.uppercased()] { return n }
            throw FieldError(text: text)
        }
        var result = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let stepParts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard stepParts.count <= 2 else { throw FieldError(text: text) }
            var step = 1
            if stepParts.count == 2 {
                guard let s = Int(stepParts[1]), s > 0 else { throw FieldError(text: text) }
                step = s
            }
            let base = stepParts[0]
            var low = range.lowerBound, high = range.upperBound
            if base == "*" {
                // the whole range
            } else if let dash = base.firstIndex(of: "-") {
                low = try value(base[..<dash])
                high = try value(base[base.index(after: dash)...])
                guard low <= high else { throw FieldError(text: text) }
            } else {
                low = try value(base)
                high = stepParts.count == 2 ? range.upperBound : low
            }
            result.formUnion(Swift.stride(from: low, through: high, by: step))
        }
        return result
    }
}

extension ScheduleExpression.Cron {
    /// The first matching minute after `t` (seconds since the epoch), searching day by day.
    func next(after t: Int64) -> Int64? {
        let startDay = (t + 60).floorDivided(by: 86_400)
        let sortedHours = hours.sorted(), sortedMinutes = minutes.sorted()
        var day = startDay
        while true {
            let (year, month, dayOfMonth) = civil(day)
            if year > 2199 { return nil }
            if years.contains(year), months.contains(month), matches(day: day, year: year, month: month, dayOfMonth: dayOfMonth) {
                for hour in sortedHours {
                    for minute in sortedMinutes {
                        let candidate = day * 86_400 + Int64(hour * 3600 + minute * 60)
                        if candidate > t { return candidate }
                    }
                }
            }
            day += 1
        }
    }

    private func matches(day: Int64, year: Int, month: Int, dayOfMonth: Int) -> Bool {
        let weekday = Int((day + 4).floorModulo(7)) + 1   // 1 = Sunday
        let length = daysIn(month: month, year: year)
        if lastDayOfMonth { return dayOfMonth == length }
        if lastWorkdayOfMonth {
            // The last day, moved back to Friday when it falls on a weekend.
            let lastWeekday = (weekday + (length - dayOfMonth) - 1) % 7 + 1
            let last = length - (lastWeekday == 1 ? 2 : lastWeekday == 7 ? 1 : 0)
            return dayOfMonth == last
        }
        if let target = nearestWeekday {
            guard target <= length else { return false }
            // The weekday of the target day, then the nearest Monday–Friday without leaving the month.
            let targetWeekday = ((weekday - 1 + (target - dayOfMonth)) % 7 + 7) % 7 + 1
            var chosen = target
            if targetWeekday == 7 { chosen = target == 1 ? 3 : target - 1 }          // Saturday: Friday, or Monday the 3rd
            if targetWeekday == 1 { chosen = target == length ? target - 2 : target + 1 }   // Sunday: Monday, or Friday
            return dayOfMonth == chosen
        }
        if let last = lastWeekdayOfMonth { return weekday == last && dayOfMonth + 7 > length }
        if let daysOfMonth { return daysOfMonth.contains(dayOfMonth) }
        if let nth = nthWeekday { return weekday == nth.weekday && (dayOfMonth - 1) / 7 + 1 == nth.n }
        return weekdays?.contains(weekday) ?? true
    }

    private func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private func civil(_ days: Int64) -> (Int, Int, Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Int64 {
    fileprivate func floorDivided(by d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }

    fileprivate func floorModulo(_ d: Int64) -> Int64 { self - floorDivided(by: d) * d }
}
