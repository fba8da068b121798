/// A configuration file that cannot be used: which key is wrong, where in the file, and why.
///
/// `description` has the conventional compiler form
/// `FILE:LINE:COLUMN: rules[2].targets[0].timeout: <reason>`, so editors and terminals can jump
/// to the spot. `line` and `column` are 1-based; both are 0 when no position applies (an
/// unreadable file), and `path` is empty when the error is about the file as a whole.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable error code. New codes may be added.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, such as `UnknownKey`.
        public let rawValue: String
        /// Creates a code from its stable name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's stable name.
        public var description: String { rawValue }

        /// The file could not be read, or is not UTF-8 text.
        public static let unreadable = Code(rawValue: "Unreadable")
        /// The text is not well-formed YAML (the position is the YAML parser's).
        public static let syntax = Code(rawValue: "Syntax")
        /// A key that schedulerd does not know, usually a typo.
        public static let unknownKey = Code(rawValue: "UnknownKey")
        /// A key that must be present is missing.
        public static let missingKey = Code(rawValue: "MissingKey")
        /// A value of the wrong shape: a list where a string belongs, for example.
        public static let wrongType = Code(rawValue: "WrongType")
        /// A value of the right shape that is not allowed: out of range, malformed, unsupported.
        public static let invalidValue = Code(rawValue: "InvalidValue")
        /// Keys that exclude each other appear together, or none of a required set appears.
        public static let conflict = Code(rawValue: "Conflict")
        /// A name that must be unique is used twice.
        public static let duplicate = Code(rawValue: "Duplicate")
        /// More entries than allowed (EventBridge allows 5 targets per rule).
        public static let tooMany = Code(rawValue: "TooMany")
    }

    /// What kind of problem this is.
    public var code: Code
    /// The file the configuration was read from, as given to `load` or `parse`.
    public var file: String
    /// Where in the document: `listen`, `rules[2].targets[0].timeout`; empty for the whole file.
    public var path: String
    /// The 1-based line of the offending key or value, or 0 when no position applies.
    public var line: Int
    /// The 1-based column (in Unicode scalars) of the offending key or value, or 0.
    public var column: Int
    /// What is wrong and, where it helps, how to fix it.
    public var message: String

    /// Creates an error. The daemon uses this to report problems found after loading (an
    /// invalid event pattern, for example) at the line the configuration recorded.
    public init(code: Code, file: String, path: String, line: Int, column: Int, message: String) {
        self.code = code
        self.file = file
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COLUMN: PATH: message`; the position and the path are left out when absent.
    public var description: String {
        var text = file
        if line > 0 {
            text += ":\(line):\(column)"
        }
        text += ": "
        if !path.isEmpty {
            text += "\(path): "
        }
        return text + message
    }
}
