/// Numbers as EventBridge compares them in `numeric` and `anything-but` matching:
/// between -5e9 and 5e9 inclusive, to six digits after the decimal point.
///
/// A number is held as an integer count of millionths, so `0.1 + 0.2`-style binary
/// fractions cannot make two equal decimals differ, and comparison is integer comparison.
enum ComparableNumber {
    static let limit = 5e9

    /// Millionths of `value`, rounded to the nearest; `nil` outside ±5e9 (such numbers
    /// never match `numeric` patterns, as in EventBridge).
    @inline(__always)
    static func quantize(_ value: Double) -> Int64? {
        guard value >= -limit && value <= limit else { return nil }
        // Round half away from zero without libm (`rounded()` would need it on Linux):
        // truncate, then look at what was cut off. Adding 0.5 first would be wrong near
        // 5e15, where doubles are a whole unit apart.
        let scaled = value * 1_000_000
        let truncated = Int64(scaled)
        let fraction = scaled - Double(truncated)
        if fraction >= 0.5 { return truncated + 1 }
        if fraction <= -0.5 { return truncated - 1 }
        return truncated
    }

    /// Validates a number written in a pattern where EventBridge compares numerically:
    /// within ±5e9 and with at most six decimals. Returns the reason when it is not.
    static func problem(withLiteral text: String, value: Double) -> String? {
        if value < -limit || value > limit { return "Value must be between -5.0E9 and 5.0E9, inclusive" }
        if decimalPlaces(of: text) > 6 { return "Only values upto 6 decimals are supported" }
        return nil
    }

    /// Digits after the decimal point once the number is written without an exponent and
    /// without trailing zeros: `3.018e2` has 1, `1.50` has 1, `1e-7` has 7.
    static func decimalPlaces(of text: String) -> Int {
        var digits: [UInt8] = []
        var fractionDigits = 0
        var exponent = 0
        var inFraction = false
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        while let byte = bytes.first {
            bytes = bytes.dropFirst()
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                exponent = Int(String(decoding: bytes, as: UTF8.self)) ?? 0
                break
            } else {
                digits.append(byte)
                if inFraction { fractionDigits += 1 }
            }
        }
        var scale = fractionDigits - exponent
        while let last = digits.last, last == UInt8(ascii: "0"), digits.count > 1 {
            digits.removeLast()
            scale -= 1
        }
        if digits.allSatisfy({ $0 == UInt8(ascii: "0") }) { return 0 }
        return max(scale, 0)
    }
}

/// A `numeric` pattern: one bound, two bounds, or equality, in millionths.
struct NumericRange: Sendable, Equatable {
    var lower: Int64?
    var lowerInclusive: Bool
    var upper: Int64?
    var upperInclusive: Bool

    @inline(__always)
    func contains(_ value: Int64) -> Bool {
        if let lower {
            if lowerInclusive ? value < lower : value <= lower { return false }
        }
        if let upper {
            if upperInclusive ? value > upper : value >= upper { return false }
        }
        return true
    }
}
