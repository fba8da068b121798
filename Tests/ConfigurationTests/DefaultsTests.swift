import SchedulerConfiguration
import Testing

@Suite("Defaults")
struct DefaultsTests {
    @Test("the documented defaults")
    func defaults() {
        let defaults = DaemonConfiguration.defaults
        #expect(defaults.listen.description == "127.0.0.1:8750")
        #expect(defaults.dataDirectory == "/var/lib/schedulerd")
        #expect(defaults.region == "us-east-1")
        #expect(defaults.accountID == "123456789012")
        #expect(defaults.defaultTimeZone == "UTC")
        #expect(defaults.logLevel == .info)
        #expect(defaults.calendarsDirectory == "/etc/schedulerd/calendars")
        #expect(defaults.runbooksDirectory == "/etc/schedulerd/runbooks")
        #expect(defaults.maxEventAge == .seconds(86_400))
        #expect(defaults.auth == .signatureV4(keyFile: nil, credentials: []))
        #expect(defaults.auth == .default)
        #expect(defaults.rules.isEmpty)
        #expect(DaemonConfiguration.defaultPath == "/etc/schedulerd/schedulerd.yaml")
    }

    @Test("an empty file, or one with only comments, is the defaults", arguments: ["", "\n", "# nothing yet\n", "---\n"])
    func emptyFile(text: String) throws {
        #expect(try parse(text) == .defaults)
    }

    @Test("null values mean 'not set'")
    func nullValues() throws {
        let configuration = try parse("""
            listen:
            data_dir: ~
            rules: null
            auth:
            """)
        #expect(configuration == .defaults)
    }

    @Test("calendars_dir and runbooks_dir default to calendars/ and runbooks/ beside the file; a relative one is taken from there")
    func calendarsBesideTheFile() throws {
        let configuration = try DaemonConfiguration.parse(yaml: "", file: "x.yaml", baseDirectory: "/srv/scheduler")
        #expect(configuration.calendarsDirectory == "/srv/scheduler/calendars")
        #expect(configuration.runbooksDirectory == "/srv/scheduler/runbooks")
        let set = try DaemonConfiguration.parse(yaml: "runbooks_dir: books", file: "x.yaml", baseDirectory: "/srv/scheduler")
        #expect(set.runbooksDirectory == "/srv/scheduler/books")
    }

    @Test("rule and target defaults")
    func ruleDefaults() throws {
        let configuration = try parse("""
            rules:
              - name: r
                schedule_expression: rate(5 minutes)
                targets:
                  - {id: log, log: true}
                  - {id: run, command: [/bin/true]}
                  - {id: hook, webhook: "https://example.com/hook"}
            """)
        let rule = try #require(configuration.rules.first)
        #expect(rule.description == "")
        #expect(rule.state == .enabled)
        #expect(rule.targets.map(\.kind) == [
            .log,
            .command(argv: ["/bin/true"], timeout: .seconds(30)),
            .webhook(url: "https://example.com/hook", timeout: .seconds(10)),
        ])
        #expect(rule.targets.allSatisfy { $0.input == .matchedEvent && $0.retryPolicy == .default })
        #expect(RetryPolicy.default == RetryPolicy(maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400))
    }

    @Test("a rule without targets is allowed")
    func noTargets() throws {
        let configuration = try parse("""
            rules:
              - name: r
                state: DISABLED
                schedule_expression: rate(1 day)
            """)
        #expect(configuration.rules.first?.targets == [])
        #expect(configuration.rules.first?.state == .disabled)
    }
}
