import Auth
import Foundation
import Testing

/// Each refusal of `verify`, with AWS's code and message.
@Suite("Verifier refusals")
struct VerifierErrorTests {
    /// 2026-01-01T00:30:00Z.
    static let now = Date(timeIntervalSince1970: 1_767_227_400)
    static let alice = Credential(accessKeyId: "AKIAALICEALICEALICE2", secretAccessKey: "alice-secret-0123456789abcdefghijklmnopq",
                                  name: "alice", role: .readonly)

    static func verifier(now: Date = now, credentials: any CredentialLookup = FixedCredentials(alice)) -> SigV4Verifier {
        SigV4Verifier(credentials: credentials, region: "us-east-1", now: { now })
    }

    static func signedRequest(at instant: Date = now, region: String = "us-east-1", service: String = "ssm",
                              credential: Credential = alice) -> SignedRequest {
        signed(ssmRequest("GetParameter", body: #"{"Name":"/a"}"#), with: credential, at: instant, region: region,
               service: service)
    }

    @Test("a signed request verifies (the baseline of every refusal below)")
    func baseline() throws {
        #expect(try Self.verifier().verify(Self.signedRequest()) == Self.alice.principal)
    }

    @Test("a verified signature names its scope's service: the Query protocols (EC2, RDS) take their service from it")
    func scopeService() throws {
        for service in ["ssm", "ec2", "rds"] {
            let verified = try Self.verifier().verifySignature(Self.signedRequest(service: service))
            #expect(verified.service == service)
            #expect(verified.region == "us-east-1")
            #expect(verified.principal == Self.alice.principal)
        }
    }

    @Test("no Authorization header, or one that is not SigV4")
    func missingToken() throws {
        for request in [Self.signedRequest().removingHeader("Authorization"),
                        Self.signedRequest().replacingHeader("Authorization", with: "Bearer abc"),
                        Self.signedRequest().replacingHeader("Authorization", with: "")] {
            let error = try #require(failure(Self.verifier(), request))
            #expect(error == AuthFailure(code: "MissingAuthenticationTokenException",
                                         message: "Request is missing Authentication Token", httpStatus: 400))
        }
    }

    @Test("missing parts are listed in AWS's words, with the header")
    func incomplete() throws {
        let request = Self.signedRequest().replacingHeader("Authorization", with: "AWS4-HMAC-SHA256 Credential=AKIAALICEALICEALICE2/20260101/us-east-1/ssm/aws4_request")
            .removingHeader("X-Amz-Date")
        let error = try #require(failure(Self.verifier(), request))
        #expect(error.code == "IncompleteSignatureException")
        #expect(error.httpStatus == 400)
        #expect(error.message == "Authorization header requires 'Signature' parameter. Authorization header requires "
                + "'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a "
                + "'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=AKIAALICEALICEALICE2/20260101/us-east-1/ssm/aws4_request")
    }

    @Test("a part without '=' is malformed")
    func malformed() throws {
        let header = "AWS4-HMAC-SHA256 Credential=AKIAALICEALICEALICE2/20260101/us-east-1/ssm/aws4_request, SignedHeaders, Signature=00"
        let error = try #require(failure(Self.verifier(), Self.signedRequest().replacingHeader("Authorization", with: header)))
        #expect(error.code == "IncompleteSignatureException")
        #expect(error.message == "'SignedHeaders' not a valid key=value pair (missing equal-sign) in Authorization header: '\(header)'.")
    }

    @Test("an X-Amz-Date not in basic format")
    func badDate() throws {
        let error = try #require(failure(Self.verifier(), Self.signedRequest().replacingHeader("X-Amz-Date", with: "2026-01-01T00:30:00Z")))
        #expect(error.code == "IncompleteSignatureException")
        #expect(error.message == "Date must be in ISO-8601 'basic format'. Got '2026-01-01T00:30:00Z'. See http://en.wikipedia.org/wiki/ISO_8601")
    }

    @Test("signed more than 15 minutes ago: expired")
    func expired() throws {
        let request = Self.signedRequest(at: Date(timeIntervalSince1970: 1_767_225_600))   // 20260101T000000Z
        let error = try #require(failure(Self.verifier(), request))
        #expect(error == AuthFailure(code: "InvalidSignatureException",
                                     message: "Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z "
                                         + "(20260101T003000Z - 15 min.)"))
    }

    @Test("signed more than 15 minutes ahead: not yet current")
    func future() throws {
        let request = Self.signedRequest(at: Self.now.addingTimeInterval(901))   // 20260101T004501Z
        let error = try #require(failure(Self.verifier(), request))
        #expect(error == AuthFailure(code: "InvalidSignatureException",
                                     message: "Signature not yet current: 20260101T004501Z is still later than "
                                         + "20260101T004500Z (20260101T003000Z + 15 min.)"))
    }

    @Test("the skew follows maximumSkew")
    func customSkew() throws {
        let verifier = SigV4Verifier(credentials: FixedCredentials(Self.alice), region: "us-east-1", now: { Self.now },
                                     maximumSkew: 300)
        let error = try #require(failure(verifier, Self.signedRequest(at: Self.now.addingTimeInterval(-301))))
        #expect(error.message.hasSuffix("(20260101T003000Z - 5 min.)"))
        #expect(throws: Never.self) { try verifier.verify(Self.signedRequest(at: Self.now.addingTimeInterval(-300))) }
    }

    @Test("host and the date header must be signed")
    func unsignedHost() throws {
        let request = Self.signedRequest()
        let withoutHost = request.authorization.replacingOccurrences(of: "SignedHeaders=content-type;host;", with: "SignedHeaders=content-type;")
        let error = try #require(failure(Self.verifier(), request.replacingHeader("Authorization", with: withoutHost)))
        #expect(error == AuthFailure(code: "InvalidSignatureException",
                                     message: "'Host' must be a 'SignedHeader' in the AWS Authorization."))
        let withoutDate = request.authorization.replacingOccurrences(of: ";x-amz-date;", with: ";")
        let dateError = try #require(failure(Self.verifier(), request.replacingHeader("Authorization", with: withoutDate)))
        #expect(dateError.message == "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
    }

    @Test("only AWS4-HMAC-SHA256")
    func algorithm() throws {
        let request = Self.signedRequest()
        let header = request.authorization.replacingOccurrences(of: "AWS4-HMAC-SHA256", with: "AWS4-HMAC-SHA512")
        let error = try #require(failure(Self.verifier(), request.replacingHeader("Authorization", with: header)))
        #expect(error == AuthFailure(code: "IncompleteSignatureException",
                                     message: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). "))
    }

    @Test("a credential with other than five parts")
    func credentialParts() throws {
        let request = Self.signedRequest()
        let header = request.authorization.replacingOccurrences(of: "/us-east-1/ssm/aws4_request", with: "/us-east-1/aws4_request")
        let error = try #require(failure(Self.verifier(), request.replacingHeader("Authorization", with: header)))
        #expect(error.code == "IncompleteSignatureException")
        #expect(error.message == "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
                + "got 'AKIAALICEALICEALICE2/20260101/us-east-1/aws4_request'")
    }

    @Test("a scope in another region")
    func wrongRegion() throws {
        let error = try #require(failure(Self.verifier(), Self.signedRequest(region: "eu-west-1")))
        #expect(error == AuthFailure(code: "InvalidSignatureException",
                                     message: "Credential should be scoped to a valid region, not 'eu-west-1'. "))
    }

    @Test("a scope for a service the daemon does not serve")
    func wrongService() throws {
        let error = try #require(failure(Self.verifier(), Self.signedRequest(service: "s3")))
        #expect(error == AuthFailure(code: "InvalidSignatureException",
                                     message: "Credential should be scoped to correct service: 'ec2', 'events', 'rds' or "
                                         + "'ssm', not 's3'. "))
        for service in ["ssm", "events", "ec2", "rds"] {
            #expect(throws: Never.self) { try Self.verifier().verify(Self.signedRequest(service: service)) }
        }
    }

    @Test("a scope with another terminator")
    func wrongTerminator() throws {
        let request = Self.signedRequest()
        let header = request.authorization.replacingOccurrences(of: "/ssm/aws4_request", with: "/ssm/aws5_request")
        let error = try #require(failure(Self.verifier(), request.replacingHeader("Authorization", with: header)))
        #expect(error.message == "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ")
    }

    @Test("an unknown access key id")
    func unknownKey() throws {
        let stranger = Credential(accessKeyId: "AKIASTRANGERSTRANGER", secretAccessKey: "x", name: "x", role: .admin)
        let error = try #require(failure(Self.verifier(), Self.signedRequest(credential: stranger)))
        #expect(error == AuthFailure(code: "UnrecognizedClientException",
                                     message: "The security token included in the request is invalid.", httpStatus: 400))
    }

    @Test("a session token is refused: no credential here has one")
    func sessionToken() throws {
        let request = Self.signedRequest().replacingHeader("X-Amz-Security-Token", with: "FwoGZXIvYXdzE")
        #expect(failure(Self.verifier(), request)?.code == "UnrecognizedClientException")
    }

    @Test("the wrong secret")
    func wrongSecret() throws {
        let impostor = Credential(accessKeyId: Self.alice.accessKeyId, secretAccessKey: "not-alice's", name: "alice", role: .admin)
        let error = try #require(failure(Self.verifier(), Self.signedRequest(credential: impostor)))
        #expect(error.code == "InvalidSignatureException")
        #expect(error.message.hasPrefix("The request signature we calculated does not match the signature you provided. "
                                        + "Check your AWS Secret Access Key and signing method. Consult the service "
                                        + "documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/\n\n"))
        #expect(error.message.contains("\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20260101T003000Z\n"
                                       + "20260101/us-east-1/ssm/aws4_request\n"))
    }

    @Test("x-amz-content-sha256 must be the body's hash, and UNSIGNED-PAYLOAD is refused")
    func payloadHash() throws {
        let hashed = signed(ssmRequest("GetParameter", body: #"{"Name":"/a"}"#)
                                .replacingHeader("X-Amz-Content-SHA256",
                                                 with: "3bd3b9ac0e1f4da5c1c1cf4a0ca1e8b1b1aa7d70a1ba2e1a17c8ed4c9a2b5e2c"),
                            with: Self.alice, at: Self.now)
        let error = try #require(failure(Self.verifier(), hashed))
        #expect(error == AuthFailure(code: "InvalidSignatureException",
                                     message: "The provided 'x-amz-content-sha256' header does not match what was computed."))
        let unsigned = signed(ssmRequest("GetParameter").replacingHeader("X-Amz-Content-SHA256", with: "UNSIGNED-PAYLOAD"),
                              with: Self.alice, at: Self.now)
        #expect(failure(Self.verifier(), unsigned)?.message
                == "x-amz-content-sha256 'UNSIGNED-PAYLOAD' is not accepted here: sign the payload (its hex SHA-256).")
        let right = signed(ssmRequest("GetParameter", body: "{}")
                               .replacingHeader("x-amz-content-sha256",
                                                with: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"),
                           with: Self.alice, at: Self.now)
        #expect(throws: Never.self) { try Self.verifier().verify(right) }
    }

    @Test("a presigned query string is not accepted, alone or beside a header")
    func presigned() throws {
        var request = Self.signedRequest()
        request.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x"
        #expect(failure(Self.verifier(), request)?.message
                == "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.")
        #expect(failure(Self.verifier(), request.removingHeader("Authorization"))?.code == "IncompleteSignatureException")
    }

    @Test("a Date header in HTTP format can stand in for X-Amz-Date, and must be signed too")
    func httpDate() throws {
        let request = signed(ssmRequest("GetParameter"), with: Self.alice, at: Self.now, httpDate: "Thu, 01 Jan 2026 00:30:00 GMT")
        #expect(try Self.verifier().verify(request) == Self.alice.principal)
        let unsigned = request.authorization.replacingOccurrences(of: ";date;", with: ";")
        #expect(failure(Self.verifier(), request.replacingHeader("Authorization", with: unsigned))?.message
                == "'Date' must be a 'SignedHeader' in the AWS Authorization.")
        let stale = request.replacingHeader("Date", with: "Wed, 31 Dec 2025 23:00:00 GMT")
        #expect(failure(Self.verifier(), stale)?.message.hasPrefix("Signature expired: 20251231T230000Z is now earlier") == true)
    }

    @Test("header names are matched in any case")
    func headerCase() throws {
        var request = Self.signedRequest()
        request.headers = request.headers.map { (name: $0.name.uppercased(), value: $0.value) }
        #expect(throws: Never.self) { try Self.verifier().verify(request) }
    }
}
