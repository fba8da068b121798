extension JSONValue {
    /// Parses JSON text (RFC 8259): one value, optionally surrounded by whitespace.
    ///
    /// - Throws: `JSONParseError` naming the first problem and its byte offset.
    public init(json text: String) throws(JSONParseError) {
        var text = text
        let parsed = text.withUTF8 { bytes in
            Result { () throws(JSONParseError) in try JSONValue(parsingUTF8: bytes) }
        }
        self = try parsed.get()
    }

    /// Parses JSON text given as UTF-8 bytes (a `[UInt8]`, a `Data`, a byte buffer).
    public init<Bytes: Collection>(utf8 bytes: Bytes) throws(JSONParseError) where Bytes.Element == UInt8 {
        let parsed: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try JSONValue(parsingUTF8: buffer) }
        }
        if let parsed {
            self = try parsed.get()
        } else {
            let copy = Array(bytes)
            let parsed = copy.withUnsafeBufferPointer { buffer in
                Result { () throws(JSONParseError) in try JSONValue(parsingUTF8: buffer) }
            }
            self = try parsed.get()
        }
    }

    init(parsingUTF8 bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        var parser = JSONParser(reader: JSONReader(bytes))
        self = try parser.parseDocument()
    }
}
