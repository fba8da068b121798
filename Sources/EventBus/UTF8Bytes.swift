// Byte-level string operations. EventBridge compares strings as UTF-8 bytes, never by
// Unicode canonical equivalence (which Swift's `==` and `hasPrefix` use), so every
// string comparison in the matchers goes through these.

@inline(__always)
func withUTF8Bytes<R>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = string
    return copy.withUTF8(body)
}

@inline(__always)
func bytesEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }
    return memcmpBytes(pa, pb, a.count)
}

@inline(__always)
func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var index = 0
    // Eight bytes at a time, then the tail.
    while index + 8 <= count {
        let x = UnsafeRawPointer(a + index).loadUnaligned(as: UInt64.self)
        let y = UnsafeRawPointer(b + index).loadUnaligned(as: UInt64.self)
        if x != y { return false }
        index += 8
    }
    while index < count {
        if a[index] != b[index] { return false }
        index += 1
    }
    return true
}

func utf8Equal(_ a: String, _ b: String) -> Bool {
    withUTF8Bytes(a) { x in withUTF8Bytes(b) { y in bytesEqual(x, y) } }
}

func utf8HasPrefix(_ string: String, _ prefix: String) -> Bool {
    withUTF8Bytes(string) { s in
        withUTF8Bytes(prefix) { p in
            guard p.count <= s.count, let ps = s.baseAddress else { return p.isEmpty }
            guard let pp = p.baseAddress else { return true }
            return memcmpBytes(ps, pp, p.count)
        }
    }
}

func utf8HasSuffix(_ string: String, _ suffix: String) -> Bool {
    withUTF8Bytes(string) { s in
        withUTF8Bytes(suffix) { p in
            guard p.count <= s.count, let ps = s.baseAddress else { return p.isEmpty }
            guard let pp = p.baseAddress else { return true }
            return memcmpBytes(ps + (s.count - p.count), pp, p.count)
        }
    }
}

@inline(__always)
func asciiLower(_ byte: UInt8) -> UInt8 {
    byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
}

/// The string in lower case, as EventBridge's `equals-ignore-case` compares it.
func foldedCase(_ string: String) -> String {
    let kind: Int = withUTF8Bytes(string) { bytes in
        var upper = false
        for byte in bytes {
            if byte >= 0x80 { return 2 }
            if byte &- UInt8(ascii: "A") < 26 { upper = true }
        }
        return upper ? 1 : 0
    }
    switch kind {
    case 0: return string
    case 1: return String(decoding: withUTF8Bytes(string) { $0.map(asciiLower) }, as: UTF8.self)
    default: return string.lowercased()
    }
}

/// Compares `candidate` (any case) with `folded` (already `foldedCase`) over `folded.count`
/// bytes of `candidate` starting at `start`. Returns `nil` when a non-ASCII byte makes the
/// byte-wise shortcut unsafe, so the caller must fold the whole candidate instead.
@inline(__always)
func asciiFoldedEqual(_ candidate: UnsafeBufferPointer<UInt8>, from start: Int, _ folded: UnsafeBufferPointer<UInt8>) -> Bool? {
    var index = 0
    var equal = true
    while index < folded.count {
        let byte = candidate[start + index]
        if byte >= 0x80 { return nil }
        if asciiLower(byte) != folded[index] { equal = false }
        index += 1
    }
    return equal
}
