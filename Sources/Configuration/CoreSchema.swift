/// The YAML 1.2 core schema's reading of plain scalars.
///
/// Yams resolves plain scalars with YAML 1.1 rules, where `on`, `off`, `yes` and `no` are
/// booleans and `1:30` is a sexagesimal integer. Configuration files are written by people who
/// expect `state: on` in an event pattern to stay the text "on", so this file reads plain
/// scalars the way YAML 1.2 (and JSON) do.
enum CoreSchema {
    static func kind(ofPlain text: String) -> ConfigurationNode.ScalarKind {
        if isNull(text) { return .null }
        if isBoolean(text) { return .boolean }
        if isInteger(text) { return .integer }
        if isFloat(text) { return .float }
        return .string
    }

    static func isNull(_ text: String) -> Bool {
        ["", "~", "null", "Null", "NULL"].contains(text)
    }

    static func isBoolean(_ text: String) -> Bool {
        ["true", "True", "TRUE", "false", "False", "FALSE"].contains(text)
    }

    static func booleanValue(_ text: String) -> Bool {
        text.first == "t" || text.first == "T"
    }

    /// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`.
    static func isInteger(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        if let digits = radixDigits(bytes) {
            return !digits.body.isEmpty && digits.body.allSatisfy { digitValue($0, radix: digits.radix) != nil }
        }
        let body = bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") ? bytes.dropFirst() : bytes[...]
        return !body.isEmpty && body.allSatisfy(isDecimalDigit)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.inf` or `\.nan`
    /// (each word in the three capitalisations YAML allows).
    static func isFloat(_ text: String) -> Bool {
        if isInfinity(text) || isNaN(text) { return true }
        var bytes = Array(text.utf8)[...]
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            bytes = bytes.dropFirst()
        }
        let integerDigits = bytes.prefix(while: isDecimalDigit).count
        bytes = bytes.dropFirst(integerDigits)
        var fractionDigits = 0
        var hasPoint = false
        if bytes.first == UInt8(ascii: ".") {
            hasPoint = true
            bytes = bytes.dropFirst()
            fractionDigits = bytes.prefix(while: isDecimalDigit).count
            bytes = bytes.dropFirst(fractionDigits)
        }
        if integerDigits == 0 && (!hasPoint || fractionDigits == 0) { return false }
        if let first = bytes.first, first == UInt8(ascii: "e") || first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                bytes = bytes.dropFirst()
            }
            let exponentDigits = bytes.prefix(while: isDecimalDigit).count
            if exponentDigits == 0 { return false }
            bytes = bytes.dropFirst(exponentDigits)
        }
        return bytes.isEmpty
    }

    static func isInfinity(_ text: String) -> Bool {
        let unsigned = text.hasPrefix("-") || text.hasPrefix("+") ? String(text.dropFirst()) : text
        return [".inf", ".Inf", ".INF"].contains(unsigned)
    }

    static func isNaN(_ text: String) -> Bool {
        [".nan", ".NaN", ".NAN"].contains(text)
    }

    /// The digits after a `0x` or `0o` prefix, with their radix.
    static func radixDigits(_ bytes: [UInt8]) -> (radix: Int, body: ArraySlice<UInt8>)? {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "0") else { return nil }
        switch bytes[1] {
        case UInt8(ascii: "x"): return (16, bytes.dropFirst(2))
        case UInt8(ascii: "o"): return (8, bytes.dropFirst(2))
        default: return nil
        }
    }

    static func isDecimalDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func digitValue(_ byte: UInt8, radix: Int) -> Int? {
        let value: Int
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
        return value < radix ? value : nil
    }
}
