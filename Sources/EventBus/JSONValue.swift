/// A JSON document held in memory: the form events take inside the event bus.
///
/// Numbers are kept as `Double`. That holds every integer up to 2^53 exactly (account
/// IDs, epoch milliseconds) and every decimal EventBridge can compare numerically
/// (±5e9 with six digits after the point), so comparing two parsed numbers is
/// comparing their values: `1`, `1.0` and `1e0` are the same number.
///
/// Objects are unordered, as in JSON; when a document repeats a key the last value wins.
public enum JSONValue: Sendable, Hashable {
    /// JSON `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// Any JSON number.
    case number(Double)
    /// A string, as Unicode text.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object: member names to values.
    case object([String: JSONValue])
}

extension JSONValue {
    /// The value of `key` when this is an object that has it, else `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The element at `index` when this is an array long enough, else `nil`.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number, when this is a number.
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The Boolean, when this is `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, when this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// Whether this is JSON `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `nil` is JSON `null`.
    public init(nilLiteral: ()) { self = .null }
    /// `true`/`false`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal is a number.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// A floating-point literal is a number.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A string literal is a string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal is an array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal is an object (a repeated key keeps its last value).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text, keys sorted so that the text is stable.
    public var description: String { serialized(sortingKeys: true) }
}
