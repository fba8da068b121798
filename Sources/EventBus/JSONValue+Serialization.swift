extension JSONValue {
    /// Compact JSON text for this value.
    ///
    /// Integral numbers up to 2^53 print without a fraction (`5`, not `5.0`); other
    /// numbers print in the shortest form that reads back to the same `Double`.
    /// Non-finite numbers, which JSON cannot express, print as `null`.
    /// - Parameter sortingKeys: print object members in key order, for stable output.
    public func serialized(sortingKeys: Bool = false) -> String {
        var output = ""
        write(to: &output, sortingKeys: sortingKeys)
        return output
    }

    private func write(to output: inout String, sortingKeys: Bool) {
        switch self {
        case .null:
            output += "null"
        case .bool(let value):
            output += value ? "true" : "false"
        case .number(let value):
            output += Self.text(of: value)
        case .string(let value):
            Self.writeQuoted(value, to: &output)
        case .array(let elements):
            output += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { output += "," }
                element.write(to: &output, sortingKeys: sortingKeys)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let keys = sortingKeys ? members.keys.sorted() : Array(members.keys)
            for (position, key) in keys.enumerated() {
                if position > 0 { output += "," }
                Self.writeQuoted(key, to: &output)
                output += ":"
                members[key]!.write(to: &output, sortingKeys: sortingKeys)
            }
            output += "}"
        }
    }

    static func text(of number: Double) -> String {
        guard number.isFinite else { return "null" }
        if abs(number) <= 9_007_199_254_740_992, Double(Int64(number)) == number {
            return String(Int64(number))
        }
        return number.description
    }

    /// Appends `string` as a JSON string (quoted, escaped where JSON needs it).
    public static func writeQuoted(_ string: String, to output: inout String) {
        output += "\""
        // Most strings need no escape: copy them whole (appending scalar by scalar was a tenth
        // of an API request's CPU time).
        // (Scanned through the contiguous bytes when the string has them: the generic UTF8View
        // walk cost a percent of a fleet stop's CPU on its own.)
        let needsEscape = { (byte: UInt8) in byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") }
        if !(string.utf8.withContiguousStorageIfAvailable { $0.contains(where: needsEscape) } ?? string.utf8.contains(where: needsEscape)) {
            output += string
            output += "\""
            return
        }
        var pending = string.unicodeScalars.startIndex
        let scalars = string.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let escape: String?
            switch scalar {
            case "\"": escape = "\\\""
            case "\\": escape = "\\\\"
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            case "\u{08}": escape = "\\b"
            case "\u{0C}": escape = "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16, uppercase: false)
                    escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    escape = nil
                }
            }
            if let escape {
                output += String(scalars[pending..<index])
                output += escape
                pending = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        output += String(scalars[pending..<scalars.endIndex])
        output += "\""
    }
}
