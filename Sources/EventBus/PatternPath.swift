/// A JSON path as it appears in error messages: `$`, `$.detail`, `$.resources[0]`, `$["odd key"]`.
struct PatternPath: CustomStringConvertible {
    private(set) var text = "$"

    func appending(key: String) -> PatternPath {
        var copy = self
        let plain = !key.isEmpty && key.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
        }
        if plain {
            copy.text += "." + key
        } else {
            var quoted = ""
            JSONValue.writeQuoted(key, to: &quoted)
            copy.text += "[" + quoted + "]"
        }
        return copy
    }

    func appending(index: Int) -> PatternPath {
        var copy = self
        copy.text += "[\(index)]"
        return copy
    }

    var description: String { text }
}
