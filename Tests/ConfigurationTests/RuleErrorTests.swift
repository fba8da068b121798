import SchedulerConfiguration
import Testing

@Suite("Errors in rules")
struct RuleErrorTests {
    @Test("a rule with both an event pattern and a schedule is refused at the second")
    func bothTriggers() throws {
        let error = try #require(parseError("""
            rules:
              - name: both
                event_pattern: {source: [aws.ssm]}
                schedule_expression: rate(1 hour)
            """))
        #expect(error.code == .conflict)
        #expect(error.path == "rules[0].schedule_expression")
        #expect(error.line == 4)
        #expect(error.column == 5)
    }

    @Test("a rule with neither is refused at the rule")
    func noTrigger() throws {
        let error = try #require(parseError("""
            rules:
              - name: ok
                schedule_expression: rate(1 hour)
              - name: idle
                description: does nothing
            """))
        #expect(error.code == .missingKey)
        #expect(error.path == "rules[1]")
        #expect(error.line == 4)
        #expect(error.message.contains("event_pattern"))
    }

    @Test("six targets are one too many")
    func sixTargets() throws {
        let error = try #require(parseError("""
            rules:
              - name: crowded
                schedule_expression: rate(1 hour)
                targets:
                  - {id: t1, log: true}
                  - {id: t2, log: true}
                  - {id: t3, log: true}
                  - {id: t4, log: true}
                  - {id: t5, log: true}
                  - {id: t6, log: true}
            """))
        #expect(error.code == .tooMany)
        #expect(error.path == "rules[0].targets[5]")
        #expect(error.line == 10)
        #expect(error.message.contains("at most 5 targets"))
    }

    @Test("a rule name used twice is refused at the second use, naming the first")
    func duplicateName() throws {
        let error = try #require(parseError("""
            rules:
              - name: nightly
                schedule_expression: rate(1 hour)
              - name: other
                schedule_expression: rate(1 hour)
              - name: nightly
                schedule_expression: rate(2 hours)
            """))
        #expect(error.code == .duplicate)
        #expect(error.path == "rules[2].name")
        #expect(error.line == 6)
        #expect(error.column == 11)
        #expect(error.message.contains("rules[0] (line 2)"))
    }

    @Test("bad rule names", arguments: [
        "has space", "slash/name", "\"\"", "caf\u{E9}", String(repeating: "n", count: 65),
    ])
    func badName(name: String) throws {
        let error = try #require(parseError("""
            rules:
              - schedule_expression: rate(1 hour)
                name: \(name)
            """))
        #expect(error.code == .invalidValue)
        #expect(error.path == "rules[0].name")
        #expect(error.line == 3)
        #expect(error.column == 11)
    }

    @Test("a name of 64 allowed characters is fine")
    func longestName() throws {
        let name = "A.b-c_9" + String(repeating: "x", count: 57)
        let configuration = try parse("rules:\n  - {name: \(name), schedule_expression: rate(1 hour)}")
        #expect(configuration.rules.first?.name == name)
    }

    @Test("a rule without a name")
    func missingName() throws {
        let error = try #require(parseError("rules:\n  - schedule_expression: rate(1 hour)\n"))
        #expect(error.code == .missingKey)
        #expect(error.path == "rules[0].name")
        #expect(error.line == 2)
    }

    @Test("a misspelt rule key")
    func unknownRuleKey() throws {
        let error = try #require(parseError("""
            rules:
              - name: r
                schedule_expresion: rate(1 hour)
            """))
        #expect(error.code == .unknownKey)
        #expect(error.path == "rules[0].schedule_expresion")
        #expect(error.line == 3)
        #expect(error.message.contains("did you mean 'schedule_expression'?"))
    }

    @Test("a state other than ENABLED or DISABLED")
    func badState() throws {
        let error = try #require(parseError("rules:\n  - {name: r, state: enabled, schedule_expression: rate(1 hour)}"))
        #expect(error.path == "rules[0].state")
        #expect(error.message.contains("ENABLED or DISABLED"))
    }

    @Test("a description over 512 characters")
    func longDescription() throws {
        let description = String(repeating: "d", count: 513)
        let error = try #require(parseError("""
            rules:
              - name: r
                schedule_expression: rate(1 hour)
                description: \(description)
            """))
        #expect(error.path == "rules[0].description")
        #expect(error.line == 4)
        let fits = try parse("rules:\n  - {name: r, schedule_expression: x, description: \(description.dropLast())}")
        #expect(fits.rules.first?.description.count == 512)
    }

    @Test("rules must be a list of mappings")
    func rulesShape() throws {
        let mapping = try #require(parseError("rules:\n  nightly: {schedule_expression: rate(1 hour)}\n"))
        #expect(mapping.code == .wrongType)
        #expect(mapping.path == "rules")
        #expect(mapping.line == 2)
        let text = try #require(parseError("rules:\n  - nightly\n"))
        #expect(text.path == "rules[0]")
        #expect(text.code == .wrongType)
    }

    @Test("an empty schedule expression")
    func emptySchedule() throws {
        let error = try #require(parseError("rules:\n  - {name: r, schedule_expression: ''}"))
        #expect(error.path == "rules[0].schedule_expression")
    }

    @Test("patternError places the event bus's complaint at the pattern")
    func patternError() throws {
        let configuration = try parse("""
            rules:
              - name: a
                schedule_expression: rate(1 hour)
              - name: b
                event_pattern: {detail: {n: [{numeric: [">", "x"]}]}}
            """)
        let rule = configuration.rules[1]
        let error = rule.patternError("numeric needs a number", file: "schedulerd.yaml", ruleIndex: 1)
        #expect(error.description == "schedulerd.yaml:5:5: rules[1].event_pattern: numeric needs a number")
    }
}
