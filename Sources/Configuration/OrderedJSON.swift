/// A JSON value that keeps object members in the order they were written.
///
/// Event patterns and target inputs are stored as compact JSON strings. Foundation's
/// `JSONSerialization` forgets key order, and the order a person wrote is the order they will
/// look for when the daemon shows a rule back to them, so this small model keeps it.
/// Numbers keep their literal text: `1.50` stays `1.50`.
enum OrderedJSON {
    case null
    case bool(Bool)
    /// A number as JSON text, already in JSON's grammar.
    case number(String)
    case string(String)
    case array([OrderedJSON])
    case object([(key: String, value: OrderedJSON)])

    var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    /// The value as compact JSON: no whitespace between tokens, members in order.
    var compactText: String {
        var text = ""
        write(to: &text)
        return text
    }

    private func write(to text: inout String) {
        switch self {
        case .null:
            text += "null"
        case .bool(let value):
            text += value ? "true" : "false"
        case .number(let literal):
            text += literal
        case .string(let value):
            Self.writeString(value, to: &text)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                item.write(to: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += "," }
                Self.writeString(member.key, to: &text)
                text += ":"
                member.value.write(to: &text)
            }
            text += "}"
        }
    }

    private static func writeString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
