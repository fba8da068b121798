import Foundation
import Parameters
import Testing

@Suite("Parameter names, labels, patterns, data types")
struct ParameterRulesTests {
    func validated(_ name: String) throws -> String {
        try ParameterName.validated(name, region: Fixture.region, account: Fixture.account)
    }

    @Test("/x and x are one parameter; the ARN never doubles the slash")
    func keysAndARNs() throws {
        #expect(ParameterName.key("/x") == ParameterName.key("x"))
        #expect(ParameterName.arn("/app/db", region: "us-east-1", account: "123456789012") == "arn:aws:ssm:us-east-1:123456789012:parameter/app/db")
        #expect(ParameterName.arn("plain", region: "us-east-1", account: "123456789012") == "arn:aws:ssm:us-east-1:123456789012:parameter/plain")
        #expect(try validated("  /app/prod/db-password_1.x  ") == "/app/prod/db-password_1.x", "surrounding spaces are trimmed")
    }

    @Test("reserved prefixes in AWS's words, /aws/... denied")
    func reservedPrefixes() {
        let plain = parameterError { _ = try validated("awsTestParameter") }
        #expect(plain?.code == "ValidationException")
        #expect(plain?.message == #"Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive)."#)
        #expect(parameterError { _ = try validated("SSM-testparameter") }?.code == "ValidationException")
        let path = parameterError { _ = try validated("/SSM/x") }
        #expect(path?.message.hasPrefix(#"Parameter name: can't be prefixed with "ssm" (case-insensitive). If formed as a path"#) == true)
        let denied = parameterError { _ = try validated("/aws/testparam1/x") }
        #expect(denied == ParameterError("AccessDeniedException", "No access to reserved parameter name: /aws/testparam1/x."))
        #expect(parameterError { _ = try validated("/awsome") }?.code == "ValidationException")
    }

    @Test("characters, interior spaces, empty levels and names not starting with a slash")
    func characters() {
        for name in ["my param", "a$b", "/app//x", "/app/x/", "app/x", "/app/ü"] {
            #expect(parameterError { _ = try validated(name) }?.code == "ValidationException", "\(name)")
        }
    }

    @Test("15 levels allowed, 16 refused with HierarchyLevelLimitExceededException")
    func depth() throws {
        let fifteen = "/" + (1...14).map { "L\($0)" }.joined(separator: "/") + "/name"
        #expect(ParameterName.depth(fifteen) == 15)
        _ = try validated(fifteen)
        let sixteen = "/L0" + fifteen
        #expect(parameterError { _ = try validated(sixteen) }?.code == "HierarchyLevelLimitExceededException")
    }

    @Test("1011 characters including arn:aws:ssm:REGION:ACCOUNT:parameter/")
    func length() throws {
        let prefix = "arn:aws:ssm:us-east-1:123456789012:parameter/".count
        let fits = "/" + String(repeating: "a", count: 1011 - prefix)
        _ = try validated(fits)
        #expect(parameterError { _ = try validated(fits + "b") }?.code == "ValidationException")
    }

    @Test("paths for GetParametersByPath, and what lies under them")
    func paths() throws {
        #expect(try ParameterName.validatedPath("/app/") == "/app")
        #expect(try ParameterName.validatedPath("/") == "/")
        #expect(parameterError { _ = try ParameterName.validatedPath("app") }?.code == "ValidationException")
        #expect(ParameterName.name("/app/x", isUnder: "/app", recursive: false))
        #expect(!ParameterName.name("/app/x/y", isUnder: "/app", recursive: false))
        #expect(ParameterName.name("/app/x/y", isUnder: "/app", recursive: true))
        #expect(!ParameterName.name("/apple", isUnder: "/app", recursive: true))
        #expect(ParameterName.name("plain", isUnder: "/", recursive: false), "plain is /plain")
    }

    @Test("selectors: name:version, name:label, ARNs")
    func selectors() {
        let region = Fixture.region, account = Fixture.account
        #expect(ParameterReference("/a/b:3", region: region, account: account) == ParameterReference(name: "/a/b", selector: .version(3)))
        #expect(ParameterReference("b:prod", region: region, account: account) == ParameterReference(name: "b", selector: .label("prod")))
        #expect(ParameterReference("arn:aws:ssm:us-east-1:123456789012:parameter/a/b:2", region: region, account: account)?.key == "a/b")
        #expect(ParameterReference("arn:aws:ssm:eu-west-1:123456789012:parameter/a", region: region, account: account) == nil)
        #expect(ParameterReference("a:1:2", region: region, account: account) == nil)
        #expect(ParameterReference.Selector.version(7).text == ":7")
    }

    @Test("labels: letters, digits, . - _; not a digit, aws or ssm first; at most 100")
    func labels() {
        for label in ["prod", "Release-1.2_x", String(repeating: "a", count: 100)] { #expect(ParameterLabel.isValid(label), "\(label)") }
        for label in ["1st", "awsLabel", "SSMx", "has space", "a/b", String(repeating: "a", count: 101), ""] {
            #expect(!ParameterLabel.isValid(label), "\(label)")
        }
    }

    @Test("allowed patterns match the whole value; a bad pattern is InvalidAllowedPatternException")
    func patterns() throws {
        let digits = try AllowedPattern(#"\d{1,4}"#)
        #expect(digits.admits("1234"))
        #expect(!digits.admits("10000"))
        #expect(!digits.admits("12\n"))
        #expect(parameterError { try digits.check("10000") } ==
                ParameterError("ParameterPatternMismatchException", #"Parameter value, cannot be validated against allowedPattern: \d{1,4}"#))
        #expect(try AllowedPattern("a|ab").admits("ab"))
        #expect(parameterError { _ = try AllowedPattern("a)(b") }?.code == "InvalidAllowedPatternException")
        #expect(parameterError { _ = try AllowedPattern("[unclosed") }?.code == "InvalidAllowedPatternException")
    }

    @Test("aws:ec2:image values are AMI ids of String parameters; other data types are refused")
    func dataTypes() throws {
        #expect(parameterError { _ = try ParameterDataType.parse("AWS:EC2:IMAGE") }?.message
                == "The following data type is not supported: AWS:EC2:IMAGE (Data type names are all lowercase.)")
        let store = try Fixture.store()
        _ = try store.put(PutParameterRequest(name: "/ami/good", value: "ami-0123456789abcdef0", type: .string, dataType: "aws:ec2:image"),
                          user: Fixture.user, now: Fixture.now)
        _ = try store.put(PutParameterRequest(name: "/ami/short", value: "ami-12345678", type: .string, dataType: "aws:ec2:image"),
                          user: Fixture.user, now: Fixture.now)
        for value in ["ami-xyz", "i-0123456789abcdef0", "ami-0123456789ABCDEF0"] {
            #expect(parameterError {
                _ = try store.put(PutParameterRequest(name: "/ami/bad", value: value, type: .string, dataType: "aws:ec2:image"),
                                  user: Fixture.user, now: Fixture.now)
            }?.code == "ValidationException", "\(value)")
        }
        #expect(try store.get("/ami/good", decrypt: false).dataType == "aws:ec2:image")
    }
}
