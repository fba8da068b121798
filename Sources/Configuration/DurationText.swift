/// Durations as people write them in the configuration: `500ms`, `30s`, `5m`, `24h`, `1h30m`,
/// or a bare number of seconds (`90`).
///
/// Units go from the largest to the smallest, each at most once (`1h30m`, not `30m1h`), so a
/// value reads one way only. Days are left out on purpose: a "day" is 23 to 25 hours around
/// daylight-saving changes, and the calendars are where wall-clock days belong.
enum DurationText {
    private static let units: [(symbol: String, milliseconds: Int64)] = [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// - Parameter allowZero: Whether `0` (or `0s`) is a duration, as for transitions that
    ///   should complete at once.
    static func parse(_ text: String, allowZero: Bool = false) throws(ValueProblem) -> Duration {
        let duration = try parseAny(text)
        guard duration > .zero || allowZero else { throw ValueProblem("a duration must be longer than zero, not '\(text)'") }
        return duration
    }

    private static func parseAny(_ text: String) throws(ValueProblem) -> Duration {
        let example = "write it like 30s, 5m, 24h, 30d, 1h30m or 500ms, or as a number of seconds"
        guard !text.isEmpty else { throw ValueProblem("a duration cannot be empty; \(example)") }
        if text.utf8.allSatisfy(CoreSchema.isDecimalDigit) {
            guard let seconds = Int64(text), seconds.multipliedReportingOverflow(by: 1_000).overflow == false else {
                throw ValueProblem("'\(text)' seconds is too long a duration")
            }
            return .seconds(seconds)
        }
        var total: Int64 = 0
        var previousRank = -1
        var rest = Substring(text)
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            let symbol = rest.dropFirst(digits.count).prefix { $0.isLetter }
            guard !digits.isEmpty, !symbol.isEmpty else {
                throw ValueProblem("'\(text)' is not a duration; \(example)")
            }
            guard let rank = units.firstIndex(where: { $0.symbol == symbol }) else {
                throw ValueProblem("'\(symbol)' in '\(text)' is not a unit; use d, h, m, s or ms")
            }
            guard rank > previousRank else {
                throw ValueProblem("'\(text)' lists its units out of order or twice; "
                                   + "go from the largest to the smallest, like 1h30m")
            }
            previousRank = rank
            guard let count = Int64(digits) else {
                throw ValueProblem("'\(text)' is too long a duration")
            }
            let (part, overflow) = count.multipliedReportingOverflow(by: units[rank].milliseconds)
            let (sum, sumOverflow) = total.addingReportingOverflow(part)
            guard !overflow, !sumOverflow else { throw ValueProblem("'\(text)' is too long a duration") }
            total = sum
            rest = rest.dropFirst(digits.count + symbol.count)
        }
        return .milliseconds(total)
    }
}
