import Crypto
public import Foundation

/// Checks AWS Signature Version 4 (`Authorization: AWS4-HMAC-SHA256 …`) on API requests and
/// decides what the signer may do.
///
/// `verify(_:)` checks, in the order AWS does and with AWS's error codes and messages (all
/// HTTP 400, as AWS's JSON services answer):
///
/// 1. an `Authorization` header is present (`MissingAuthenticationTokenException`);
/// 2. it has `Credential`, `SignedHeaders` and `Signature`, and the request an `X-Amz-Date`
///    (or `Date`) in ISO 8601 basic format (`IncompleteSignatureException`);
/// 3. the signing time is within `maximumSkew` of the real time, either way; `host` and the
///    date header are signed (`InvalidSignatureException`);
/// 4. the algorithm is `AWS4-HMAC-SHA256` and the credential has five parts
///    (`IncompleteSignatureException`);
/// 5. the scope names the request's date, this daemon's region, one of `services` and
///    `aws4_request` (`InvalidSignatureException`);
/// 6. the access key id is known and active, and no session token was sent
///    (`UnrecognizedClientException`);
/// 7. a sent `x-amz-content-sha256` is the body's real hash (`UNSIGNED-PAYLOAD` is refused);
///    the signature matches, compared in constant time (`InvalidSignatureException`).
///
/// The time compared against is always the real time (`now`), even when the daemon runs a
/// simulated clock: clients sign with real time. Signing keys are derived once per
/// credential, day and service and then kept.
public final class SigV4Verifier: Sendable {
    /// The services a credential scope may name: Systems Manager, EventBridge, EC2 and RDS.
    public static let defaultServices: Set<String> = ["ssm", "events", "ec2", "rds"]
    /// The only algorithm SigV4 defines for header signatures.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The region every credential scope must name.
    public let region: String
    /// The account in the ARNs of `AccessDeniedException` messages.
    public let accountID: String
    /// The service names a credential scope may name.
    public let services: Set<String>
    /// How far the signing time may be from the real time, either way, in seconds.
    public let maximumSkew: TimeInterval

    private let credentials: any CredentialLookup
    private let now: @Sendable () -> Date
    private let signingKeys = SigningKeyCache()

    /// Creates a verifier.
    ///
    /// - Parameters:
    ///   - credentials: Where access key ids are looked up, once per request.
    ///   - region: The daemon's region (`us-east-1`).
    ///   - accountID: The account in `arn:aws:iam::ACCOUNT:user/NAME`.
    ///   - services: The signing names accepted in a credential scope; tests pass `["service"]`
    ///     to run AWS's test suite.
    ///   - now: The real time. Never the daemon's simulated clock.
    ///   - maximumSkew: Seconds the signing time may differ from `now` (AWS: 15 minutes).
    public init(credentials: any CredentialLookup, region: String, accountID: String = "123456789012",
                services: Set<String> = SigV4Verifier.defaultServices,
                now: @escaping @Sendable () -> Date = { Date() }, maximumSkew: TimeInterval = 900) {
        self.credentials = credentials
        self.region = region
        self.accountID = accountID
        self.services = services
        self.now = now
        self.maximumSkew = maximumSkew
    }

    /// Checks the request's signature and returns who signed it.
    ///
    /// - Throws: `AuthFailure` with AWS's code and message for the first problem found.
    public func verify(_ request: SignedRequest) throws(AuthFailure) -> Principal {
        try verifySignature(request).principal
    }

    /// What a verified signature establishes: who signed, and the service and region the
    /// credential scope names (signed, so a protocol that names no service in its headers,
    /// like the Query protocols of EC2 and RDS, can trust it).
    public struct Verification: Sendable, Equatable {
        public let principal: Principal
        /// The scope's service: `ssm`, `events`, `ec2` or `rds`.
        public let service: String
        public let region: String
    }

