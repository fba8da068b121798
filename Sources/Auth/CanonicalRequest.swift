/// The canonical request of SigV4, built as botocore builds it for every service but S3:
///
/// ```
/// METHOD
/// canonical URI      the path with dot segments and repeated slashes removed, each byte
///                    outside [A-Za-z0-9-._~/] percent-encoded (so a %20 on the wire is %2520)
/// canonical query    each key and value decoded then RFC 3986 encoded, sorted by key, then value
/// canonical headers  lower-case name ':' value trimmed, inner white space collapsed, repeats
///                    joined by ',', one line per signed header, in SignedHeaders order
///
/// signed headers     the SignedHeaders list, lower-cased
/// payload hash       hex SHA-256 of the body
/// ```
///
/// Everything works on bytes into one buffer; this runs for every request.
enum CanonicalRequest {
    static func build(_ request: SignedRequest, signedHeaders: [[UInt8]], payloadHash: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256 + request.path.utf8.count + request.query.utf8.count)
        for byte in request.method.utf8 {
            output.append(byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 0x20 : byte)
        }
        output.append(newline)
        appendURI(request.path, to: &output)
        output.append(newline)
        appendQuery(request.query, to: &output)
        output.append(newline)
        for name in signedHeaders {
            output.append(contentsOf: name)
            output.append(UInt8(ascii: ":"))
            var first = true
            for header in request.headers where equalsLowercased(header.name, name) {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                appendTrimmed(header.value, to: &output)
            }
            output.append(newline)
        }
        output.append(newline)
        for (index, name) in signedHeaders.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ";")) }
            output.append(contentsOf: name)
        }
        output.append(newline)
        output.append(contentsOf: payloadHash)
        return output
    }

    private static let newline = UInt8(ascii: "\n")
    private static let slash = UInt8(ascii: "/")

    static func equalsLowercased(_ name: String, _ lowercased: [UInt8]) -> Bool {
        guard name.utf8.count == lowercased.count else { return false }
        return ASCII.withBytes(name) { bytes in
            lowercased.withUnsafeBufferPointer { ASCII.equalsIgnoringCase(bytes, $0) }
        }
    }

    /// RFC 3986 dot-segment removal plus the collapse of empty segments AWS asks for
    /// (botocore's `remove_dot_segments`), then encoding of the result.
    static func appendURI(_ path: String, to output: inout [UInt8]) {
        let bytes = path.utf8
        if bytes.isEmpty || bytes.elementsEqual(CollectionOfOne(slash)) {
            output.append(slash)
            return
        }
        var segments: [Substring.UTF8View] = []
        for segment in path[...].utf8.split(separator: slash, omittingEmptySubsequences: true) {
            if segment.elementsEqual(CollectionOfOne(UInt8(ascii: "."))) { continue }
            if segment.elementsEqual("..".utf8) {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(segment)
        }
        if bytes.first == slash { output.append(slash) }
        for (index, segment) in segments.enumerated() {
            if index > 0 { output.append(slash) }
            for byte in segment { ASCII.appendEncoded(byte, keepSlash: true, to: &output) }
        }
        if bytes.last == slash, !segments.isEmpty { output.append(slash) }
    }

    /// `key=value` pairs, each decoded and re-encoded, sorted by encoded key and then value.
    static func appendQuery(_ query: String, to output: inout [UInt8]) {
        guard !query.isEmpty else { return }
        let bytes = Array(query.utf8)
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            let key = encoded(ASCII.percentDecoded(pair[pair.startIndex..<equals]))
            let value = equals < pair.endIndex ? encoded(ASCII.percentDecoded(pair[(equals + 1)...])) : []
            pairs.append((key, value))
        }
        pairs.sort { left, right in
            if left.key != right.key { return left.key.lexicographicallyPrecedes(right.key) }
            return left.value.lexicographicallyPrecedes(right.value)
        }
        for (index, pair) in pairs.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            output.append(contentsOf: pair.key)
            output.append(UInt8(ascii: "="))
            output.append(contentsOf: pair.value)
        }
    }

    private static func encoded(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for byte in bytes { ASCII.appendEncoded(byte, keepSlash: false, to: &output) }
        return output
    }

    /// The value without leading and trailing white space, inner runs collapsed to one space.
    static func appendTrimmed(_ value: String, to output: inout [UInt8]) {
        ASCII.withBytes(value) { bytes in
            var pendingSpace = false
            var started = false
            for byte in bytes {
                if ASCII.isSpace(byte) {
                    pendingSpace = started
                    continue
                }
                if pendingSpace { output.append(UInt8(ascii: " ")) }
                pendingSpace = false
                started = true
                output.append(byte)
            }
        }
    }
}
