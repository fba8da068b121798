/// A YAML value exactly as the configuration file wrote it, with its position.
///
/// Most of the file is decoded into typed values (`DaemonConfiguration`, `RuleConfiguration`);
/// sections whose meaning belongs to a later component (`auth`) are kept as nodes so that
/// component can decode them and still report errors at the right line.
///
/// Scalars are classified with the YAML 1.2 core schema, so `yes`, `on` and `off` are strings
/// (not booleans, as YAML 1.1 would have them) and `012` is the integer 12, not octal.
public struct ConfigurationNode: Sendable, Equatable {
    /// What a scalar means under the YAML 1.2 core schema, or its explicit `!!tag`.
    public enum ScalarKind: Sendable, Equatable {
        /// Text: anything quoted, a block scalar, or plain text that is not one of the others.
        case string
        /// `42`, `-7`, `0x1F`, `0o17`.
        case integer
        /// `1.5`, `1e3`, `.inf`, `.nan`.
        case float
        /// `true` or `false` (any capitalisation of those two words only).
        case boolean
        /// `~`, `null`, or nothing at all.
        case null
    }

    /// One `key: value` pair of a mapping. Keys are always scalars.
    public struct Entry: Sendable, Equatable {
        /// The key's text.
        public var key: String
        /// The 1-based line of the key.
        public var line: Int
        /// The 1-based column of the key.
        public var column: Int
        /// The value.
        public var value: ConfigurationNode
    }

    /// The value itself.
    public enum Content: Sendable, Equatable {
        /// A scalar: its text as written (after YAML unquoting and folding) and its kind.
        case scalar(String, ScalarKind)
        /// A list, in order.
        case sequence([ConfigurationNode])
        /// A mapping, in the order the keys were written.
        case mapping([Entry])
    }

    /// How a scalar was written; it decides how positions inside the text map back to the file.
    enum Style: Sendable, Equatable {
        case plain, quoted, literal, folded, notScalar
    }

    /// The value.
    public var content: Content
    /// The 1-based line where the value starts.
    public var line: Int
    /// The 1-based column where the value starts.
    public var column: Int
    let style: Style

    init(content: Content, line: Int, column: Int, style: Style) {
        self.content = content
        self.line = line
        self.column = column
        self.style = style
    }

    /// `true` for `~`, `null` and an empty value, which the configuration treats as "not set".
    public var isNull: Bool {
        if case .scalar(_, .null) = content { return true }
        return false
    }

    /// The text of a non-null scalar, or `nil` for null, lists and mappings.
    public var text: String? {
        if case .scalar(let text, let kind) = content, kind != .null { return text }
        return nil
    }

    /// The entries of a mapping, or `nil` for any other value.
    public var entries: [Entry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    /// The items of a list, or `nil` for any other value.
    public var items: [ConfigurationNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The value for `key` in a mapping, or `nil` when absent or when this is not a mapping.
    public subscript(key: String) -> ConfigurationNode? {
        entries?.first { $0.key == key }?.value
    }

    /// A short name for the value's shape, for error messages: "a list", "a mapping", "text".
    public var shapeName: String {
        switch content {
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .scalar(_, .null): "nothing (null)"
        case .scalar(_, .boolean): "a boolean"
        case .scalar(_, .integer), .scalar(_, .float): "a number"
        case .scalar(_, .string): "text"
        }
    }
}
