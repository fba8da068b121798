/// The lexical layer of JSON (RFC 8259) over UTF-8 bytes, shared by the event parser and
/// the event-pattern parser so both accept exactly the same text.
///
/// The buffer must outlive the reader; both parsers create it inside
/// `withUnsafeBufferPointer`/`withContiguousStorageIfAvailable` and never let it escape.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    /// Documents nested deeper than this are refused rather than risking the stack.
    static let maximumDepth = 512

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { index >= bytes.count }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    func error(_ reason: String, at offset: Int? = nil) -> JSONParseError {
        let offset = offset ?? index
        let (line, column) = textPosition(of: offset, in: bytes)
        return JSONParseError(reason: reason, offset: offset, line: line, column: column)
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Describes the byte at the cursor for error messages.
    var found: String {
        guard let byte = current else { return "end of text" }
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONParseError) {
        guard current == byte else { throw error("expected \(what) but found \(found)") }
        index += 1
    }

    /// Reads `true`, `false` or `null` at the cursor.
    mutating func readLiteral() throws(JSONParseError) -> JSONValue {
        let start = index
        func matches(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard start + count <= bytes.count else { return false }
            let text = word.utf8Start
            for offset in 0..<count where bytes[start + offset] != text[offset] { return false }
            // A literal must not run on into more letters ("nullx", "trueish").
            if start + count < bytes.count, isIdentifierByte(bytes[start + count]) { return false }
            return true
        }
        if matches("true") { index += 4; return .bool(true) }
        if matches("false") { index += 5; return .bool(false) }
        if matches("null") { index += 4; return .null }
        var end = start
        while end < bytes.count, end - start < 32, isIdentifierByte(bytes[end]) { end += 1 }
        if end > start {
            let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            throw error("unrecognized token '\(word)': expected a string, number, array, object, true, false or null", at: start)
        }
        throw error("expected a value but found \(found)", at: start)
    }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    /// Reads a number at the cursor; returns its value and the byte range of its text.
    mutating func readNumber() throws(JSONParseError) -> (value: Double, text: Range<Int>) {
        let start = index
        var integerDigits = 0
        var integer: Int64 = 0
        var simple = true
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw error("expected a digit in number but found \(found)")
        }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = current, next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
                throw error("numbers must not have leading zeros", at: start)
            }
        } else {
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if integerDigits < 15 { integer = integer &* 10 &+ Int64(byte &- UInt8(ascii: "0")) }
                integerDigits += 1
                index += 1
            }
        }
        if integerDigits > 15 { simple = false }
        if current == UInt8(ascii: ".") {
            simple = false
            index += 1
            guard let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw error("expected a digit after the decimal point but found \(found)")
            }
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            simple = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw error("expected a digit in the exponent but found \(found)")
            }
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        }
        if simple {
            let negative = bytes[start] == UInt8(ascii: "-")
            // -0 stays -0.0, which compares equal to 0 like every other reader does.
            return (negative ? -Double(integer) : Double(integer), start..<index)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error("number \(text) is too large for a double", at: start)
        }
        return (value, start..<index)
    }

    /// Reads a string at the cursor (which must be on its opening quote).
    mutating func readString() throws(JSONParseError) -> String {
        let start = index
        index += 1
        let contentStart = index
        // Fast path: no escapes, so the bytes between the quotes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
                index += 1
                if let string = String(validating: content, as: UTF8.self) { return string }
                throw error("string is not valid UTF-8", at: firstInvalidUTF8(in: contentStart..<index - 1))
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string must be escaped") }
            index += 1
        }
        guard index < bytes.count else { throw error("unterminated string", at: start) }
        var decoded = [UInt8](UnsafeBufferPointer(rebasing: bytes[contentStart..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                if let string = String(validating: decoded, as: UTF8.self) { return string }
                throw error("string is not valid UTF-8", at: start)
            case UInt8(ascii: "\\"):
                try readEscape(into: &decoded)
            case ..<0x20:
                throw error("control character in string must be escaped")
            default:
                decoded.append(byte)
                index += 1
            }
        }
        throw error("unterminated string", at: start)
    }

    private mutating func readEscape(into decoded: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = index
        index += 1
        guard let byte = current else { throw error("unterminated string") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): decoded.append(0x22)
        case UInt8(ascii: "\\"): decoded.append(0x5C)
        case UInt8(ascii: "/"): decoded.append(0x2F)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if scalar >= 0xD800 && scalar < 0xDC00 {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired high surrogate in \\u escape", at: escapeStart)
                }
                index += 2
                let low = try readHex4()
                guard low >= 0xDC00 && low < 0xE000 else {
                    throw error("high surrogate not followed by a low surrogate", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar < 0xE000 {
                throw error("unpaired low surrogate in \\u escape", at: escapeStart)
            }
            // Cannot fail: surrogates were handled above and the value is at most 0x10FFFF.
            let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            decoded.append(contentsOf: UTF8.encode(unicode)!)
        default:
            throw error("invalid escape sequence '\\\(Character(Unicode.Scalar(byte)))'", at: escapeStart)
        }
    }

    private mutating func readHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private func firstInvalidUTF8(in range: Range<Int>) -> Int {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let byte = bytes[offset]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return offset
            }
            if offset + length > range.upperBound { return offset }
            let slice = UnsafeBufferPointer(rebasing: bytes[offset..<offset + length])
            if String(validating: slice, as: UTF8.self) == nil { return offset }
            offset += length
        }
        return range.lowerBound
    }
}
