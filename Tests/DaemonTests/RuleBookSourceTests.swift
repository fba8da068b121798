import Daemon
import Foundation
import Store
import Testing

/// `RuleBook` skips events whose source and detail type no rule lists (without parsing them);
/// it must never skip one a rule could match.
@Suite("Rule book: events no rule lists")
struct RuleBookSourceTests {
    func book(_ patterns: [String: String], disabled: Set<String> = []) throws -> RuleBook {
        try RuleBook(records: patterns.map { name, pattern in
            RuleRecord(name: name, description: "", state: disabled.contains(name) ? "DISABLED" : "ENABLED", eventPattern: pattern,
                       scheduleExpression: nil, origin: "api", targets: "[]")
        })
    }

    func event(_ source: String, state: String = "stopped", type: String = "EC2 Instance State-change Notification") throws -> EventEnvelope {
        try EventEnvelope(detailType: type, source: source, account: "123456789012",
                          region: "us-east-1", time: Date(timeIntervalSince1970: 0), resources: [],
                          detailJSON: #"{"instance-id":"i-0123456789abcdef0","state":"\#(state)"}"#)
    }

    @Test func listedSourcesAreTheOnlyOnesMatched() throws {
        let rules = try book([
            "calendar": #"{"source": ["aws.ssm"], "detail-type": ["Calendar State Change"]}"#,
            "stopped": #"{"source": ["aws.ec2", "aws.rds"], "detail": {"state": ["stopped"]}}"#,
            "off": #"{"source": ["custom.app"]}"#,
        ], disabled: ["off"])
        #expect(rules.matchingRules(for: try event("aws.ec2")) == ["stopped"])
        #expect(rules.matchingRules(for: try event("aws.ec2", state: "running")) == [])
        #expect(rules.matchingRules(for: try event("aws.s3")) == [])
        #expect(rules.matchingRules(for: try event("custom.app")) == [])   // its rule is disabled
        #expect(rules.matchingRules(for: try event("aws.ssm", state: "CLOSED", type: "Calendar State Change")) == ["calendar"])
        #expect(rules.matchingRules(for: try event("aws.ssm", type: "EC2 Automation Step Status-change Notification")) == [])
    }

    @Test func listedDetailTypesAloneAreEnough() throws {
        let rules = try book(["steps": #"{"detail-type": ["EC2 Automation Step Status-change Notification"]}"#])
        #expect(rules.matchingRules(for: try event("aws.ssm", type: "EC2 Automation Step Status-change Notification")) == ["steps"])
        #expect(rules.matchingRules(for: try event("aws.ssm")) == [])
    }

    @Test func aRuleThatMayMatchAnySourceIsAlwaysAsked() throws {
        for pattern in [#"{"source": [{"prefix": "aws."}]}"#, #"{"detail": {"state": ["stopped"]}}"#,
                        #"{"detail-type": [{"prefix": "EC2 "}]}"#, #"{"source": ["aws.ec2"], "detail-type": [{"suffix": "Notification"}]}"#,
                        #"{"$or": [{"source": ["aws.ssm"]}, {"detail": {"state": ["stopped"]}}]}"#,
                        #"{"source": [{"anything-but": "aws.ssm"}]}"#] {
            let rules = try book(["calendar": #"{"source": ["aws.ssm"]}"#, "wide": pattern])
            #expect(rules.matchingRules(for: try event("aws.ec2")) == ["wide"], "\(pattern)")
        }
    }
}
