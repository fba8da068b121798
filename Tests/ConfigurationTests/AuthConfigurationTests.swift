import SchedulerConfiguration
import Testing

@Suite("The auth section")
struct AuthConfigurationTests {
    @Test("absent, null or an empty mapping: signed requests with the stored credentials")
    func absent() throws {
        #expect(try parse("log_level: info").auth == .default)
        #expect(try parse("auth:").auth == .default)
        #expect(try parse("auth: {}").auth == .default)
    }

    @Test("auth: none on a loopback address", arguments: [
        "127.0.0.1:8750", "127.1.2.3:80", "localhost:8750", "LocalHost:1", "\"[::1]:8750\"", "\"[::ffff:127.0.0.1]:80\"",
        "\"[0:0:0:0:0:0:0:1]:80\"",
    ])
    func noneOnLoopback(listen: String) throws {
        let configuration = try parse("listen: \(listen)\nauth: none")
        #expect(configuration.auth == .none)
        #expect(configuration.listen.isLoopback)
    }

    @Test("auth: none facing the network is refused at the auth line, wherever listen is written", arguments: [
        "0.0.0.0:8750", "\"[::]:8750\"", "192.168.1.10:8750", "10.0.0.1:80", "scheduler.example.com:8750",
        "128.0.0.1:80", "\"[fe80::1%eth0]:80\"", "\"[::ffff:10.0.0.1]:80\"", "127.1:80",
    ])
    func noneRefused(listen: String) throws {
        let after = try #require(parseError("listen: \(listen)\nlog_level: info\nauth: none"))
        #expect(after.code == .conflict)
        #expect(after.path == "auth")
        #expect(after.line == 3)
        #expect(after.column == 7)
        #expect(after.message.hasPrefix("auth: none lets anyone who can reach "))
        #expect(after.message.contains("loopback"))
        let before = try #require(parseError("auth: none\nlisten: \(listen)"))
        #expect(before.path == "auth")
        #expect(before.line == 1)
    }

    @Test("the default listen address allows auth: none")
    func defaultListen() throws {
        #expect(try parse("auth: none").auth == .none)
    }

