/// A wall-clock date and time with no zone attached, at second precision.
///
/// The engine does its arithmetic on wall-clock values (an instance 22:00–07:00 keeps those
/// times on both DST nights) and converts to instants only at the end, through a `Zone`.
/// `seconds` counts wall-clock seconds since 1970-01-01T00:00:00 as if the zone were UTC,
/// which turns calendar arithmetic into integer arithmetic.
struct LocalDateTime: Hashable, Comparable, Sendable {
    var seconds: Int64

    init(seconds: Int64) { self.seconds = seconds }

    init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        let days = Int64(LocalDateTime.daysFromCivil(year: year, month: month, day: day))
        seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Days since 1970-01-01 of this value's date.
    var dayNumber: Int64 { seconds.floorDiv(86_400) }
    /// Seconds since local midnight.
    var secondOfDay: Int64 { seconds - dayNumber * 86_400 }
    /// Local midnight of the same date.
    var midnight: LocalDateTime { LocalDateTime(seconds: dayNumber * 86_400) }

    var fields: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let (y, m, d) = LocalDateTime.civilFromDays(Int(dayNumber))
        let s = Int(secondOfDay)
        return (y, m, d, s / 3600, (s / 60) % 60, s % 60)
    }

    /// 0 = Sunday … 6 = Saturday (the numbering of libical's weekday enum minus one).
    var weekday: Int { Int((dayNumber + 4).floorMod(7)) }

    func adding(days: Int64 = 0, seconds extra: Int64 = 0) -> LocalDateTime {
        LocalDateTime(seconds: seconds + days * 86_400 + extra)
    }

    static func < (a: LocalDateTime, b: LocalDateTime) -> Bool { a.seconds < b.seconds }

    // Howard Hinnant's civil-calendar algorithms (proleptic Gregorian), valid far beyond
    // the years a calendar can name.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity (instants before 1970 stay on the right day).
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }

    func floorMod(_ d: Int64) -> Int64 { self - floorDiv(d) * d }
}
