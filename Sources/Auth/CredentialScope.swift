/// `AKID/20150830/us-east-1/ssm/aws4_request`: the `Credential` part of the Authorization header.
struct CredentialScope {
    var accessKeyId: String
    var date: String
    var region: String
    var service: String
    var terminator: String

    /// Five slash-separated parts; trailing slashes are ignored, as AWS ignores them.
    init(parsing text: String) throws(AuthFailure) {
        let parts = ASCII.withBytes(text) { bytes in
            var end = bytes.count
            while end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
            return bytes[..<end].split(separator: UInt8(ascii: "/"), maxSplits: 5, omittingEmptySubsequences: false)
                .map { String(decoding: UnsafeBufferPointer(rebasing: $0), as: UTF8.self) }
        }
        guard parts.count == 5 else {
            throw .incompleteSignature("Credential must have exactly 5 slash-delimited elements, e.g. "
                                       + "keyid/date/region/service/term, got '\(text)'")
        }
        accessKeyId = parts[0]
        date = parts[1]
        region = parts[2]
        service = parts[3]
        terminator = parts[4]
    }

    /// `date/region/service/terminator`, the scope line of the string to sign.
    var text: String { "\(date)/\(region)/\(service)/\(terminator)" }
}
