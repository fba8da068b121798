import EventBus
import Testing

@Suite("RuleMatcher")
struct RuleMatcherTests {
    func matcher(_ rules: [(String, String)]) throws -> RuleMatcher<String> {
        RuleMatcher(try rules.map { ($0.0, try EventPattern(json: $0.1)) })
    }

    @Test func returnsMatchingRulesInTheOrderGiven() throws {
        let rules = try matcher([
            ("closed", #"{"source": ["aws.ssm"], "detail": {"state": ["CLOSED"]}}"#),
            ("any-ssm", #"{"source": ["aws.ssm"]}"#),
            ("ec2", #"{"source": ["aws.ec2"]}"#),
            ("no-state", #"{"detail": {"state": [{"exists": false}]}}"#),
            ("ip", #"{"detail": {"ip": [{"cidr": "10.0.0.0/8"}]}}"#),
        ])
        #expect(rules.count == 5)
        #expect(rules.matchingRules(for: try json(#"{"source": "aws.ssm", "detail": {"state": "CLOSED"}}"#)) == ["closed", "any-ssm"])
        #expect(rules.matchingRules(for: try json(#"{"source": "aws.ssm", "detail": {"state": "OPEN"}}"#)) == ["any-ssm"])
        #expect(rules.matchingRules(for: try json(#"{"source": "aws.ec2", "detail": {"ip": "10.1.2.3"}}"#)) == ["ec2", "no-state", "ip"])
        #expect(rules.matchingRules(for: try json(#"{"source": "other", "detail": {"state": "x"}}"#)).isEmpty)
    }

    @Test func aRuleWithSeveralPatternsMatchesWhenAnyDoes() throws {
        let rules = try matcher([
            ("r", #"{"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}}"#),
            ("r", #"{"detail": {"x-limit": [{"numeric": ["=", 3.018e2]}]}}"#),
            ("other", #"{"source": ["x"]}"#),
        ])
        #expect(rules.count == 2)
        #expect(rules.matchingRules(for: try json(#"{"detail": {"c-count": 2}}"#)) == ["r"])
        #expect(rules.matchingRules(for: try json(#"{"detail": {"x-limit": 301.8, "c-count": 2}}"#)) == ["r"])
        #expect(rules.matchingRules(for: try json(#"{"detail": {"c-count": 9}}"#)).isEmpty)
    }

    @Test func addingAndRemovingBuildNewMatchers() throws {
        let empty = RuleMatcher<Int>()
        let event = try json(#"{"source": "aws.ssm"}"#)
        #expect(empty.matchingRules(for: event).isEmpty)
        let one = empty.adding(1, pattern: try EventPattern(json: #"{"source": ["aws.ssm"]}"#))
        let two = one.adding(2, pattern: try EventPattern(json: #"{"source": [{"prefix": "aws."}]}"#))
        #expect(one.matchingRules(for: event) == [1])
        #expect(two.matchingRules(for: event) == [1, 2])
        #expect(two.removing(1).matchingRules(for: event) == [2])
        #expect(empty.matchingRules(for: event).isEmpty)
    }

    @Test func manyCandidatesComeBackInRuleOrder() throws {
        // Every other rule has no anchor (only exists: false), so all of them are evaluated.
        let rules = try matcher((0..<120).map { index in
            index % 2 == 0 ? ("r\(index)", #"{"gone": [{"exists": false}]}"#) : ("r\(index)", #"{"n": [{"numeric": ["<", \#(index)]}]}"#)
        })
        let event = try json(#"{"n": 60}"#)
        let expected = (0..<120).filter { $0 % 2 == 0 || 60 < $0 }.map { "r\($0)" }
        #expect(rules.matchingRules(for: event) == expected)
    }

    @Test func nonObjectEventsHaveNoFields() throws {
        let rules = try matcher([("absent", #"{"a": [{"exists": false}]}"#), ("present", #"{"a": [1]}"#)])
        #expect(rules.matchingRules(for: "just a string") == ["absent"])
        #expect(rules.matchingRules(for: [1, 2]) == ["absent"])
    }

    @Test func arraysOfObjectsAreMatchedConsistently() throws {
        let rules = try matcher([
            ("anna-smith", #"{"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}}"#),
            ("anna-jones", #"{"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}}"#),
            ("anyone", #"{"employees": {"firstName": [{"exists": true}]}}"#),
        ])
        let event = try json(#"{"employees": [{"firstName": "Anna", "lastName": "Smith"}, {"firstName": "Peter", "lastName": "Jones"}]}"#)
        #expect(rules.matchingRules(for: event) == ["anna-smith", "anyone"])
    }

    @Test func concurrentReadersSeeTheSameAnswers() async throws {
        let rules = try matcher((0..<200).map { ("rule-\($0)", #"{"source": ["s\#($0 % 20)"], "detail": {"n": [{"numeric": [">", \#($0)]}]}}"#) })
        let events = try (0..<50).map { try json(#"{"source": "s\#($0 % 20)", "detail": {"n": \#($0 * 4)}}"#) }
        let expected = events.map { rules.matchingRules(for: $0) }
        let agreed = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    events.indices.allSatisfy { rules.matchingRules(for: events[$0]) == expected[$0] }
                }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(agreed)
        #expect(expected.contains { !$0.isEmpty })
    }
}
