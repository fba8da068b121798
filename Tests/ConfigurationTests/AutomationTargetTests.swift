import SchedulerConfiguration
import Testing

@Suite("Automation targets in the configuration")
struct AutomationTargetTests {
    func document(_ target: String) -> String {
        """
        rules:
          - name: nightly
            schedule_expression: rate(1 hour)
            targets:
              - id: stop
        \(target)
        """
    }

    @Test("an automation definition ARN, or a runbook name, with parameters as the input")
    func shortForms() throws {
        let byARN = try parse(document("""
                    automation: arn:aws:ssm:us-east-1:123456789012:automation-definition/AWS-StopEC2Instance:$DEFAULT
                    input: {InstanceId: [i-1, i-2]}
            """))
        let target = try #require(byARN.rules.first?.targets.first)
        guard case .automation(let automation) = target.kind else { Issue.record("not an automation: \(target.kind)"); return }
        #expect(automation.documentName == "AWS-StopEC2Instance")
        #expect(automation.documentVersion == "$DEFAULT")
        #expect(automation.arn == "arn:aws:ssm:us-east-1:123456789012:automation-definition/AWS-StopEC2Instance:$DEFAULT")
        #expect(target.input == .constant(json: #"{"InstanceId":["i-1","i-2"]}"#))

        let byName = try parse(document("        automation: AWS-StartRdsInstance"))
        guard case .automation(let named)? = byName.rules.first?.targets.first?.kind else { Issue.record("not an automation"); return }
        #expect(named == AutomationTargetConfiguration(documentName: "AWS-StartRdsInstance"))
    }

    @Test("the mapping form: runbook, version and rate control by tag")
    func rateControlled() throws {
        let configuration = try parse(document("""
                    automation:
                      document: AWS-StopEC2Instance
                      version: "1"
                      targets: [{key: "tag:Schedule", values: [office-hours]}]
                      target_parameter_name: InstanceId
                      max_concurrency: 50%
                      max_errors: "0"
            """))
        guard case .automation(let automation)? = configuration.rules.first?.targets.first?.kind else { Issue.record("not an automation"); return }
        #expect(automation == AutomationTargetConfiguration(
            documentName: "AWS-StopEC2Instance", documentVersion: "1", targetParameterName: "InstanceId",
            targets: [.init(key: "tag:Schedule", values: ["office-hours"])], maxConcurrency: "50%", maxErrors: "0"))
    }

    @Test("mistakes are reported at their file, line and column", arguments: [
        ("        automation: arn:aws:ssm:us-east-1:123456789012:document/AWS-StopEC2Instance", 6, 21, "rules[0].targets[0].automation",
         "not an automation definition ARN"),
        ("        automation: AWS-StopEC2Instance:latest", 6, 21, "rules[0].targets[0].automation", "not a runbook name"),
        ("        automation: {document: AWS-StopEC2Instance, version: latest}", 6, 62, "rules[0].targets[0].automation.version",
         "not a version"),
        ("        automation: {version: '1'}", 6, 21, "rules[0].targets[0].automation.document", "needs a document"),
        ("        automation: {document: AWS-StopEC2Instance, max_concurrency: 0}", 6, 70, "rules[0].targets[0].automation.max_concurrency",
         "is not a number"),
        ("        automation: {document: AWS-StopEC2Instance, targets: [{key: 'tag:a', values: [b]}]}", 6, 53,
         "rules[0].targets[0].automation.targets", "add target_parameter_name"),
        ("        automation: {document: AWS-StopEC2Instance, target_parameter_name: I, targets: [{key: Colour, values: [b]}]}", 6, 95,
         "rules[0].targets[0].automation.targets[0].key", "not a target key"),
        ("        automation: AWS-StopEC2Instance\n        timeout: 5s", 7, 9, "rules[0].targets[0].timeout", "own timeoutSeconds"),
        ("        automation: AWS-StopEC2Instance\n        log: true", 7, 9, "rules[0].targets[0].log", "does one thing"),
    ])
    func errors(target: String, line: Int, column: Int, path: String, words: String) throws {
        let error = try #require(parseError(document(target)))
        #expect(error.path == path, "\(error)")
        #expect(error.line == line, "\(error)")
        #expect(error.column == column, "\(error)")
        #expect(error.message.contains(words), "\(error)")
        #expect(error.description.hasPrefix("test.yaml:\(line):\(column): "), "\(error)")
    }
}