    @Test("key_file is resolved against the file's directory, and credentials are read")
    func mapping() throws {
        let configuration = try parse("""
            auth:
              key_file: secrets/credentials.key
              credentials:
                - name: ci
                  access_key_id: AKIAEXAMPLECI0000001
                  secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
                  role: operator
                - {name: dashboards, access_key_id: 0123456789ABCDEF, secret_access_key: x, role: readonly}
            """)
        #expect(configuration.auth == .signatureV4(keyFile: "/etc/schedulerd/secrets/credentials.key", credentials: [
            ConfiguredCredential(name: "ci", accessKeyID: "AKIAEXAMPLECI0000001",
                                 secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", role: "operator"),
            ConfiguredCredential(name: "dashboards", accessKeyID: "0123456789ABCDEF", secretAccessKey: "x", role: "readonly"),
        ]))
        #expect(try parse("auth: {key_file: /var/lib/keys/k}").auth == .signatureV4(keyFile: "/var/lib/keys/k", credentials: []))
    }

    @Test("a configured credential prints without its secret")
    func secretNotPrinted() {
        let credential = ConfiguredCredential(name: "ci", accessKeyID: "AKIAEXAMPLECI0000001", secretAccessKey: "hunter2-secret",
                                              role: "operator")
        #expect(!"\(credential)".contains("hunter2"))
        #expect(!String(reflecting: credential).contains("hunter2"))
        #expect(!String(reflecting: AuthConfiguration.signatureV4(keyFile: nil, credentials: [credential])).contains("hunter2"))
    }

    @Test("errors in credentials name the field and line", arguments: [
        ("- {access_key_id: AKIAEXAMPLECI0000001, secret_access_key: s, role: admin}", "auth.credentials[0].name",
         ConfigurationError.Code.missingKey, "name is missing"),
        ("- {name: ci, access_key_id: AKIAEXAMPLECI0000001, secret_access_key: s, role: root}", "auth.credentials[0].role",
         .invalidValue, "'root' is not a role; use one of admin, operator, readonly"),
        ("- {name: ci, access_key_id: AKIASHORT, secret_access_key: s, role: admin}", "auth.credentials[0].access_key_id",
         .invalidValue, "16 to 128 upper-case letters and digits"),
        ("- {name: ci, access_key_id: akiaexampleci0000001, secret_access_key: s, role: admin}",
         "auth.credentials[0].access_key_id", .invalidValue, "16 to 128 upper-case letters and digits"),
        ("- {name: ci, access_key_id: AKIAEXAMPLECI0000001, secret_access_key: \"\", role: admin}",
         "auth.credentials[0].secret_access_key", .invalidValue, "must not be empty"),
        ("- {name: ci, access_key_id: AKIAEXAMPLECI0000001, role: admin}", "auth.credentials[0].secret_access_key",
         .missingKey, "secret_access_key is missing"),
        ("- {name: \"two words\", access_key_id: AKIAEXAMPLECI0000001, secret_access_key: s, role: admin}",
         "auth.credentials[0].name", .invalidValue, "is not a credential name"),
        ("- {name: ci, access_key_id: AKIAEXAMPLECI0000001, secret_access_key: s, role: admin, principal: x}",
         "auth.credentials[0].principal", .unknownKey, "unknown key 'principal'"),
        ("- {name: ci, access_key_id: AKIAEXAMPLECI0000001, secret_access_key: s, role: admin}\n"
            + "    - {name: ci, access_key_id: AKIAEXAMPLECI0000002, secret_access_key: s, role: admin}",
         "auth.credentials[1].name", .duplicate, "already used by credentials[0]"),
        ("- {name: a, access_key_id: AKIAEXAMPLECI0000001, secret_access_key: s, role: admin}\n"
            + "    - {name: b, access_key_id: AKIAEXAMPLECI0000001, secret_access_key: s, role: admin}",
         "auth.credentials[1].access_key_id", .duplicate, "already used by credentials[0]"),
    ])
    func credentialErrors(item: String, path: String, code: ConfigurationError.Code, message: String) throws {
        let error = try #require(parseError("region: us-east-1\nauth:\n  credentials:\n    \(item)"))
        #expect(error.path == path)
        #expect(error.code == code)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.line >= 4)
        #expect(error.description.hasPrefix("test.yaml:\(error.line):\(error.column): \(path): "))
    }

    @Test("errors in the mapping itself")
    func mappingErrors() throws {
        let unknown = try #require(parseError("auth:\n  keyfile: /x"))
        #expect(unknown.path == "auth.keyfile")
        #expect(unknown.message == "unknown key 'keyfile'; did you mean 'key_file'?")
        let emptyKey = try #require(parseError("auth:\n  key_file: \"\""))
        #expect(emptyKey.path == "auth.key_file")
        #expect(emptyKey.line == 2)
        let notList = try #require(parseError("auth:\n  credentials: {name: a}"))
        #expect(notList.path == "auth.credentials")
        #expect(notList.code == .wrongType)
        let notMapping = try #require(parseError("auth:\n  credentials: [ci]"))
        #expect(notMapping.path == "auth.credentials[0]")
    }

    @Test("ListenAddress.isLoopback for overrides")
    func loopbackHelper() {
        for text in ["127.0.0.1:1", "localhost:1", "[::1]:1", "127.255.255.254:1"] {
            #expect(ListenAddress(text)?.isLoopback == true, "\(text)")
        }
        for text in ["0.0.0.0:1", "[::]:1", "1.2.3.4:1", "example.com:1", "[::2]:1", "localhost.example.com:1"] {
            #expect(ListenAddress(text)?.isLoopback == false, "\(text)")
        }
    }
}
