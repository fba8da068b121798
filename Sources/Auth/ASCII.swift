/// Byte-level text helpers for the signing hot path: no Foundation, no Unicode machinery,
/// because everything SigV4 compares or encodes is ASCII (or opaque UTF-8 bytes).
enum ASCII {
    static let lowerHexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Runs `body` over the UTF-8 bytes of `text`, without copying them when the string is
    /// native (as strings built from network bytes are).
    @inline(__always)
    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        return copy.withUTF8(body)
    }

    /// `text` equals `lowercased` when upper-case ASCII letters in `text` are lowered.
    static func equalsIgnoringCase(_ text: String, _ lowercased: String) -> Bool {
        guard text.utf8.count == lowercased.utf8.count else { return false }
        return withBytes(text) { a in
            withBytes(lowercased) { b in equalsIgnoringCase(a, b) }
        }
    }

    /// `bytes` equals `lowercased` when upper-case ASCII letters in `bytes` are lowered.
    static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercased: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == lowercased.count else { return false }
        for index in 0..<bytes.count where lower(bytes[index]) != lowercased[index] { return false }
        return true
    }

    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// RFC 3986 unreserved: letters, digits, `-`, `.`, `_`, `~`.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Space, tab, line feed, carriage return, vertical tab, form feed: what Python's
    /// `str.split()` (and so botocore's header trimming) treats as white space.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Appends `bytes` as lower-case hex.
    static func appendHex<Bytes: Sequence<UInt8>>(_ bytes: Bytes, to output: inout [UInt8]) {
        for byte in bytes {
            output.append(lowerHexDigits[Int(byte >> 4)])
            output.append(lowerHexDigits[Int(byte & 0x0F)])
        }
    }

    /// `bytes` as lower-case hex text.
    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        appendHex(bytes, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends `byte` percent-encoded unless it is unreserved (or `/` when `keepSlash`).
    @inline(__always)
    static func appendEncoded(_ byte: UInt8, keepSlash: Bool, to output: inout [UInt8]) {
        if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
            output.append(byte)
        } else {
            output.append(UInt8(ascii: "%"))
            output.append(upperHexDigits[Int(byte >> 4)])
            output.append(upperHexDigits[Int(byte & 0x0F)])
        }
    }

    /// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as it is, and so does `+`.
    static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "%")) else { return Array(bytes) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    /// Compares two byte strings in time that depends only on their lengths, so a wrong
    /// signature does not reveal how many of its leading characters were right.
    static func constantTimeEquals(_ a: [UInt8], _ b: String) -> Bool {
        guard a.count == b.utf8.count else { return false }
        return a.withUnsafeBufferPointer { a in
            withBytes(b) { b in
                var difference: UInt8 = 0
                for index in 0..<a.count { difference |= a[index] ^ b[index] }
                return difference == 0
            }
        }
    }
}
