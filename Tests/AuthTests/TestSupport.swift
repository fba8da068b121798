@testable import Auth
import Crypto
import Foundation
import Store
import Synchronization

/// Credentials held in a dictionary, for verifier tests that need no database.
struct FixedCredentials: CredentialLookup {
    var credentials: [String: Credential]

    init(_ credentials: Credential...) {
        self.credentials = Dictionary(uniqueKeysWithValues: credentials.map { ($0.accessKeyId, $0) })
    }

    func credential(accessKeyId: String) -> Credential? { credentials[accessKeyId] }
}

/// `20150830T123600Z`, the instant of AWS's SigV4 test suite.
let testSuiteInstant = Date(timeIntervalSince1970: 1_440_938_160)
let testSuiteCredential = Credential(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                     name: "example", role: .admin)

/// A request in the form of AWS's test suite files (`.sreq`): `METHOD PATH?QUERY HTTP/1.1`, then
/// `Name:value` header lines, an empty line and the body. The path and query are taken as
/// they would arrive on the wire.
func request(fromSuite text: String) -> SignedRequest {
    let (head, body) = text.range(of: "\n\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) }
        ?? (text, "")
    var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let requestLine = lines.removeFirst().split(separator: " ")
    let target = String(requestLine[1])
    let question = target.firstIndex(of: "?")
    let headers = lines.map { line -> (name: String, value: String) in
        let colon = line.firstIndex(of: ":")!
        return (String(line[..<colon]), String(line[line.index(after: colon)...]))
    }
    return SignedRequest(method: String(requestLine[0]),
                         path: question.map { String(target[..<$0]) } ?? target,
                         query: question.map { String(target[target.index(after: $0)...]) } ?? "",
                         headers: headers, body: Array(body.utf8))
}

extension SignedRequest {
    /// The request with the first header named `name` (any case) set to `value`, or added.
    func replacingHeader(_ name: String, with value: String) -> SignedRequest {
        var copy = self
        if let index = copy.headers.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
            copy.headers[index].value = value
        } else {
            copy.headers.append((name, value))
        }
        return copy
    }

    func removingHeader(_ name: String) -> SignedRequest {
        var copy = self
        copy.headers.removeAll { $0.name.lowercased() == name.lowercased() }
        return copy
    }

    var authorization: String { headers.first { $0.name.lowercased() == "authorization" }!.value }
}

/// Signs `request` the way a SigV4 client does, with the module's own canonical request and
/// key derivation. Used where a test needs a valid signature for a flow (store → verifier);
/// the encoding itself is checked against AWS's and botocore's vectors, not against this.
func signed(_ request: SignedRequest, with credential: Credential, at instant: Date, region: String = "us-east-1",
            service: String = "ssm", httpDate: String? = nil) -> SignedRequest {
    let timestamp = SigningTime(seconds: Int64(instant.timeIntervalSince1970)).basic
    let request = httpDate.map { request.replacingHeader("Date", with: $0) }
        ?? request.replacingHeader("X-Amz-Date", with: timestamp)
    let names = request.headers.map { $0.name.lowercased() }.filter { $0 != "authorization" }
    let signedNames = Array(Set(names)).sorted()
    let payload = ASCII.hex(SHA256.hash(data: request.body))
    let canonical = CanonicalRequest.build(request, signedHeaders: signedNames.map { Array($0.utf8) },
                                           payloadHash: Array(payload.utf8))
    let scope = "\(timestamp.prefix(8))/\(region)/\(service)/aws4_request"
    let stringToSign = "AWS4-HMAC-SHA256\n\(timestamp)\n\(scope)\n" + ASCII.hex(SHA256.hash(data: canonical))
    let key = SigningKeyCache.derive(secret: credential.secretAccessKey, date: String(timestamp.prefix(8)),
                                     region: region, service: service)
    let signature = ASCII.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    return request.replacingHeader("Authorization", with: "AWS4-HMAC-SHA256 Credential=\(credential.accessKeyId)/\(scope), "
                                       + "SignedHeaders=\(signedNames.joined(separator: ";")), Signature=\(signature)")
}

/// A JSON 1.1 request to SSM, unsigned.
func ssmRequest(_ operation: String, body: String = "{}") -> SignedRequest {
    SignedRequest(method: "POST", path: "/", query: "",
                  headers: [("Host", "127.0.0.1:8750"), ("Content-Type", "application/x-amz-json-1.1"),
                            ("X-Amz-Target", "AmazonSSM.\(operation)")],
                  body: Array(body.utf8))
}

/// The failure `verify` throws, or `nil` when it passes.
func failure(_ verifier: SigV4Verifier, _ request: SignedRequest) -> AuthFailure? {
    do {
        _ = try verifier.verify(request)
        return nil
    } catch {
        return error
    }
}

/// A fresh directory under the temporary directory, removed by the caller.
func temporaryDirectory() -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-auth-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func permissions(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

/// A monotonic clock the test moves by hand.
final class ManualUptime: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)

    func advance(by duration: Duration) { offset.withLock { $0 += duration } }

    var now: @Sendable () -> ContinuousClock.Instant {
        { [self] in start + offset.withLock { $0 } }
    }
}
