/// Parses pattern text into `PatternSyntax` with the same lexical rules as `JSONParser`.
struct PatternSyntaxParser {
    var reader: JSONReader

    mutating func parseDocument() throws(JSONParseError) -> PatternSyntax.Located {
        reader.skipWhitespace()
        let value = try parseValue(depth: 0)
        reader.skipWhitespace()
        guard reader.isAtEnd else { throw reader.error("unexpected \(reader.found) after the end of the document") }
        return value
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> PatternSyntax.Located {
        let offset = reader.index
        guard let byte = reader.current else { throw reader.error("expected a value but found end of text") }
        switch byte {
        case UInt8(ascii: "{"):
            return PatternSyntax.Located(value: try parseObject(depth: depth + 1), offset: offset)
        case UInt8(ascii: "["):
            return PatternSyntax.Located(value: try parseArray(depth: depth + 1), offset: offset)
        case UInt8(ascii: "\""):
            return PatternSyntax.Located(value: .string(try reader.readString()), offset: offset)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let (value, range) = try reader.readNumber()
            let text = String(decoding: UnsafeBufferPointer(rebasing: reader.bytes[range]), as: UTF8.self)
            return PatternSyntax.Located(value: .number(value, text: text), offset: offset)
        default:
            let literal: PatternSyntax
            switch try reader.readLiteral() {
            case .bool(let value): literal = .bool(value)
            default: literal = .null
            }
            return PatternSyntax.Located(value: literal, offset: offset)
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> PatternSyntax {
        guard depth <= JSONReader.maximumDepth else { throw reader.error("nesting deeper than \(JSONReader.maximumDepth) levels") }
        reader.index += 1
        var members: [PatternSyntax.Member] = []
        reader.skipWhitespace()
        if reader.current == UInt8(ascii: "}") {
            reader.index += 1
            return .object(members)
        }
        while true {
            guard reader.current == UInt8(ascii: "\"") else {
                throw reader.error("expected a double-quoted member name but found \(reader.found)")
            }
            let key = try reader.readString()
            reader.skipWhitespace()
            try reader.expect(UInt8(ascii: ":"), "':' after a member name")
            reader.skipWhitespace()
            members.append(PatternSyntax.Member(key: key, value: try parseValue(depth: depth)))
            reader.skipWhitespace()
            switch reader.current {
            case UInt8(ascii: ","):
                reader.index += 1
                reader.skipWhitespace()
            case UInt8(ascii: "}"):
                reader.index += 1
                return .object(members)
            default:
                throw reader.error("expected ',' or '}' after an object member but found \(reader.found)")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> PatternSyntax {
        guard depth <= JSONReader.maximumDepth else { throw reader.error("nesting deeper than \(JSONReader.maximumDepth) levels") }
        reader.index += 1
        var elements: [PatternSyntax.Located] = []
        reader.skipWhitespace()
        if reader.current == UInt8(ascii: "]") {
            reader.index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth))
            reader.skipWhitespace()
            switch reader.current {
            case UInt8(ascii: ","):
                reader.index += 1
                reader.skipWhitespace()
            case UInt8(ascii: "]"):
                reader.index += 1
                return .array(elements)
            default:
                throw reader.error("expected ',' or ']' after an array element but found \(reader.found)")
            }
        }
    }
}
