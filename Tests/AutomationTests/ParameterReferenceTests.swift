import Automation
import EventBus
import Foundation
import Parameters
import Store
import Testing

/// `{{ssm:NAME}}`, `{{ssm:NAME:VERSION}}` and `{{ssm-secure:NAME}}` in runbook parameters and
/// step inputs, read from the Parameter Store when the execution (or the step) starts.
@Suite("Parameter Store references in automations")
struct ParameterReferenceTests {
    /// Echoes what it is given, so the step's Output shows what the action received.
    static let echo = """
        schemaVersion: '0.3'
        parameters:
          Image: {type: String, default: none}
          Hosts: {type: StringList, default: []}
          Region: {type: String, default: '{{ssm:/app/region}}'}
        mainSteps:
          - name: show
            action: aws:runCommand
            inputs:
              DocumentName: AWS-RunShellScript
              InstanceIds: [i-local]
              Parameters:
                commands: ['echo "{{ Image }}|{{ Hosts }}|{{ Region }}|{{ssm:/app/region}}"']
        """

    func put(_ store: ParameterStore, _ name: String, _ value: String, _ type: ParameterType = .string, overwrite: Bool = false) throws {
        _ = try store.put(PutParameterRequest(name: name, value: value, type: overwrite ? nil : type, overwrite: overwrite),
                          user: "tester", now: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test("{{ssm:}} resolves at start, with a version selector, a StringList as a list, and in a default and a step input")
    func plainReferences() async throws {
        let harness = try Harness()
        try put(harness.parameters, "/app/ami", "ami-0000000000000000a")
        try put(harness.parameters, "/app/ami", "ami-0000000000000000b", overwrite: true)
        try put(harness.parameters, "/app/hosts", "web-1,web-2", .stringList)
        try put(harness.parameters, "/app/region", "eu-west-1")
        try harness.document("echo", Self.echo)

        let id = try harness.start("echo", ["Image": ["{{ssm:/app/ami:1}}"], "Hosts": ["{{ssm:/app/hosts}}", "db-1"]])
        let record = try await harness.finished(id)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        let step = try #require(try harness.database.automationSteps(executionId: id).first)
        #expect(step.outputValues["Output"] == .string("ami-0000000000000000a|[web-1,web-2,db-1]|eu-west-1|eu-west-1\n"),
                "version 1, not the latest; the list's three items (as a list shows in text); the default's and the step input's references")
        let shown = try JSONValue(json: record.parameters)
        #expect(shown["Image"] == ["ami-0000000000000000a"], "GetAutomationExecution shows the value the run used")
        #expect(shown["Hosts"] == ["web-1", "web-2", "db-1"])
        #expect(shown["Region"] == ["eu-west-1"])
    }

    @Test("{{ssm-secure:}} reaches the action but never a stored record or the database file")
    func secureReference() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("refs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let harness = try Harness(database: try SchedulerDatabase.open(directory: directory))
        let secret = "correct-horse-battery-staple"
        try put(harness.parameters, "/app/db-password", secret, .secureString)
        try harness.document("login", """
            schemaVersion: '0.3'
            parameters:
              Password: {type: String}
            mainSteps:
              - name: check
                action: aws:runCommand
                inputs:
                  DocumentName: AWS-RunShellScript
                  InstanceIds: [i-local]
                  Parameters:
                    commands: ['test "{{ Password }}" = "{{ssm-secure:/app/db-password}}" && test ${#PW} -eq 0 && echo matched']
            """)
        let id = try harness.start("login", ["Password": ["{{ssm-secure:/app/db-password}}"]])
        let record = try await harness.finished(id)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        let step = try #require(try harness.database.automationSteps(executionId: id).first)
        #expect(step.outputValues["Output"] == "matched\n", "the action compared two decrypted copies")
        #expect(try JSONValue(json: record.parameters)["Password"] == ["{{ssm-secure:/app/db-password}}"])
        #expect(step.inputs?.contains("{{ssm-secure:/app/db-password}}") == true)

        // The database and its WAL, as they are on disk.
        var stored = Data()
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
            stored += try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
        }
        #expect(stored.range(of: Data("matched".utf8)) != nil, "the search sees what the run stored")
        #expect(stored.range(of: Data(secret.utf8)) == nil, "the plaintext is on disk")
    }

    @Test("a reference that cannot be resolved refuses the start and says which and why")
    func refusals() async throws {
        let harness = try Harness()
        try put(harness.parameters, "/app/ami", "ami-0000000000000000a")
        try put(harness.parameters, "/app/token", "s3cr3t", .secureString)
        try harness.document("echo", Self.echo)
        func refusal(_ parameters: [String: [String]]) -> AutomationError? {
            do {
                _ = try harness.start("echo", parameters)
                return nil
            } catch let error as AutomationError {
                return error
            } catch {
                return nil
            }
        }
        let missing = refusal(["Image": ["{{ssm:/app/nothing}}"]])
        #expect(missing?.code == "InvalidAutomationExecutionParametersException")
        #expect(missing?.message == "{{ssm:/app/nothing}}: Parameter Store has no parameter /app/nothing.")
        #expect(refusal(["Image": ["{{ssm:/app/ami:7}}"]])?.message.contains("could not find version 7 of /app/ami") == true)
        #expect(refusal(["Image": ["{{ssm:/app/token}}"]])?.message
                == "{{ssm:/app/token}} names a SecureString; reference it as {{ssm-secure:/app/token}} so its value is never stored.")
        #expect(refusal(["Image": ["{{ssm-secure:/app/ami}}"]])?.message.contains("names a String parameter") == true)
        // The default's reference is resolved too; without the parameter the start is refused.
        #expect(refusal([:])?.message == "{{ssm:/app/region}}: Parameter Store has no parameter /app/region.")
        #expect(try harness.database.automationExecutions(AutomationExecutionQuery(limit: 10)).isEmpty, "nothing was started")
    }

    @Test("a SecureString deleted after the start fails the step that needs it, with the reason")
    func deletedBeforeTheStep() async throws {
        let harness = try Harness()
        try put(harness.parameters, "/app/token", "s3cr3t", .secureString)
        try harness.document("later", """
            schemaVersion: '0.3'
            parameters:
              Token: {type: String}
            mainSteps:
              - {name: wait, action: 'aws:sleep', inputs: {Duration: PT1M}}
              - name: use
                action: aws:runCommand
                inputs: {DocumentName: AWS-RunShellScript, InstanceIds: [i-1], Parameters: {commands: ['echo "{{ Token }}"']}}
            """)
        let id = try harness.start("later", ["Token": ["{{ssm-secure:/app/token}}"]])
        _ = try await harness.step(id, "wait", is: "InProgress")
        try harness.parameters.delete("/app/token", now: harness.clock.now())
        let record = try await harness.drive(id)
        #expect(record.status == "Failed")
        #expect(record.failureMessage?.contains("{{ssm-secure:/app/token}}: Parameter Store has no parameter /app/token.") == true,
                "\(record.failureMessage ?? "")")
    }
}
