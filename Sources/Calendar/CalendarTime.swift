public import Foundation

/// The instant formats change calendars are asked and answered in.
public enum CalendarTime {
    /// `YYYY-MM-DDTHH:MM:SSZ`, UTC without fractions, as `GetCalendarState` answers.
    public static func format(_ date: Date) -> String {
        let f = fields(date)
        if (0...9999).contains(f.year) {
            // Written digit by digit into one buffer: every event carries a time or three, and a
            // fleet stopping writes ninety thousand events.
            return String(unsafeUninitializedCapacity: 20) { buffer in
                var index = 0
                func put(_ value: Int, digits: Int) {
                    var divisor = 1
                    for _ in 1..<digits { divisor *= 10 }
                    while divisor > 0 {
                        buffer[index] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                        index += 1
                        divisor /= 10
                    }
                }
                func mark(_ character: Unicode.Scalar) {
                    buffer[index] = UInt8(ascii: character)
                    index += 1
                }
                put(f.year, digits: 4); mark("-"); put(f.month, digits: 2); mark("-"); put(f.day, digits: 2)
                mark("T"); put(f.hour, digits: 2); mark(":"); put(f.minute, digits: 2); mark(":"); put(f.second, digits: 2)
                mark("Z")
                return index
            }
        }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = String(repeating: "0", count: max(0, 4 - String(f.year).count)) + String(f.year)
        return "\(year)-\(two(f.month))-\(two(f.day))T\(two(f.hour)):\(two(f.minute)):\(two(f.second))Z"
    }

    /// The UTC calendar fields of `date`, whole seconds (rounded down).
    public static func fields(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        LocalDateTime(seconds: Int64(date.timeIntervalSince1970.rounded(.down))).fields
    }

    /// Reads an ISO 8601 instant in the forms AWS accepts for `AtTime`:
    /// `2026-11-29T10:00:00Z`, `…+09:00`, `…-0700`, optional fractional seconds, and the
    /// basic form `20261129T100000Z`. A time without an offset is UTC; a date alone is its
    /// UTC midnight. Returns nil for anything else.
    public static func parse(_ text: String) -> Date? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        func digits(_ n: Int) -> Int? {
            guard s.count >= n else { return nil }
            let part = s.prefix(n)
            guard part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(part) else { return nil }
            s = s.dropFirst(n)
            return value
        }
        func skip(_ c: Character) -> Bool {
            if s.first == c { s = s.dropFirst(); return true }
            return false
        }
        guard let year = digits(4) else { return nil }
        let extended = skip("-")
        guard let month = digits(2), !extended || skip("-"), let day = digits(2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var hour = 0, minute = 0, second = 0, fraction = 0.0, offset = 0
        if skip("T") || skip("t") || skip(" ") {
            guard let h = digits(2), !extended || skip(":"), let m = digits(2) else { return nil }
            hour = h; minute = m
            if s.first?.isNumber == true || s.first == ":" {
                guard !extended || skip(":"), let sec = digits(2) else { return nil }
                second = sec
            }
            if skip(".") || skip(",") {
                let fractionDigits = s.prefix { $0.isASCII && $0.isNumber }
                guard !fractionDigits.isEmpty else { return nil }
                fraction = Double("0." + fractionDigits) ?? 0
                s = s.dropFirst(fractionDigits.count)
            }
            guard hour < 24 || (hour == 24 && minute == 0 && second == 0), minute < 60, second < 61 else { return nil }
            if skip("Z") || skip("z") {
                offset = 0
            } else if let sign = s.first, sign == "+" || sign == "-" {
                s = s.dropFirst()
                guard let oh = digits(2) else { return nil }
                _ = skip(":")
                let om = s.isEmpty ? 0 : (digits(2) ?? -1)
                guard oh < 24, (0..<60).contains(om) else { return nil }
                offset = (sign == "+" ? 1 : -1) * (oh * 3600 + om * 60)
            }
        }
        guard s.isEmpty else { return nil }
        let local = LocalDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
        return Date(timeIntervalSince1970: TimeInterval(local.seconds - Int64(offset)) + fraction)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
