/// Builds a `JSONValue` from JSON text, recursively descending over a `JSONReader`.
struct JSONParser {
    var reader: JSONReader

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        reader.skipWhitespace()
        let value = try parseValue(depth: 0)
        reader.skipWhitespace()
        guard reader.isAtEnd else { throw reader.error("unexpected \(reader.found) after the end of the document") }
        return value
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard let byte = reader.current else { throw reader.error("expected a value but found end of text") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try reader.readString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try reader.readNumber().value)
        default: return try reader.readLiteral()
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONReader.maximumDepth else { throw reader.error("nesting deeper than \(JSONReader.maximumDepth) levels") }
        reader.index += 1
        var members: [String: JSONValue] = [:]
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
            members[key] = try parseValue(depth: depth)
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

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONReader.maximumDepth else { throw reader.error("nesting deeper than \(JSONReader.maximumDepth) levels") }
        reader.index += 1
        var elements: [JSONValue] = []
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
