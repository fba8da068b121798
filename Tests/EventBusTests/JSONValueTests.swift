import EventBus
import Testing

@Suite("JSONValue parsing and serialization")
struct JSONValueTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue(json: #" {"s": "x", "n": -12.5e1, "i": 42, "t": true, "f": false, "z": null, "a": [1, "two", [3]], "o": {"k": {}}} "#)
        #expect(value["s"] == "x")
        #expect(value["n"]?.numberValue == -125)
        #expect(value["i"] == 42)
        #expect(value["t"]?.boolValue == true)
        #expect(value["f"] == false)
        #expect(value["z"]?.isNull == true)
        #expect(value["a"]?[1]?.stringValue == "two")
        #expect(value["a"]?[2]?[0] == 3)
        #expect(value["o"]?["k"]?.objectValue?.isEmpty == true)
        #expect(value["missing"] == nil)
        #expect(value["a"]?[9] == nil)
    }

    @Test func decodesEscapesAndUnicode() throws {
        #expect(try JSONValue(json: #""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        #expect(try JSONValue(json: #""\u00e9\u20ac""#) == .string("é€"))
        #expect(try JSONValue(json: #""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONValue(json: "\"é😀\"") == .string("é😀"))
    }

    @Test func numbersCompareByValue() throws {
        #expect(try JSONValue(json: "1") == JSONValue(json: "1.0"))
        #expect(try JSONValue(json: "1e0") == .number(1))
        #expect(try JSONValue(json: "123456789012345680") == .number(123_456_789_012_345_680))
        #expect(try JSONValue(json: "-0") == .number(0))
        #expect(try JSONValue(json: "0.1") == .number(0.1))
    }

    @Test func acceptsBytes() throws {
        let bytes: [UInt8] = Array(#"{"source": "aws.ssm"}"#.utf8)
        #expect(try JSONValue(utf8: bytes)["source"] == "aws.ssm")
        #expect(try JSONValue(utf8: bytes[...])["source"] == "aws.ssm")
    }

    struct Bad: CustomStringConvertible, Sendable {
        let text: String
        let offset: Int
        let reason: String
        var description: String { text }
    }

    @Test(arguments: [
        Bad(text: "", offset: 0, reason: "expected a value but found end of text"),
        Bad(text: "{\"a\": 1,}", offset: 8, reason: "expected a double-quoted member name"),
        Bad(text: "[1, 2", offset: 5, reason: "expected ',' or ']'"),
        Bad(text: "{\"a\" 1}", offset: 5, reason: "expected ':' after a member name"),
        Bad(text: "01", offset: 0, reason: "numbers must not have leading zeros"),
        Bad(text: "1.", offset: 2, reason: "expected a digit after the decimal point"),
        Bad(text: "-", offset: 1, reason: "expected a digit in number"),
        Bad(text: "1e", offset: 2, reason: "expected a digit in the exponent"),
        Bad(text: "1e400", offset: 0, reason: "number 1e400 is too large for a double"),
        Bad(text: "\"abc", offset: 0, reason: "unterminated string"),
        Bad(text: "\"a\u{01}b\"", offset: 2, reason: "control character in string must be escaped"),
        Bad(text: #""\x""#, offset: 1, reason: "invalid escape sequence '\\x'"),
        Bad(text: #""\ud83d""#, offset: 1, reason: "unpaired high surrogate"),
        Bad(text: #""\ude00""#, offset: 1, reason: "unpaired low surrogate"),
        Bad(text: #""\u12g4""#, offset: 5, reason: "invalid hex digit"),
        Bad(text: "tru", offset: 0, reason: "unrecognized token 'tru'"),
        Bad(text: "nullx", offset: 0, reason: "unrecognized token 'nullx'"),
        Bad(text: "{} {}", offset: 3, reason: "unexpected '{' after the end of the document"),
    ])
    func refusesMalformedTextWithItsOffset(_ bad: Bad) {
        #expect(throws: JSONParseError.self) { try JSONValue(json: bad.text) }
        do {
            _ = try JSONValue(json: bad.text)
        } catch {
            #expect(error.offset == bad.offset)
            #expect(error.reason.hasPrefix(bad.reason))
        }
    }

    @Test func reportsLineAndColumn() {
        do {
            _ = try JSONValue(json: "{\n  \"a\": [1,\n  2,, 3]\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 5)
            #expect(error.description.contains("line 3, column 5"))
        }
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x22]
        #expect(throws: JSONParseError.self) { try JSONValue(utf8: bytes) }
        do {
            _ = try JSONValue(utf8: bytes)
        } catch {
            #expect(error.offset == 2)
        }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONValue(json: deep) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: Never.self) { try JSONValue(json: fine) }
    }

    @Test func serializesCompactly() throws {
        let value: JSONValue = ["b": [1, 2.5, "x"], "a": nil, "c": ["t": true]]
        #expect(value.serialized(sortingKeys: true) == #"{"a":null,"b":[1,2.5,"x"],"c":{"t":true}}"#)
        #expect(JSONValue.number(1e21).serialized() == "1e+21")
        #expect(JSONValue.number(-0.5).serialized() == "-0.5")
        #expect(JSONValue.number(123456789012).serialized() == "123456789012")
        #expect(JSONValue.number(.infinity).serialized() == "null")
        #expect(JSONValue.string("q\"\\\n\u{01}é").serialized() == #""q\"\\\n\u0001é""#)
    }

    @Test func roundTrips() throws {
        let text = #"{"detail":{"list":[1,-2.25,1e-7,"\u0000 \"esc\" é 😀",null,false,{"deep":[[]]}],"n":5000000000},"source":"aws.ssm"}"#
        let value = try JSONValue(json: text)
        #expect(try JSONValue(json: value.serialized()) == value)
        #expect(value.description == value.serialized(sortingKeys: true))
    }
}
