/// A `wildcard` pattern: `*` matches any run of characters, including none; `\*` is a
/// literal asterisk and `\\` a literal backslash. EventBridge refuses `**` and any other
/// backslash escape, and patterns whose wildcards make matching too costly.
struct WildcardPattern: Sendable, Equatable {
    /// The literal runs between wildcards: `a*b*c` is `["a", "b", "c"]`, `*a` is `["", "a"]`.
    let segments: [[UInt8]]

    /// The most wildcards EventBridge's complexity check lets through in one value.
    static let maximumWildcards = 5

    /// Parses the text, or returns EventBridge's reason for refusing it.
    static func parse(_ text: String) -> Result<WildcardPattern, ReasonError> {
        let bytes = Array(text.utf8)
        var segments: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "*") {
                if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*") {
                    // EventBridge counts positions from the opening quote of the JSON string.
                    return .failure(ReasonError("Consecutive wildcard characters at pos \(index + 1)"))
                }
                segments.append(current)
                current = []
            } else if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") || bytes[index + 1] == UInt8(ascii: "\\") else {
                    return .failure(ReasonError("Invalid escape character at pos \(index + 1)"))
                }
                current.append(bytes[index + 1])
                index += 1
            } else {
                current.append(byte)
            }
            index += 1
        }
        segments.append(current)
        if segments.count - 1 > maximumWildcards {
            return .failure(ReasonError(
                "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character"))
        }
        return .success(WildcardPattern(segments: segments))
    }

    /// The literal text before the first wildcard (the whole pattern when there is none).
    var leadingLiteral: [UInt8] { segments[0] }
    /// The literal text after the last wildcard (empty when there is no wildcard).
    var trailingLiteral: [UInt8] { segments.count > 1 ? segments[segments.count - 1] : [] }

    func matches(_ string: String) -> Bool {
        withUTF8Bytes(string) { matches(bytes: $0) }
    }

    func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let first = segments[0]
        if segments.count == 1 {
            return first.withUnsafeBufferPointer { bytesEqual(bytes, $0) }
        }
        let last = segments[segments.count - 1]
        guard bytes.count >= first.count + last.count else { return false }
        if !first.withUnsafeBufferPointer({ p in p.isEmpty || memcmpBytes(bytes.baseAddress!, p.baseAddress!, p.count) }) {
            return false
        }
        if !last.withUnsafeBufferPointer({ p in p.isEmpty || memcmpBytes(bytes.baseAddress! + (bytes.count - p.count), p.baseAddress!, p.count) }) {
            return false
        }
        // Middle literals: leftmost placement is always safe for `*`-only patterns.
        var position = first.count
        let end = bytes.count - last.count
        for segmentIndex in 1..<(segments.count - 1) {
            let segment = segments[segmentIndex]
            guard let found = find(segment, in: bytes, from: position, to: end) else { return false }
            position = found + segment.count
        }
        return true
    }

    private func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard needle.count <= end - start else { return nil }
        let head = needle[0]
        var index = start
        while index <= end - needle.count {
            if bytes[index] == head {
                var offset = 1
                while offset < needle.count && bytes[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}
