import Automation
import EventBus
import Foundation
import SchedulerTesting
import Store
import Testing

@Suite("aws:runCommand: Command documents as local shell scripts", .timeLimit(.minutes(1)))
struct RunCommandTests {
    static let command = """
        schemaVersion: '2.2'
        description: Greets.
        parameters:
          greeting: {type: String, default: hello}
          lines: {type: StringList, default: []}
        mainSteps:
          - action: aws:runShellScript
            name: greet
            inputs:
              runCommand:
                - 'echo "{{ greeting }} from $AWS_SSM_INSTANCE_ID"'
                - '{{ lines }}'
        """

    @Test("the lines run in /bin/sh with the document's parameters; output and exit status are the step's outputs")
    func runs() async throws {
        let harness = try Harness()
        try harness.document("greeter", Self.command, type: "Command")
        try harness.document("greet", """
            schemaVersion: '0.3'
            mainSteps:
              - name: greet
                action: aws:runCommand
                inputs:
                  DocumentName: greeter
                  InstanceIds: [i-local]
                  Parameters: {greeting: hi, lines: ['echo second line', 'echo "$SCHEDULERD_AUTOMATION_EXECUTION_ID"']}
              - name: shell
                action: aws:runCommand
                inputs:
                  DocumentName: AWS-RunShellScript
                  InstanceIds: [i-other]
                  Parameters: {commands: ['printf "%s" "{{ greet.Output }}" | wc -l']}
            """)
        let id = try harness.start("greet")
        let record = try await harness.finished(id)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        let steps = try harness.database.automationSteps(executionId: id)
        #expect(steps[0].outputValues["Output"] == .string("hi from i-local\nsecond line\n\(id)\n"))
        #expect(steps[0].outputValues["Status"] == "Success")
        #expect(steps[0].outputValues["ResponseCode"] == 0)
        #expect(steps[0].outputValues["CommandId"]?.stringValue?.count == 36)
        #expect(steps[0].responseCode == "0")
        #expect(steps[1].outputValues["Output"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) == "3",
                "the first step's three lines, through {{ greet.Output }}")
    }

    @Test("a non-zero exit fails the step with the status and the output's end; a script past its timeout is killed")
    func failures() async throws {
        let harness = try Harness()
        try harness.document("failing", """
            schemaVersion: '0.3'
            mainSteps:
              - name: fail
                action: aws:runCommand
                inputs: {DocumentName: AWS-RunShellScript, InstanceIds: [i-1], Parameters: {commands: ['echo oops', 'exit 3']}}
            """)
        let failed = try await harness.finished(try harness.start("failing"))
        #expect(failed.status == "Failed")
        #expect(failed.failureMessage?.contains("exited with status 3: oops") == true, "\(failed.failureMessage ?? "")")
        let step = try #require(try harness.database.automationSteps(executionId: failed.id).first)
        #expect(step.outputValues["ResponseCode"] == 3)
        #expect(step.outputValues["Status"] == "Failed")

        try harness.document("slow", """
            schemaVersion: '0.3'
            mainSteps:
              - name: slow
                action: aws:runCommand
                inputs: {DocumentName: AWS-RunShellScript, InstanceIds: [i-1], TimeoutSeconds: 30,
                         Parameters: {commands: ['echo started', 'sleep 600 & wait']}}
            """)
        let id = try harness.start("slow")
        _ = try await harness.step(id, "slow", is: "InProgress")
        await harness.advance(30, afterSleepers: 2)   // the step's timeout and the script's
        let killed = try await harness.finished(id)
        #expect(killed.status == "Failed")
        #expect(killed.failureMessage?.contains("timed out after 30 s: started") == true, "\(killed.failureMessage ?? "")")
        #expect(try harness.database.automationSteps(executionId: id).first?.outputValues["Status"] == "TimedOut")
    }

    @Test("a missing Command document fails the step without running anything")
    func missingDocument() async throws {
        let harness = try Harness()
        try harness.document("broken", """
            schemaVersion: '0.3'
            mainSteps:
              - {name: run, action: 'aws:runCommand', maxAttempts: 3, inputs: {DocumentName: nothing-here, InstanceIds: [i-1]}}
            """)
        let record = try await harness.finished(try harness.start("broken"))
        #expect(record.status == "Failed")
        #expect(record.failureMessage == "Step run failed: no Command document is named nothing-here")
        #expect(try harness.database.automationSteps(executionId: record.id).first?.attempts == 1, "not retried")
    }
}
