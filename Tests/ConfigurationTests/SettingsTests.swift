import SchedulerConfiguration
import Testing

@Suite("Top-level settings")
struct SettingsTests {
    @Test("every key is read")
    func everyKey() throws {
        let configuration = try parse("""
            listen: "[::1]:9000"
            data_dir: /srv/schedulerd
            region: eu-central-2
            account_id: 000000000042
            default_timezone: Europe/Berlin
            log_level: debug
            calendars_dir: /srv/calendars
            max_event_age: 1h30m
            auth:
              credentials:
                - {name: admin, access_key_id: AKIDEXAMPLE00000, secret_access_key: s3cret, role: admin}
            """)
        #expect(configuration.listen == ListenAddress(host: "::1", port: 9000))
        #expect(configuration.dataDirectory == "/srv/schedulerd")
        #expect(configuration.region == "eu-central-2")
        // Read as written: a YAML 1.1 reader would take the leading zeros for octal.
        #expect(configuration.accountID == "000000000042")
        #expect(configuration.defaultTimeZone == "Europe/Berlin")
        #expect(configuration.logLevel == .debug)
        #expect(configuration.calendarsDirectory == "/srv/calendars")
        #expect(configuration.maxEventAge == .seconds(5_400))
        #expect(configuration.auth == .signatureV4(keyFile: nil, credentials: [
            ConfiguredCredential(name: "admin", accessKeyID: "AKIDEXAMPLE00000", secretAccessKey: "s3cret", role: "admin"),
        ]))
    }

    @Test("regions of every shape AWS uses", arguments: ["us-east-1", "us-gov-west-1", "cn-north-1", "ap-southeast-4",
                                                         "eusc-de-east-1", "us-isob-east-1"])
    func regions(region: String) throws {
        #expect(try parse("region: \(region)").region == region)
    }

    @Test("durations", arguments: [
        ("30s", Duration.seconds(30)), ("5m", .seconds(300)), ("24h", .seconds(86_400)),
        ("1h30m", .seconds(5_400)), ("500ms", .milliseconds(500)), ("90", .seconds(90)),
        ("1m30s250ms", .milliseconds(90_250)), ("\"45\"", .seconds(45)), ("30d", .seconds(2_592_000)),
        ("1d12h", .seconds(129_600)),
    ])
    func durations(text: String, expected: Duration) throws {
        #expect(try parse("max_event_age: \(text)").maxEventAge == expected)
    }

    @Test("history_retention: 30 days unless set; a duration, or forever to keep everything")
    func historyRetention() throws {
        #expect(try parse("log_level: info").historyRetention == .seconds(30 * 86_400))
        #expect(try parse("history_retention: 90d").historyRetention == .seconds(90 * 86_400))
        #expect(try parse("history_retention: forever").historyRetention == nil)
        let error = try #require(parseError("history_retention: never"))
        #expect(error.path == "history_retention")
        #expect(error.message.contains("'never' is not a duration"))
        #expect(error.message.contains("or forever, to keep everything"))
    }

    @Test("listen addresses", arguments: [
        ("127.0.0.1:8750", "127.0.0.1", 8750), ("localhost:80", "localhost", 80), ("0.0.0.0:0", "0.0.0.0", 0),
        ("\"[::]:8750\"", "::", 8750), ("'[fe80::1%eth0]:65535'", "fe80::1%eth0", 65_535),
    ])
    func listenAddresses(text: String, host: String, port: Int) throws {
        let listen = try parse("listen: \(text)").listen
        #expect(listen.host == host)
        #expect(listen.port == port)
    }

    @Test("ListenAddress reads and writes the same text as the file")
    func listenAddressText() {
        #expect(ListenAddress("[::1]:8750")?.description == "[::1]:8750")
        #expect(ListenAddress("localhost:8750")?.description == "localhost:8750")
        #expect(ListenAddress("::1:8750") == nil)
        #expect(ListenAddress("localhost") == nil)
    }
}
