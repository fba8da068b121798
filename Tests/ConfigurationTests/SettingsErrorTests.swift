import SchedulerConfiguration
import Testing

@Suite("Errors in top-level settings")
struct SettingsErrorTests {
    @Test("an unknown key is refused at its line, with the likely key")
    func unknownKey() throws {
        let error = try #require(parseError("""
            listen: 127.0.0.1:8750
            data_dir: /tmp/x

            listn: 127.0.0.1:9000
            """))
        #expect(error.code == .unknownKey)
        #expect(error.path == "listn")
        #expect(error.line == 4)
        #expect(error.column == 1)
        #expect(error.message == "unknown key 'listn'; did you mean 'listen'?")
        #expect(error.description == "test.yaml:4:1: listn: unknown key 'listn'; did you mean 'listen'?")
    }

    @Test("an unknown key with no near match lists the keys allowed there")
    func unknownKeyWithoutSuggestion() throws {
        let error = try #require(parseError("colour: blue"))
        #expect(error.path == "colour")
        #expect(error.message.contains("the keys here are listen, data_dir"))
    }

    @Test("YAML syntax errors carry the parser's line", arguments: [
        ("listen: 127.0.0.1:8750\nrules:\n  - name: a\n   bad: indentation\n", 4),
        ("log_level: info\nregion: [us-east-1\ndata_dir: /x\n", 3),
        ("data_dir: \"unterminated\n", 2),
        ("a: 1\n---\nb: 2\n", 2),
    ])
    func syntax(text: String, line: Int) throws {
        let error = try #require(parseError(text))
        #expect(error.code == .syntax)
        #expect(error.path == "")
        #expect(error.line == line)
        #expect(error.message.hasPrefix("YAML syntax: "))
        #expect(error.description.hasPrefix("test.yaml:\(line):"))
    }

    @Test("a key written twice is refused")
    func duplicateKey() throws {
        let error = try #require(parseError("region: us-east-1\nlog_level: info\nregion: eu-west-1\n"))
        #expect(error.code == .syntax)
        #expect(error.message == "YAML syntax: the key 'region' appears again in the same mapping (first at line 1); "
                + "keep one")
        #expect(error.line == 3)
        let nested = try #require(parseError("""
            rules:
              - name: a
                schedule_expression: rate(1 hour)
                name: b
            """))
        #expect(nested.line == 4)
        #expect(nested.column == 5)
        let flow = try #require(parseError("rules: [{name: a, name: b}]"))
        #expect(flow.line == 1)
    }

    @Test("the document must be a mapping")
    func rootShape() throws {
        let error = try #require(parseError("- listen\n- data_dir\n"))
        #expect(error.code == .wrongType)
        #expect(error.path == "")
        #expect(error.line == 1)
        #expect(error.description.hasPrefix("test.yaml:1:1: expected a mapping"))
    }

    @Test("bad listen addresses", arguments: [
        "listen: 8750", "listen: 127.0.0.1", "listen: :8750", "listen: 127.0.0.1:65536", "listen: 127.0.0.1:http",
        "listen: ::1:8750", "listen: \"[::1]8750\"", "listen: \"[::1\"", "listen: \"[not-v6]:80\"",
        "listen: bad host:80", "listen: [\"::1\"]",
    ])
    func badListen(text: String) throws {
        let error = try #require(parseError("log_level: info\n" + text))
        #expect(error.path == "listen")
        #expect(error.line == 2)
        #expect(error.column == 9)
    }

    @Test("an unquoted IPv6 address gets a hint about quoting")
    func unquotedIPv6() throws {
        let error = try #require(parseError("log_level: info\nlisten: [::1]:8750"))
        #expect(error.code == .syntax)
        #expect(error.path == "listen")
        #expect(error.line == 2)
        #expect(error.message.contains("must be quoted"))
    }

    @Test("bad durations", arguments: [
        "10 minutes", "1.5h", "30m1h", "1h1h", "5x", "0", "0s", "-5s", "h", "1w", "1h1d", "99999999999999999999", "[1, 2]",
    ])
    func badDuration(text: String) throws {
        let error = try #require(parseError("# comment\nmax_event_age: \(text)"))
        #expect(error.path == "max_event_age")
        #expect(error.line == 2)
        #expect(error.column == 16)
    }

    @Test("bad regions", arguments: ["US-EAST-1", "useast1", "us-east", "us-east-one", "u-east-1", "us--east-1"])
    func badRegion(text: String) throws {
        let error = try #require(parseError("region: \(text)"))
        #expect(error.path == "region")
        #expect(error.code == .invalidValue)
    }

    @Test("bad account ids", arguments: ["12345678901", "1234567890123", "12345678901a", "\"\""])
    func badAccount(text: String) throws {
        let error = try #require(parseError("account_id: \(text)"))
        #expect(error.path == "account_id")
    }

    @Test("bad log level names the allowed levels")
    func badLogLevel() throws {
        let error = try #require(parseError("log_level: verbose"))
        #expect(error.path == "log_level")
        #expect(error.message.contains("trace, debug, info, notice, warning, error, critical"))
    }

    @Test("an empty default_timezone is refused")
    func emptyZone() throws {
        let error = try #require(parseError("default_timezone: \"\""))
        #expect(error.path == "default_timezone")
    }

    @Test("auth is none or a mapping", arguments: ["auth: basic", "auth: [a]", "auth: true", "auth: None"])
    func badAuth(text: String) throws {
        let error = try #require(parseError(text))
        #expect(error.path == "auth")
        #expect(error.code == .wrongType)
    }

    @Test("'~' in a directory is refused rather than guessed")
    func tildePath() throws {
        let error = try #require(parseError("data_dir: ~/schedulerd"))
        #expect(error.path == "data_dir")
        #expect(error.message.contains("full path"))
    }

    @Test("unsupported YAML features are refused where they appear")
    func unsupportedYAML() throws {
        let merge = try #require(parseError("base: &b {log_level: info}\n<<: *b\n"))
        #expect(merge.line == 2)
        #expect(merge.message.contains("merge keys"))
        let mergeInRule = try #require(parseError("""
            rules:
              - <<: {name: a}
                schedule_expression: rate(1 hour)
            """))
        #expect(mergeInRule.path == "rules[0]")
        #expect(mergeInRule.line == 2)
        #expect(mergeInRule.message.contains("merge keys"))
        let tag = try #require(parseError("region: !!binary dXMtZWFzdC0x"))
        #expect(tag.path == "region")
        #expect(tag.message.contains("tag"))
    }

    @Test("aliases may share values, but not expand without bound")
    func aliases() throws {
        let shared = try parse("""
            rules:
              - name: a
                schedule_expression: rate(1 hour)
                targets: &log [{id: log, log: true}]
              - name: b
                schedule_expression: rate(2 hours)
                targets: *log
            """)
        #expect(shared.rules[1].targets == shared.rules[0].targets)

        var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...6 {
            let previous = "*a\(level - 1)"
            bomb += "a\(level): &a\(level) [" + Array(repeating: previous, count: 10).joined(separator: ", ") + "]\n"
        }
        let error = try #require(parseError(bomb))
        #expect(error.message.contains("more than 100000 values"))
    }
}
