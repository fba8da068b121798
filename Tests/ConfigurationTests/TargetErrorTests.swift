import SchedulerConfiguration
import Testing

/// A document with one rule whose first target is `target`, on line 5 and below, indented by
/// six spaces after the first line.
private func targetDocument(_ target: String) -> String {
    """
    rules:
      - name: r
        schedule_expression: rate(1 hour)
        targets:
          - \(target)
    """
}

@Suite("Errors in targets")
struct TargetErrorTests {
    @Test("bad target ids", arguments: ["\"a b\"", "\"x/y\"", "''", String(repeating: "i", count: 65)])
    func badID(id: String) throws {
        let error = try #require(parseError(targetDocument("log: true\n        id: \(id)")))
        #expect(error.code == .invalidValue)
        #expect(error.path == "rules[0].targets[0].id")
        #expect(error.line == 6)
        #expect(error.column == 13)
    }

    @Test("a target id used twice in one rule")
    func duplicateID() throws {
        let error = try #require(parseError(targetDocument("{id: same, log: true}\n      - {id: same, log: true}")))
        #expect(error.code == .duplicate)
        #expect(error.path == "rules[0].targets[1].id")
        #expect(error.line == 6)
    }

    @Test("the same target id in two rules is fine")
    func sameIDAcrossRules() throws {
        let configuration = try parse("""
            rules:
              - {name: a, schedule_expression: rate(1 hour), targets: [{id: log, log: true}]}
              - {name: b, schedule_expression: rate(1 hour), targets: [{id: log, log: true}]}
            """)
        #expect(configuration.rules.count == 2)
    }

    @Test("webhooks must be http or https URLs", arguments: [
        "ftp://example.com/x", "example.com/hook", "file:///tmp/x", "https://", "[a, b]",
    ])
    func badWebhook(url: String) throws {
        let error = try #require(parseError(targetDocument("id: hook\n        webhook: \(url)")))
        #expect(error.path == "rules[0].targets[0].webhook")
        #expect(error.line == 6)
        #expect(error.column == 18)
    }

