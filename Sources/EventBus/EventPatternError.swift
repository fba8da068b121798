/// An event pattern that EventBridge would refuse, with AWS's reason and where it is.
///
/// `message` follows the shape of EventBridge's `InvalidEventPatternException` (one line):
///
///     Event pattern is not valid. Reason: prefix match pattern must be a string at [Path: $.detail.state[0].prefix; line: 1, column: 36]
///
/// `reason` uses EventBridge's own wording wherever EventBridge has one (as recorded from
/// the service), so a pattern refused here is refused by AWS for the same reason. Where
/// AWS points after the offending token in its own `[Source: ...]`, this names the JSON
/// path and the line and column where the offending value starts.
public struct EventPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The AWS error code a service front end should report for this error.
    public static let awsErrorCode = "InvalidEventPatternException"

    /// What is wrong, in EventBridge's words ("Empty arrays are not allowed").
    public let reason: String
    /// Where in the pattern, as a JSON path from the root (`$.detail.state[0].prefix`).
    public let path: String
    /// 1-based line of the offending value in the pattern text.
    public let line: Int
    /// 1-based column (in Unicode scalars) of the offending value in the pattern text.
    public let column: Int

    /// An error for the value at `path`, found at `line` and `column` of the pattern text.
    public init(reason: String, path: String, line: Int, column: Int) {
        self.reason = reason
        self.path = path
        self.line = line
        self.column = column
    }

    /// The full message, as `InvalidEventPatternException` would carry it.
    public var message: String {
        "Event pattern is not valid. Reason: \(reason) at [Path: \(path); line: \(line), column: \(column)]"
    }

    /// The full message (`message`).
    public var description: String { message }
}