    /// Checks the request's signature, as `verify(_:)` does, and returns the signer with the
    /// credential scope's service.
    ///
    /// - Throws: `AuthFailure` with AWS's code and message for the first problem found.
    public func verifySignature(_ request: SignedRequest) throws(AuthFailure) -> Verification {
        let presigned = Self.hasQueryAlgorithm(request.query)
        guard let header = request.header("authorization") else {
            if presigned {
                throw .incompleteSignature("Query-string (presigned) signatures are not accepted here; sign the "
                                           + "request with an 'Authorization' header.")
            }
            throw .missingAuthenticationToken()
        }
        if presigned {
            throw .invalidSignature("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as "
                                    + "HTTP header.")
        }
        guard header.utf8.drop(while: { $0 == UInt8(ascii: " ") }).starts(with: "AWS4-".utf8) else {
            throw .missingAuthenticationToken()
        }
        let authorization = try AuthorizationHeader(parsing: header)
        let amzDate = request.header("x-amz-date")
        let httpDate = amzDate == nil ? request.header("date") : nil
        let missing = authorization.missingParts(hasDate: amzDate != nil || httpDate != nil)
        guard missing.isEmpty, let credentialText = authorization.credential,
              let signedHeadersText = authorization.signedHeaders, let signature = authorization.signature else {
            throw .incompleteSignature(missing + "Authorization=" + header)
        }

        let timestamp = try signingTimestamp(amzDate: amzDate, httpDate: httpDate)
        let signedHeaders = Self.signedHeaderNames(signedHeadersText)
        guard signedHeaders.contains(Array("host".utf8)) else {
            throw .invalidSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.")
        }
        if amzDate != nil, !signedHeaders.contains(Array("x-amz-date".utf8)) {
            throw .invalidSignature("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
        }
        if httpDate != nil, !signedHeaders.contains(Array("date".utf8)) {
            throw .invalidSignature("'Date' must be a 'SignedHeader' in the AWS Authorization.")
        }
        guard authorization.algorithm == Self.algorithm else {
            throw .incompleteSignature("Unsupported AWS 'algorithm': '\(authorization.algorithm)' "
                                       + "(only AWS4-HMAC-SHA256 for now). ")
        }
        let scope = try CredentialScope(parsing: credentialText)
        try check(scope, timestamp: timestamp)

        if request.header("x-amz-security-token") != nil { throw .unrecognizedClient() }
        guard let credential = credentials.credential(accessKeyId: scope.accessKeyId) else {
            throw .unrecognizedClient()
        }

        let payloadHash = try Self.payloadHash(request)
        let canonicalRequest = CanonicalRequest.build(request, signedHeaders: signedHeaders, payloadHash: payloadHash)
        var stringToSign: [UInt8] = []
        stringToSign.reserveCapacity(160)
        stringToSign.append(contentsOf: "AWS4-HMAC-SHA256\n".utf8)
        stringToSign.append(contentsOf: timestamp.utf8)
        stringToSign.append(UInt8(ascii: "\n"))
        stringToSign.append(contentsOf: scope.text.utf8)
        stringToSign.append(UInt8(ascii: "\n"))
        ASCII.appendHex(Self.sha256(canonicalRequest), to: &stringToSign)

        var mac = signingKeys.authenticator(secret: credential.secretAccessKey, date: scope.date, region: scope.region,
                                            service: scope.service)
        stringToSign.withUnsafeBytes { mac.update(data: $0) }
        var expected: [UInt8] = []
        expected.reserveCapacity(64)
        ASCII.appendHex(mac.finalize(), to: &expected)
        guard ASCII.constantTimeEquals(expected, signature) else {
            throw .invalidSignature(
                "The request signature we calculated does not match the signature you provided. Check your AWS "
                + "Secret Access Key and signing method. Consult the service documentation for details.\n\n"
                + "The Canonical String for this request should have been\n'"
                + String(decoding: canonicalRequest, as: UTF8.self) + "'\n\nThe String-to-Sign should have been\n'"
                + String(decoding: stringToSign, as: UTF8.self) + "'\n")
        }
        return Verification(principal: credential.principal, service: scope.service, region: scope.region)
    }

    /// Refuses `operation` unless `principal`'s role allows it.
    ///
    /// - Parameter operation: The IAM action, `service:Operation` (`ssm:PutParameter`,
    ///   `events:PutEvents`); the service prefix names the resource in the message. A bare
    ///   `PutParameter` is judged the same way, with a shorter message.
    /// - Throws: `AccessDeniedException`, worded as IAM words it.
    public func authorize(_ principal: Principal, operation: String) throws(AuthFailure) {
        guard !principal.role.allows(operation: operation) else { return }
        let user = "arn:aws:iam::\(accountID):user/\(principal.name)"
        var resource = ""
        if let colon = operation.firstIndex(of: ":") {
            resource = " on resource: arn:aws:\(operation[..<colon]):\(region):\(accountID):*"
        }
        throw .accessDenied("User: \(user) is not authorized to perform: \(operation)\(resource) because no "
                            + "identity-based policy allows the \(operation) action")
    }

    // MARK: - Steps

    /// The signing time in basic format, after checking it is within the allowed skew.
    private func signingTimestamp(amzDate: String?, httpDate: String?) throws(AuthFailure) -> String {
        let time: SigningTime
        let timestamp: String
        if let amzDate {
            guard let parsed = SigningTime(basic: amzDate) else { throw Self.badDate(amzDate) }
            time = parsed
            timestamp = amzDate
        } else {
            let text = httpDate ?? ""
            guard let parsed = SigningTime(httpDate: text) else { throw Self.badDate(text) }
            time = parsed
            timestamp = parsed.basic
        }
        let now = Int64(self.now().timeIntervalSince1970.rounded(.down))
        let skew = Int64(maximumSkew)
        let minutes = "\(skew / 60) min."
        if time.seconds < now - skew {
            throw .invalidSignature("Signature expired: \(timestamp) is now earlier than "
                                    + "\(SigningTime(seconds: now - skew).basic) (\(SigningTime(seconds: now).basic) - "
                                    + "\(minutes))")
        }
        if time.seconds > now + skew {
            throw .invalidSignature("Signature not yet current: \(timestamp) is still later than "
                                    + "\(SigningTime(seconds: now + skew).basic) (\(SigningTime(seconds: now).basic) + "
                                    + "\(minutes))")
        }
        return timestamp
    }

    private static func badDate(_ text: String) -> AuthFailure {
        .incompleteSignature("Date must be in ISO-8601 'basic format'. Got '\(text)'. See "
                             + "http://en.wikipedia.org/wiki/ISO_8601")
    }

    /// Region, service, terminator and date, each problem in AWS's words, all at once as AWS does.
    private func check(_ scope: CredentialScope, timestamp: String) throws(AuthFailure) {
        var problems = ""
        if scope.region != region {
            problems += "Credential should be scoped to a valid region, not '\(scope.region)'. "
        }
        if !services.contains(scope.service) {
            let names = services.sorted().map { "'\($0)'" }
            let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.joined()
            problems += "Credential should be scoped to correct service: \(list), not '\(scope.service)'. "
        }
        if scope.terminator != "aws4_request" {
            problems += "Credential should be scoped with a valid terminator: 'aws4_request', not '\(scope.terminator)'. "
        }
        let day = timestamp.prefix(8)
        if scope.date != day {
            problems += "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                + "'\(scope.date)' != '\(day)', from '\(timestamp)'."
        }
        if !problems.isEmpty { throw .invalidSignature(problems) }
    }

    /// Hex SHA-256 of the body; a sent `x-amz-content-sha256` must be exactly that.
    private static func payloadHash(_ request: SignedRequest) throws(AuthFailure) -> [UInt8] {
        var hash: [UInt8] = []
        hash.reserveCapacity(64)
        ASCII.appendHex(sha256(request.body), to: &hash)
        if let declared = request.header("x-amz-content-sha256") {
            if declared == "UNSIGNED-PAYLOAD" || declared.hasPrefix("STREAMING-") {
                throw .invalidSignature("x-amz-content-sha256 '\(declared)' is not accepted here: sign the payload "
                                        + "(its hex SHA-256).")
            }
            guard declared.utf8.elementsEqual(hash) else {
                throw .invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.")
            }
        }
        return hash
    }

    /// The SignedHeaders list, lower-cased, in the order given.
    private static func signedHeaderNames(_ text: String) -> [[UInt8]] {
        ASCII.withBytes(text) { bytes in
            var names: [[UInt8]] = []
            names.reserveCapacity(8)
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: ";") {
                if index > start {
                    names.append(bytes[start..<index].map(ASCII.lower))
                }
                start = index + 1
            }
            return names
        }
    }

    /// SHA-256 through the buffer-pointer entry point, which skips `DataProtocol`'s generic path.
    private static func sha256(_ bytes: [UInt8]) -> SHA256.Digest {
        bytes.withUnsafeBytes { buffer in
            var hasher = SHA256()
            hasher.update(bufferPointer: buffer)
            return hasher.finalize()
        }
    }

    private static func hasQueryAlgorithm(_ query: String) -> Bool {
        guard !query.isEmpty else { return false }
        return query.utf8.split(separator: UInt8(ascii: "&")).contains { $0.starts(with: "X-Amz-Algorithm=".utf8) }
    }
}
