import Auth
import Foundation
import Testing

/// Requests signed by botocore 1.43.11, exactly as they go on the wire, to show the verifier
/// accepts what the real AWS CLI and boto3 send.
///
/// Generated once with python3 and botocore (no network: a `before-send` hook captured each
/// prepared request and answered it), with `botocore.auth.get_current_datetime` pinned to
/// 2026-03-01T09:30:00Z and the key pair AKIAIOSFODNN7EXAMPLE /
/// wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY:
///
/// - `ssm.put_parameter(Name='/fleet/maintenance-window', Value='Sat 02:00 UTC', Type='String',
///   Overwrite=True)` through `session.create_client('ssm', region_name='us-east-1',
///   endpoint_url='http://127.0.0.1:8750')`;
/// - `ec2.describe_instances(Filters=[{'Name': 'tag:Env', 'Values': ['prod west', 'a/b+c']}])`
///   through the same kind of client (EC2 query protocol: a form-encoded body);
/// - a raw `AWSRequest` POST to `/foo%20bar/./baz?` + `percent_encode_sequence([('b', 'two
///   words'), ('a', 'x/y'), ('A', '~z'), ('empty', ''), ('a', 'W')])` with an
///   `X-Amz-Content-SHA256` header, signed by `SigV4Auth(credentials, 'events', 'us-east-1')`.
///
/// The Host header is the one urllib3 sends (botocore signs it from the URL). Headers added
/// after signing (User-Agent, amz-sdk-*, Content-Length) are kept: they are not signed.
@Suite("botocore-signed requests")
struct BotocoreVectorTests {
    static let signedAt = Date(timeIntervalSince1970: 1_772_357_400)   // 2026-03-01T09:30:00Z
    static let credential = Credential(accessKeyId: "AKIAIOSFODNN7EXAMPLE",
                                       secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                       name: "ci", role: .operator)
    static let userAgent = "Botocore/1.43.11 ua/2.1 os/linux#6.18.44-fc-v657 md/arch#x86_64 lang/python#3.11.7 "
        + "md/pyimpl#CPython m/N,D,Z,e,b cfg/retry-mode#legacy"

    static let putParameter = SignedRequest(
        method: "POST", path: "/", query: "",
        headers: [
            ("Host", "127.0.0.1:8750"),
            ("X-Amz-Target", "AmazonSSM.PutParameter"),
            ("Content-Type", "application/x-amz-json-1.1"),
            ("User-Agent", userAgent),
            ("X-Amz-Date", "20260301T093000Z"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/ssm/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                + "Signature=4e83110e9153f7b254c26eec082fa1c08a5b95588179907a2cf0b203bce7ec3d"),
            ("amz-sdk-invocation-id", "7bceb829-d66f-4dd3-9149-6fa53d3e213e"),
            ("amz-sdk-request", "attempt=1"),
            ("Content-Length", "100"),
        ],
        body: Array(#"{"Name": "/fleet/maintenance-window", "Value": "Sat 02:00 UTC", "Type": "String", "Overwrite": true}"#.utf8))

    static let describeInstances = SignedRequest(
        method: "POST", path: "/", query: "",
        headers: [
            ("Host", "127.0.0.1:8750"),
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("User-Agent", userAgent),
            ("X-Amz-Date", "20260301T093000Z"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/ec2/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=eec53cda5eb934d27d29965ad3b2c76ed31267f9f1f7ca2f657e729863ffef02"),
            ("amz-sdk-invocation-id", "47b5d191-fd15-4058-91d9-dad2425080be"),
            ("amz-sdk-request", "attempt=1"),
            ("Content-Length", "121"),
        ],
        body: Array(("Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AEnv&Filter.1.Value.1=prod+west"
                     + "&Filter.1.Value.2=a%2Fb%2Bc").utf8))

    static let queryAndPayloadHash = SignedRequest(
        method: "POST", path: "/foo%20bar/./baz", query: "b=two%20words&a=x%2Fy&A=~z&empty=&a=W",
        headers: [
            ("Host", "127.0.0.1:8750"),
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Content-SHA256", "4dbf305deae8b3f36de33813d080407548c5f046cb37b6543401e14df32538b3"),
            ("X-Amz-Date", "20260301T093000Z"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/events/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, "
                + "Signature=d090746a0ee3de066ae92867fc81601132e97446227bc08fcdb347d5f0b1ae27"),
        ],
        body: Array(#"{"Name":"n"}"#.utf8))

    static func verifier(now: Date = signedAt) -> SigV4Verifier {
        SigV4Verifier(credentials: FixedCredentials(credential), region: "us-east-1", now: { now })
    }

    @Test("botocore's SSM PutParameter (JSON 1.1) verifies")
    func ssmJSON() throws {
        let principal = try Self.verifier().verify(Self.putParameter)
        #expect(principal == Principal(accessKeyId: "AKIAIOSFODNN7EXAMPLE", name: "ci", role: .operator))
    }

    @Test("botocore's EC2 DescribeInstances (query protocol, form body) verifies")
    func ec2Query() throws {
        #expect(try Self.verifier().verify(Self.describeInstances).name == "ci")
    }

    @Test("a query string, a dot segment, an encoded path and x-amz-content-sha256 verify as botocore signed them")
    func queryPathAndPayloadHash() throws {
        #expect(try Self.verifier().verify(Self.queryAndPayloadHash).name == "ci")
    }

    @Test("within 15 minutes either way of the signing time it verifies; beyond, it does not")
    func skewWindow() throws {
        for offset in [-900.0, -1, 0, 1, 900] {
            #expect(throws: Never.self) { try Self.verifier(now: Self.signedAt.addingTimeInterval(offset)).verify(Self.putParameter) }
        }
        for offset in [-901.0, 901] {
            #expect(failure(Self.verifier(now: Self.signedAt.addingTimeInterval(offset)), Self.putParameter)?.code
                    == "InvalidSignatureException")
        }
    }

    @Test("a changed body fails the signature even though nothing else changed")
    func changedBody() throws {
        var changed = Self.putParameter
        changed.body = Array(#"{"Name": "/fleet/maintenance-window", "Value": "Sun 02:00 UTC", "Type": "String", "Overwrite": true}"#.utf8)
        #expect(failure(Self.verifier(), changed)?.code == "InvalidSignatureException")
    }

    @Test("unsigned headers may change; signed ones may not")
    func unsignedHeaders() throws {
        let otherAgent = Self.putParameter.replacingHeader("User-Agent", with: "aws-cli/2").replacingHeader("amz-sdk-request", with: "attempt=2")
        #expect(throws: Never.self) { try Self.verifier().verify(otherAgent) }
        let otherTarget = Self.putParameter.replacingHeader("X-Amz-Target", with: "AmazonSSM.DeleteParameter")
        #expect(failure(Self.verifier(), otherTarget)?.code == "InvalidSignatureException")
    }

    @Test("the operator may not put a parameter, and is told so as IAM tells it")
    func operatorRefused() throws {
        let verifier = Self.verifier()
        let principal = try verifier.verify(Self.putParameter)
        do {
            try verifier.authorize(principal, operation: "ssm:PutParameter")
            Issue.record("an operator must not put parameters")
        } catch {
            #expect(error.code == "AccessDeniedException")
            #expect(error.httpStatus == 400)
            #expect(error.message == "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
                    + "ssm:PutParameter on resource: arn:aws:ssm:us-east-1:123456789012:* because no identity-based "
                    + "policy allows the ssm:PutParameter action")
        }
        #expect(throws: Never.self) { try verifier.authorize(principal, operation: "ec2:StopInstances") }
    }
}
