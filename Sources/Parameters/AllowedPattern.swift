import Foundation

/// `AllowedPattern`: a regular expression the whole value must match (AWS's own example,
/// `\d{1,4}`, refuses `10000`), compiled with `NSRegularExpression`.
public struct AllowedPattern: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to use from several threads.
    private let wholeValue: NSRegularExpression
    public let text: String

    /// Compiles `text`, or throws `InvalidAllowedPatternException`.
    public init(_ text: String) throws(ParameterError) {
        do {
            // The pattern alone must compile (so `a)(b` is refused), and matches are taken
            // whole: `\A(?:a|ab)\z` admits `ab`, where an anchored first match would stop at `a`.
            _ = try NSRegularExpression(pattern: text)
            wholeValue = try NSRegularExpression(pattern: "\\A(?:\(text))\\z")
        } catch {
            throw ParameterError("InvalidAllowedPatternException",
                                 "The allowed pattern \(text) is not a valid regular expression; fix it and try again.")
        }
        self.text = text
    }

    /// Whether `value` matches the pattern from its first character to its last.
    public func admits(_ value: String) -> Bool {
        wholeValue.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }

    /// Throws AWS's `ParameterPatternMismatchException` when `value` does not match.
    public func check(_ value: String) throws(ParameterError) {
        guard admits(value) else {
            throw ParameterError("ParameterPatternMismatchException",
                                 "Parameter value, cannot be validated against allowedPattern: \(text)")
        }
    }
}
