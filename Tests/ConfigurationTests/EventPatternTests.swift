import SchedulerConfiguration
import Testing

@Suite("Event patterns and inputs as JSON")
struct EventPatternTests {
    static let expected = #"{"source":["aws.ssm"],"detail-type":["Calendar State Change"],"#
        + #""detail":{"state":["CLOSED"],"minutes":[{"numeric":[">=",0,"<",1.50]}],"#
        + #""flag":[{"exists":true}],"note":[null,"yes","on"]}}"#

    @Test("a YAML mapping and a JSON string normalize to the same compact JSON, in written order")
    func sameJSON() throws {
        let yamlPattern = try parse(ruleDocument(pattern: """

                  source: [aws.ssm]
                  detail-type: [Calendar State Change]
                  detail:
                    state: [CLOSED]
                    minutes: [{numeric: [">=", 0, "<", 1.50]}]
                    flag: [{exists: true}]
                    note: [null, yes, on]
            """))
        let jsonPattern = try parse(ruleDocument(pattern: """
             |
                  {
                    "source": ["aws.ssm"],
                    "detail-type": ["Calendar State Change"],
                    "detail": {
                      "state": ["CLOSED"],
                      "minutes": [{"numeric": [">=", 0, "<", 1.50]}],
                      "flag": [{"exists": true}],
                      "note": [null, "yes", "on"]
                    }
                  }
            """))
        let flowPattern = try parse(ruleDocument(pattern: """
             {"source": ["aws.ssm"], "detail-type": ["Calendar State Change"], "detail": {"state": ["CLOSED"], \
            "minutes": [{"numeric": [">=", 0, "<", 1.50]}], "flag": [{"exists": true}], "note": [~, "yes", "on"]}}
            """))
        #expect(yamlPattern.rules[0].eventPattern == Self.expected)
        #expect(jsonPattern.rules[0].eventPattern == Self.expected)
        #expect(flowPattern.rules[0].eventPattern == Self.expected)
    }

    @Test("keys keep the order they were written in, not sorted")
    func keyOrder() throws {
        let configuration = try parse(ruleDocument(pattern: " {zeta: [1], alpha: [2], mid: {b: [3], a: [4]}}"))
        #expect(configuration.rules[0].eventPattern == #"{"zeta":[1],"alpha":[2],"mid":{"b":[3],"a":[4]}}"#)
    }

    @Test("YAML numbers become JSON numbers", arguments: [
        ("+7", "7"), ("007", "7"), ("-0", "0"), ("0x1F", "31"), ("0o17", "15"), ("1.", "1"), (".5", "0.5"),
        ("-1.25e+3", "-1.25e+3"), ("1E3", "1E3"), ("123456789012345678901234567890", "123456789012345678901234567890"),
    ])
    func numbers(yaml: String, json: String) throws {
        let configuration = try parse(ruleDocument(pattern: " {n: [\(yaml)]}"))
        #expect(configuration.rules[0].eventPattern == #"{"n":["# + json + "]}")
    }

    @Test("text that needs escaping is escaped once")
    func escaping() throws {
        let configuration = try parse(ruleDocument(pattern: #" {"a\"b": ["tab\there", "back\\slash", "\u00e9\u0001", "\U0001F600"]}"#))
        #expect(configuration.rules[0].eventPattern == #"{"a\"b":["tab\there","back\\slash","é\u0001","😀"]}"#)
        let json = try parse(ruleDocument(pattern: #" '{"a\"b": ["tab\there", "back\\slash", "\u00e9\u0001", "\ud83d\ude00"]}'"#))
        #expect(json.rules[0].eventPattern == configuration.rules[0].eventPattern)
    }

    @Test("an event pattern must be an object")
    func notAnObject() throws {
        for pattern in [" [aws.ssm]", " '[\"aws.ssm\"]'", " aws.ssm", " 42"] {
            let error = try #require(parseError(ruleDocument(pattern: pattern)), "\(pattern)")
            #expect(error.path == "rules[0].event_pattern", "\(pattern)")
            #expect(error.line == 3, "\(pattern)")
        }
    }

    @Test("JSON errors point into the file", arguments: [
        // One line: the column of the bad character.
        (#" '{"source": ["aws.ssm"],}'"#, 3, 44),
        (#" '{"source": [aws.ssm]}'"#, 3, 33),
        // A `|` block: the line and column inside the block.
        (" |\n      {\n        \"source\": [\"aws.ssm\"]\n        \"detail\": {}\n      }", 6, 9),
    ])
    func jsonErrors(pattern: String, line: Int, column: Int) throws {
        let document = ruleDocument(pattern: pattern)
        let error = try #require(parseError(document))
        #expect(error.path == "rules[0].event_pattern")
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.message.hasPrefix("an event pattern is not valid JSON"))
    }

    @Test("JSON that YAML would accept but JSON does not", arguments: [
        #"{"a": [01]}"#, #"{"a": [1.]}"#, #"{"a": ['x']}"#, #"{"a": [1], "a": [2]}"#, #"{"a": "\x"}"#,
        #"{"a": "\ud83d"}"#, #"{"a": [tru]}"#, #"{"a": [1]} extra"#, #"{"a": [-]}"#, #"{"a" [1]}"#, "{\"a\": \"\t\"}",
    ])
    func strictJSON(json: String) throws {
        let quoted = "'" + json.replacingOccurrences(of: "'", with: "''") + "'"
        let error = try #require(parseError(ruleDocument(pattern: " " + quoted)))
        #expect(error.path == "rules[0].event_pattern")
        #expect(error.code == .invalidValue)
    }

    @Test("YAML values JSON cannot hold are refused", arguments: [" {a: [.inf]}", " {a: [.nan]}"])
    func unrepresentable(pattern: String) throws {
        let error = try #require(parseError(ruleDocument(pattern: pattern)))
        #expect(error.path == "rules[0].event_pattern.a[0]")
    }

    @Test("input: a JSON string and a YAML mapping give the same JSON; any JSON value is allowed")
    func inputs() throws {
        func input(_ text: String) throws -> TargetInput? {
            try parse("""
                rules:
                  - name: r
                    schedule_expression: rate(1 hour)
                    targets:
                      - {id: t, log: true, input: \(text)}
                """).rules.first?.targets.first?.input
        }
        #expect(try input(#"{action: stop, count: 2}"#) == .constant(json: #"{"action":"stop","count":2}"#))
        #expect(try input(#"'{"action": "stop", "count": 2}'"#) == .constant(json: #"{"action":"stop","count":2}"#))
        #expect(try input(#"'"just text"'"#) == .constant(json: #""just text""#))
        #expect(try input("[1, two]") == .constant(json: #"[1,"two"]"#))
        #expect(try input("5") == .constant(json: "5"))
        #expect(throws: ConfigurationError.self) { try input("not json") }
    }

    @Test("deeply nested JSON is refused instead of exhausting the stack")
    func depth() throws {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let error = try #require(parseError(ruleDocument(pattern: " '{\"a\": \(deep)}'")))
        #expect(error.message.contains("nested more than"))
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try parse(ruleDocument(pattern: " '{\"a\": \(fine)}'")).rules[0].eventPattern == "{\"a\":\(fine)}")
    }
}
