/// Where JSON text stops being JSON: the 1-based line and column (in Unicode scalars) within
/// that text, and what was expected there.
struct JSONSyntaxError: Error {
    var line: Int
    var column: Int
    var message: String
}

extension OrderedJSON {
    /// Parses one JSON value (RFC 8259), rejecting duplicate object keys, which RFC 8259 leaves
    /// undefined and which would make a pattern mean something other than what it shows.
    static func parse(_ text: String) throws(JSONSyntaxError) -> OrderedJSON {
        var parser = JSONParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    /// Deeper nesting than any pattern or input needs; the limit keeps recursion bounded.
    static let maximumDepth = 128

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> OrderedJSON {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count {
            throw failure("unexpected \(describeCurrent()) after the JSON value")
        }
        return value
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> OrderedJSON {
        guard index < bytes.count else { throw failure("expected a JSON value, found the end of the text") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("expected a JSON value, found \(describeCurrent())")
        }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> OrderedJSON {
        try enterNesting()
        index += 1
        var members: [(key: String, value: OrderedJSON)] = []
        var seenKeys: Set<String> = []
        skipWhitespace()
        if consume(UInt8(ascii: "}")) {
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw failure("expected a member name in double quotes, found \(describeCurrent())")
            }
            let keyStart = index
            let key = try parseString()
            if !seenKeys.insert(key).inserted {
                throw failure("the key \"\(key)\" appears twice in the same object", at: keyStart)
            }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else {
                throw failure("expected ':' after the member name, found \(describeCurrent())")
            }
            skipWhitespace()
            members.append((key, try parseValue()))
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "}")) { break }
            throw failure("expected ',' or '}' in the object, found \(describeCurrent())")
        }
        depth -= 1
        return .object(members)
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> OrderedJSON {
        try enterNesting()
        index += 1
        var items: [OrderedJSON] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) {
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "]")) { break }
            throw failure("expected ',' or ']' in the array, found \(describeCurrent())")
        }
        depth -= 1
        return .array(items)
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1
        var utf8: [UInt8] = []
        while true {
            guard index < bytes.count else { throw failure("a string that is never closed", at: start) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                try parseEscape(into: &utf8)
            case 0..<0x20:
                throw failure("a control character inside a string; write it as an escape such as \\n")
            default:
                utf8.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw failure("a string that is never closed") }
        let escape = bytes[index]
        index += 1
        let simple: UInt8?
        switch escape {
        case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default:
            throw failure("'\\\(Character(Unicode.Scalar(escape)))' is not a JSON escape", at: index - 2)
        }
        if let simple {
            utf8.append(simple)
            return
        }
        var value = try parseHexQuad()
        if (0xD800...0xDBFF).contains(value) {
            // A high surrogate must be followed by an escaped low surrogate.
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw failure("a \\u escape for half of a surrogate pair without the other half") }
            index += 2
            let low = try parseHexQuad()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw failure("a \\u escape for half of a surrogate pair without the other half")
            }
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(value) {
            throw failure("a \\u escape for half of a surrogate pair without the other half")
        }
        // Surrogates were combined above, so every remaining value is a valid scalar.
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        utf8.append(contentsOf: String(Character(scalar)).utf8)
    }

    private mutating func parseHexQuad() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("\\u needs four hexadecimal digits") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            guard let digit = CoreSchema.digitValue(byte, radix: 16) else {
                throw failure("\\u needs four hexadecimal digits")
            }
            value = value * 16 + UInt32(digit)
        }
        index += 4
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        if consume(UInt8(ascii: "0")) {
            if index < bytes.count, CoreSchema.isDecimalDigit(bytes[index]) {
                throw failure("a number with a leading zero", at: start)
            }
        } else if consumeDigits() == 0 {
            throw failure("expected a digit in the number", at: index)
        }
        if consume(UInt8(ascii: ".")) && consumeDigits() == 0 {
            throw failure("expected a digit after the decimal point")
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            if consumeDigits() == 0 { throw failure("expected a digit in the exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func consumeDigits() -> Int {
        let start = index
        while index < bytes.count, CoreSchema.isDecimalDigit(bytes[index]) {
            index += 1
        }
        return index - start
    }

    private mutating func expectWord(_ word: String) throws(JSONSyntaxError) {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw failure("expected a JSON value, found \(describeCurrent()); text must be in double quotes")
        }
        index += expected.count
    }

    private mutating func enterNesting() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw failure("objects and arrays nested more than \(Self.maximumDepth) deep")
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count,
              [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(bytes[index]) {
            index += 1
        }
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "the end of the text" }
        // `index` is always at the start of a scalar, and a scalar is at most four bytes.
        let scalar = String(decoding: bytes[index..<min(index + 4, bytes.count)], as: UTF8.self).unicodeScalars.first
        return scalar.map { "'\($0)'" } ?? "an unreadable character"
    }

    private func failure(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        let target = min(offset ?? index, bytes.count)
        var line = 1
        var column = 1
        for byte in bytes[..<target] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONSyntaxError(line: line, column: column, message: message)
    }
}