    @Test("a webhook with its own timeout")
    func webhookTimeout() throws {
        let configuration = try parse(targetDocument("{id: hook, webhook: 'http://127.0.0.1:9000/x', timeout: 2500ms}"))
        #expect(configuration.rules[0].targets[0].kind
                == .webhook(url: "http://127.0.0.1:9000/x", timeout: .milliseconds(2_500)))
    }

    @Test("input with input_transformer is refused, as EventBridge does")
    func inputAndTransformer() throws {
        let error = try #require(parseError(targetDocument("""
            id: t
                    log: true
                    input: {a: 1}
                    input_transformer:
                      input_template: '"<a>"'
            """)))
        #expect(error.code == .conflict)
        #expect(error.path == "rules[0].targets[0].input_transformer")
        #expect(error.line == 8)
        #expect(error.column == 9)
    }

    @Test("input with input_path is refused too")
    func inputAndPath() throws {
        let error = try #require(parseError(targetDocument("{id: t, log: true, input_path: $.detail, input: '{}'}")))
        #expect(error.path == "rules[0].targets[0].input")
        #expect(error.line == 5)
    }

    @Test("retry policy bounds", arguments: [
        ("maximum_retry_attempts: 186", "maximum_retry_attempts"),
        ("maximum_retry_attempts: -1", "maximum_retry_attempts"),
        ("maximum_retry_attempts: three", "maximum_retry_attempts"),
        ("maximum_event_age_in_seconds: 59", "maximum_event_age_in_seconds"),
        ("maximum_event_age_in_seconds: 86401", "maximum_event_age_in_seconds"),
        ("maximum_event_age_in_seconds: 1h", "maximum_event_age_in_seconds"),
        ("maximum_retries: 3", "maximum_retries"),
    ])
    func retryBounds(setting: String, key: String) throws {
        let error = try #require(parseError(targetDocument("id: t\n        log: true\n        retry_policy:\n          \(setting)")))
        #expect(error.path == "rules[0].targets[0].retry_policy.\(key)")
        #expect(error.line == 8)
    }

    @Test("retry policy at its bounds")
    func retryAtBounds() throws {
        let low = try parse(targetDocument("""
            {id: t, log: true, retry_policy: {maximum_retry_attempts: 0, maximum_event_age_in_seconds: 60}}
            """))
        #expect(low.rules[0].targets[0].retryPolicy == RetryPolicy(maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60))
        let high = try parse(targetDocument("{id: t, log: true, retry_policy: {maximum_retry_attempts: 185}}"))
        #expect(high.rules[0].targets[0].retryPolicy == .default)
    }

    @Test("a target does exactly one thing")
    func kinds() throws {
        let none = try #require(parseError(targetDocument("{id: t, input: '{}'}")))
        #expect(none.code == .missingKey)
        #expect(none.path == "rules[0].targets[0]")
        #expect(none.line == 5)
        let two = try #require(parseError(targetDocument("{id: t, log: true, command: [/bin/true]}")))
        #expect(two.code == .conflict)
        #expect(two.path == "rules[0].targets[0].command")
        let off = try #require(parseError(targetDocument("{id: t, log: false}")))
        #expect(off.path == "rules[0].targets[0].log")
        let notBool = try #require(parseError(targetDocument("{id: t, log: yes}")))
        #expect(notBool.code == .wrongType)
    }

    @Test("a log target takes no timeout")
    func logTimeout() throws {
        let error = try #require(parseError(targetDocument("{id: t, log: true, timeout: 5s}")))
        #expect(error.path == "rules[0].targets[0].timeout")
    }

    @Test("bad command timeouts")
    func commandTimeout() throws {
        let error = try #require(parseError(targetDocument("""
            id: t
                    command: [/bin/true]
                    timeout: 1.5h
            """)))
        #expect(error.path == "rules[0].targets[0].timeout")
        #expect(error.line == 7)
        #expect(error.column == 18)
    }

    @Test("commands are non-empty lists of text", arguments: [
        ("command: /bin/true", "rules[0].targets[0].command"),
        ("command: []", "rules[0].targets[0].command"),
        ("command: ['', x]", "rules[0].targets[0].command[0]"),
        ("command: [/bin/echo, [nested]]", "rules[0].targets[0].command[1]"),
    ])
    func badCommand(setting: String, path: String) throws {
        let error = try #require(parseError(targetDocument("id: t\n        \(setting)")))
        #expect(error.path == path)
        #expect(error.line == 6)
    }

    @Test("command arguments are kept as written, numbers and words included")
    func commandText() throws {
        let configuration = try parse(targetDocument("{id: t, command: [/usr/bin/env, yes, 007, 1.50, 'true']}"))
        #expect(configuration.rules[0].targets[0].kind
                == .command(argv: ["/usr/bin/env", "yes", "007", "1.50", "true"], timeout: .seconds(30)))
    }

    @Test("input_path and input_transformer are checked and kept")
    func inputs() throws {
        let path = try parse(targetDocument("{id: t, log: true, input_path: $.detail}"))
        #expect(path.rules[0].targets[0].input == .path("$.detail"))

        let transformer = try parse(targetDocument("""
            id: t
                    log: true
                    input_transformer:
                      input_paths_map: {state: $.detail.state, at: $.detail.atTime}
                      input_template: '"calendar is <state> at <at>"'
            """))
        #expect(transformer.rules[0].targets[0].input == .transformer(InputTransformer(
            inputPathsMap: ["state": "$.detail.state", "at": "$.detail.atTime"],
            inputTemplate: "\"calendar is <state> at <at>\"")))

        let badPath = try #require(parseError(targetDocument("{id: t, log: true, input_path: detail.state}")))
        #expect(badPath.path == "rules[0].targets[0].input_path")
        let noTemplate = try #require(parseError(targetDocument(
            "{id: t, log: true, input_transformer: {input_paths_map: {a: $.a}}}")))
        #expect(noTemplate.path == "rules[0].targets[0].input_transformer.input_template")
        let badMapPath = try #require(parseError(targetDocument(
            "{id: t, log: true, input_transformer: {input_paths_map: {a: a}, input_template: x}}")))
        #expect(badMapPath.path == "rules[0].targets[0].input_transformer.input_paths_map.a")
        let badKey = try #require(parseError(targetDocument(
            "{id: t, log: true, input_transformer: {input_paths_map: {a b: $.a}, input_template: x}}")))
        #expect(badKey.path == "rules[0].targets[0].input_transformer.input_paths_map.a b")
    }

    @Test("the error description names file, line, column and path")
    func description() throws {
        let error = try #require(parseError(targetDocument("{id: t, command: [/bin/true], timeout: soon}")))
        #expect(error.description.hasPrefix("test.yaml:5:48: rules[0].targets[0].timeout: 'soon' is not a duration"))
    }
}
