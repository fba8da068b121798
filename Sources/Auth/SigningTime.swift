/// The instant a request was signed, from `X-Amz-Date` (`20150830T123600Z`, ISO 8601 basic
/// format) or `Date` (`Sun, 30 Aug 2015 12:36:00 GMT`), in whole seconds since 1970.
///
/// Parsed and printed by hand: this runs for every request, and the formats are fixed.
struct SigningTime: Equatable {
    /// Seconds since 1970-01-01T00:00:00Z.
    var seconds: Int64

    /// `YYYYMMDDTHHMMSSZ`; `nil` for anything else.
    init?(basic text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
              let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[4..<6]),
              let day = Self.number(bytes[6..<8]), let hour = Self.number(bytes[9..<11]),
              let minute = Self.number(bytes[11..<13]), let second = Self.number(bytes[13..<15]),
              let seconds = Self.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        self.seconds = seconds
    }

    /// An HTTP date, `[Day, ]DD Mon YYYY HH:MM:SS GMT` (also `UTC`, `+0000`, `-0000`), or the
    /// basic format, which some clients put in `Date` too; `nil` for anything else.
    init?(httpDate text: String) {
        if let basic = SigningTime(basic: text) {
            self = basic
            return
        }
        var words = text.split(separator: " ", omittingEmptySubsequences: true)
        if let first = words.first, first.hasSuffix(",") { words.removeFirst() }
        guard words.count == 5, ["GMT", "UTC", "+0000", "-0000", "Z"].contains(words[4]),
              let day = Self.number(Array(words[0].utf8)[...]),
              let month = Self.months.firstIndex(of: String(words[1])).map({ Int64($0) + 1 }),
              let year = Self.number(Array(words[2].utf8)[...]), words[2].utf8.count == 4
        else { return nil }
        let clock = words[3].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.utf8.count == 2 }),
              let hour = Self.number(Array(clock[0].utf8)[...]), let minute = Self.number(Array(clock[1].utf8)[...]),
              let second = Self.number(Array(clock[2].utf8)[...]),
              let seconds = Self.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        self.seconds = seconds
    }

    init(seconds: Int64) {
        self.seconds = seconds
    }

    /// `YYYYMMDDTHHMMSSZ`.
    var basic: String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        var text = ""
        text.reserveCapacity(16)
        text += Self.padded(year, 4) + Self.padded(month, 2) + Self.padded(day, 2) + "T"
        text += Self.padded(secondOfDay / 3600, 2) + Self.padded(secondOfDay / 60 % 60, 2)
        text += Self.padded(secondOfDay % 60, 2) + "Z"
        return text
    }

    /// `YYYYMMDD`, the date a credential scope names.
    var date: String { String(basic.prefix(8)) }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
        guard !digits.isEmpty, digits.count <= 4 else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(digit - UInt8(ascii: "0"))
        }
        return value
    }

    private static func seconds(year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64,
                                second: Int64) -> Int64? {
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 61 else { return nil }
        return days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `days(year:month:day:)` (civil_from_days).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
