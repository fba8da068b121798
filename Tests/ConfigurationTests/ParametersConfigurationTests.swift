import SchedulerConfiguration
import Testing

@Suite("The parameters section")
struct ParametersConfigurationTests {
    @Test("absent: the key file in the data directory and alias/aws/ssm only")
    func absent() throws {
        #expect(try parse("log_level: info").parameters == .default)
        #expect(try parse("parameters: {}").parameters == .default)
    }

    @Test("key_file resolved against the file's directory; key_env; kms_keys with aliases")
    func mapping() throws {
        let file = try parse("""
            parameters:
              key_file: secrets/parameters.key
              kms_keys:
                - key_id: 1234abcd-12ab-34cd-56ef-1234567890ab
                  aliases: [alias/app-secrets, alias/team/db]
                - {key_id: other_key}
            """)
        #expect(file.parameters.masterKeys == .file("/etc/schedulerd/secrets/parameters.key"))
        #expect(file.parameters.kmsKeys == [
            .init(keyID: "1234abcd-12ab-34cd-56ef-1234567890ab", aliases: ["alias/app-secrets", "alias/team/db"]),
            .init(keyID: "other_key", aliases: []),
        ])
        #expect(try parse("parameters: {key_env: SCHEDULERD_PARAMETER_KEYS}").parameters.masterKeys == .environment("SCHEDULERD_PARAMETER_KEYS"))
    }

    @Test("mistakes named at their line and column", arguments: [
        ("parameters:\n  key_file: /a\n  key_env: KEYS", ConfigurationError.Code.conflict, "parameters.key_env", 3),
        ("parameters:\n  key_env: 1KEYS", .invalidValue, "parameters.key_env", 2),
        ("parameters:\n  kms_keys:\n    - aliases: [alias/x]", .missingKey, "parameters.kms_keys[0].key_id", 3),
        ("parameters:\n  kms_keys:\n    - {key_id: 'bad id'}", .invalidValue, "parameters.kms_keys[0].key_id", 3),
        ("parameters:\n  kms_keys:\n    - {key_id: k, aliases: [app]}", .invalidValue, "parameters.kms_keys[0].aliases[0]", 3),
        ("parameters:\n  kms_keys:\n    - {key_id: k, aliases: [alias/aws/mine]}", .invalidValue, "parameters.kms_keys[0].aliases[0]", 3),
        ("parameters:\n  kms_keys:\n    - {key_id: k, aliases: [alias/a]}\n    - {key_id: j, aliases: [alias/a]}", .duplicate,
         "parameters.kms_keys[1]", 4),
        ("parameters:\n  key_fil: /a", .unknownKey, "parameters.key_fil", 2),
    ])
    func errors(yaml: String, code: ConfigurationError.Code, path: String, line: Int) throws {
        let error = try #require(parseError(yaml))
        #expect(error.code == code)
        #expect(error.path == path)
        #expect(error.line == line)
        #expect(error.description.hasPrefix("test.yaml:\(line):"))
    }
}
