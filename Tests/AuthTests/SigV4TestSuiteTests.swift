@testable import Auth
import Foundation
import Testing

/// AWS's published Signature Version 4 test suite (`aws-sig-v4-test-suite`, the `.sreq` files:
/// each request with the Authorization header AWS computed for it), for credential
/// AKIDEXAMPLE, us-east-1, service "service", at 20150830T123600Z. Cases whose path holds
/// characters that cannot travel unencoded on the wire (get-space, get-utf8) are left out:
/// the verifier takes the path as received.
@Suite("AWS SigV4 test suite")
struct SigV4TestSuiteTests {
    static let cases: [(name: String, request: String)] = [
        ("get-vanilla", """
            GET / HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31
            """),
        ("get-vanilla-query-order-key-case", """
            GET /?Param2=value2&Param1=value1 HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500
            """),
        ("get-vanilla-empty-query-key", """
            GET /?Param1=value1 HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb
            """),
        ("get-vanilla-query-unreserved", """
            GET /?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197
            """),
        ("get-unreserved", """
            GET /-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f
            """),
        ("get-header-value-trim", """
            GET / HTTP/1.1
            Host:example.amazonaws.com
            My-Header1: value1
            My-Header2: "a   b   c"
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736
            """),
        ("get-header-key-duplicate", """
            GET / HTTP/1.1
            Host:example.amazonaws.com
            My-Header1:value2
            My-Header1:value2
            My-Header1:value1
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea
            """),
        ("get-header-value-order", """
            GET / HTTP/1.1
            Host:example.amazonaws.com
            My-Header1:value4
            My-Header1:value1
            My-Header1:value3
            My-Header1:value2
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01
            """),
        ("post-vanilla", """
            POST / HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b
            """),
        ("post-vanilla-empty-query-value", """
            POST /?Param1=value1 HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11
            """),
        ("post-header-key-sort", """
            POST / HTTP/1.1
            Host:example.amazonaws.com
            My-Header1:value1
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c
            """),
        ("post-x-www-form-urlencoded", """
            POST / HTTP/1.1
            Content-Type:application/x-www-form-urlencoded
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a

            Param1=value1
            """),
        ("post-x-www-form-urlencoded-parameters", """
            POST / HTTP/1.1
            Content-Type:application/x-www-form-urlencoded; charset=utf8
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe

            Param1=value1
            """),
        ("normalize-path/get-slash-dot-slash", """
            GET /./ HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31
            """),
        ("normalize-path/get-slashes", """
            GET //example// HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84
            """),
        ("normalize-path/get-relative-relative", """
            GET /example1/example2/../.. HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31
            """),
    ]

    static let names = cases.map(\.name)

    static func verifier(now: Date = testSuiteInstant) -> SigV4Verifier {
        SigV4Verifier(credentials: FixedCredentials(testSuiteCredential), region: "us-east-1", services: ["service"],
                      now: { now })
    }

    static func suiteRequest(_ name: String) -> SignedRequest {
        request(fromSuite: cases.first { $0.name == name }!.request)
    }

    static let mismatch = "The request signature we calculated does not match the signature you provided. Check your "
        + "AWS Secret Access Key and signing method. Consult the service documentation for details."

    @Test("verifies", arguments: names)
    func verifies(name: String) throws {
        let principal = try Self.verifier().verify(Self.suiteRequest(name))
        #expect(principal == Principal(accessKeyId: "AKIDEXAMPLE", name: "example", role: .admin))
    }

    @Test("a changed signed header value fails", arguments: names)
    func changedHeader(name: String) throws {
        let original = Self.suiteRequest(name)
        let changed = original.replacingHeader("Host", with: "example.amazonaws.org")
        let error = try #require(failure(Self.verifier(), changed))
        #expect(error.code == "InvalidSignatureException")
        #expect(error.httpStatus == 400)
        #expect(error.message.hasPrefix(Self.mismatch))
        #expect(error.message.contains("host:example.amazonaws.org\n"))
    }

    @Test("a changed body byte fails", arguments: names)
    func changedBody(name: String) throws {
        var changed = Self.suiteRequest(name)
        if changed.body.isEmpty {
            changed.body = [0x20]
        } else {
            changed.body[changed.body.count - 1] ^= 0x01
        }
        let error = try #require(failure(Self.verifier(), changed))
        #expect(error.code == "InvalidSignatureException")
        #expect(error.message.hasPrefix(Self.mismatch))
    }

    @Test("a changed signature character fails", arguments: names)
    func changedSignature(name: String) throws {
        let original = Self.suiteRequest(name)
        var authorization = Array(original.authorization)
        let last = authorization.count - 1
        authorization[last] = authorization[last] == "0" ? "1" : "0"
        let error = try #require(failure(Self.verifier(), original.replacingHeader("Authorization", with: String(authorization))))
        #expect(error.code == "InvalidSignatureException")
        #expect(error.message.hasPrefix(Self.mismatch))
    }

    @Test("a changed date fails", arguments: names)
    func changedDate(name: String) throws {
        let original = Self.suiteRequest(name)
        let oneSecondLater = try #require(failure(Self.verifier(), original.replacingHeader("X-Amz-Date", with: "20150830T123601Z")))
        #expect(oneSecondLater.code == "InvalidSignatureException")
        #expect(oneSecondLater.message.hasPrefix(Self.mismatch))
        let nextDay = try #require(failure(Self.verifier(now: testSuiteInstant.addingTimeInterval(86_400)),
                                           original.replacingHeader("X-Amz-Date", with: "20150831T123600Z")))
        #expect(nextDay.code == "InvalidSignatureException")
        #expect(nextDay.message == "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
                + "HTTP: '20150830' != '20150831', from '20150831T123600Z'.")
    }

    @Test("the canonical request of post-x-www-form-urlencoded is AWS's .creq")
    func canonicalRequest() throws {
        let request = Self.suiteRequest("post-x-www-form-urlencoded")
        let canonical = CanonicalRequest.build(request, signedHeaders: ["content-type", "host", "x-amz-date"].map { Array($0.utf8) },
                                               payloadHash: Array("9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e".utf8))
        #expect(String(decoding: canonical, as: UTF8.self) == """
            POST
            /

            content-type:application/x-www-form-urlencoded
            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            content-type;host;x-amz-date
            9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
            """)
    }
}
