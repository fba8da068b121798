/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`
/// header. Parsing checks only the shape; `SigV4Verifier` checks the meaning, in AWS's order.
struct AuthorizationHeader {
    var algorithm: String
    var credential: String?
    var signedHeaders: String?
    var signature: String?

    /// Splits the header after the algorithm on commas and spaces into `key=value` parts, as
    /// AWS does; the first occurrence of each key counts. Works on bytes: this runs per request.
    init(parsing header: String) throws(AuthFailure) {
        let bytes = Array(header.utf8)
        var index = 0
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        let algorithmStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: " ") { index += 1 }
        algorithm = String(decoding: bytes[algorithmStart..<index], as: UTF8.self)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: ",") {
                index += 1
                continue
            }
            let start = index
            var equals: Int?
            while index < bytes.count, bytes[index] != UInt8(ascii: " "), bytes[index] != UInt8(ascii: ",") {
                if equals == nil, bytes[index] == UInt8(ascii: "=") { equals = index }
                index += 1
            }
            guard let equals else {
                let part = String(decoding: bytes[start..<index], as: UTF8.self)
                throw .incompleteSignature("'\(part)' not a valid key=value pair (missing equal-sign) in Authorization "
                                           + "header: '\(header)'.")
            }
            let key = bytes[start..<equals]
            let value = String(decoding: bytes[(equals + 1)..<index], as: UTF8.self)
            if credential == nil, key.elementsEqual("Credential".utf8) {
                credential = value
            } else if signedHeaders == nil, key.elementsEqual("SignedHeaders".utf8) {
                signedHeaders = value
            } else if signature == nil, key.elementsEqual("Signature".utf8) {
                signature = value
            }
        }
    }

    /// What AWS says is missing, in its words and order; empty when nothing is.
    func missingParts(hasDate: Bool) -> String {
        var message = ""
        if credential?.isEmpty ?? true { message += "Authorization header requires 'Credential' parameter. " }
        if signature?.isEmpty ?? true { message += "Authorization header requires 'Signature' parameter. " }
        if signedHeaders?.isEmpty ?? true { message += "Authorization header requires 'SignedHeaders' parameter. " }
        if !hasDate {
            message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        }
        return message
    }
}
