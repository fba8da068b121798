import EventBus
import Runbooks
import Testing

@Suite("Runbooks: parsing and validation")
struct RunbookParsingTests {
    @Test("AWS's own runbooks parse, with their branching idiom intact", arguments: BuiltInRunbooks.all.keys.sorted())
    func builtIns(name: String) throws {
        let runbook = try Runbook.parse(BuiltInRunbooks.all[name]!, format: "YAML")
        #expect(runbook.parameters.map(\.name) == ["InstanceId", "AutomationAssumeRole"])
        #expect(runbook.parameter(named: "InstanceId")?.isRequired == true)
        #expect(runbook.parameter(named: "AutomationAssumeRole")?.defaultValue == "")
        if name.contains("Rds") {
            let assert = try #require(runbook.mainSteps.first)
            #expect(assert.isCritical == false)
            #expect(assert.onFailure == .step(runbook.mainSteps[1].name))
            #expect(assert.nextStep == runbook.mainSteps[2].name)
            #expect(runbook.mainSteps[2].isEnd)
            #expect(runbook.mainSteps[2].maxAttempts == 10)
            #expect(runbook.mainSteps[2].timeoutSeconds == 600)
        }
        if name == "AWS-StopEC2Instance" {
            #expect(runbook.mainSteps[0].onFailure == .continue)
            #expect(runbook.mainSteps[0].isCritical == false, "onFailure: Continue makes a step non-critical by default")
            #expect(runbook.mainSteps[1].inputs["Force"] == true)
        }
    }

    @Test("the same runbook written as JSON parses to the same thing")
    func json() throws {
        let text = """
            {"schemaVersion": "0.3", "parameters": {"Ids": {"type": "StringList", "minItems": 1}},
             "mainSteps": [{"name": "stop", "action": "aws:changeInstanceState",
                            "inputs": {"InstanceIds": "{{ Ids }}", "DesiredState": "stopped"}}]}
            """
        let runbook = try Runbook.parse(text, format: "JSON")
        #expect(runbook.mainSteps.map(\.name) == ["stop"])
        #expect(runbook.parameter(named: "Ids")?.minItems == 1)
    }

    static let base = """
        schemaVersion: '0.3'
        parameters:
          Ids: {type: StringList}
          Mode: {type: String, default: soft, allowedValues: [soft, hard]}
        mainSteps:
          - name: describe
            action: aws:executeAwsApi
            inputs: {Service: ec2, Api: DescribeInstances, InstanceIds: '{{ Ids }}'}
            outputs:
              - {Name: State, Selector: '$.Reservations[0].Instances[0].State.Name', Type: String}
          - name: stop
            action: aws:changeInstanceState
            inputs: {InstanceIds: '{{ Ids }}', DesiredState: stopped}

        """

    @Test("a bad runbook is refused with the step, the field and the line", arguments: [
        ("schemaVersion: '0.3'", "schemaVersion: '2.2'", "schemaVersion", 1),
        ("action: aws:changeInstanceState", "action: aws:teleport", "mainSteps[1] (stop).action", 11),
        ("DesiredState: stopped}", "DesiredState: asleep}", "mainSteps[1] (stop).inputs.DesiredState", 11),
        ("{Service: ec2, Api: DescribeInstances,", "{Service: ec2,", "mainSteps[0] (describe).inputs.Api", 6),
        ("InstanceIds: '{{ Ids }}', DesiredState", "InstanceIds: '{{ Idz }}', DesiredState", "mainSteps[1] (stop).inputs", 11),
        ("  - name: stop\\n", "  - name: describe\\n", "mainSteps[1] (describe).name", 11),
        ("Mode: {type: String, default: soft", "Mode: {type: String, default: medium", "parameters.Mode.default", 4),
        ("Ids: {type: StringList}", "Ids: {type: List}", "parameters.Ids.type", 3),
        ("Type: String}", "Type: Text}", "mainSteps[0] (describe).outputs[0].Type", 10),
    ])
    func refusals(find: String, replace: String, path: String, line: Int) {
        let text = Self.base.replacingOccurrences(of: find.replacingOccurrences(of: "\\n", with: "\n"),
                                                  with: replace.replacingOccurrences(of: "\\n", with: "\n"))
        #expect(text != Self.base, "the mutation applies")
        do {
            _ = try Runbook.parse(text, format: "YAML")
            Issue.record("accepted: \(replace)")
        } catch {
            #expect(error.path == path, "\(error)")
            #expect(error.line == line, "\(error)")
        }
    }

    @Test("step references must resolve: nextStep, onFailure, branch targets, outputs")
    func references() {
        let cases = [
            Self.base + "    nextStep: nowhere\n",
            Self.base + "    onFailure: step:nowhere\n",
            Self.base + "outputs: [describe.Missing]\n",
            Self.base + """
              - name: choose
                action: aws:branch
                inputs:
                  Choices:
                    - {NextStep: gone, Variable: '{{ describe.State }}', StringEquals: running}

            """,
        ]
        for text in cases {
            #expect(throws: RunbookError.self) { try Runbook.parse(text, format: "YAML") }
        }
        let good = Self.base + """
              - name: choose
                action: aws:branch
                inputs:
                  Choices:
                    - {NextStep: stop, Variable: '{{ describe.State }}', StringEquals: running}
                    - And:
                        - {Variable: '{{ Mode }}', StringEquals: hard}
                        - Not: {Variable: '{{ describe.State }}', StringEquals: stopped}
                      NextStep: describe
                  Default: stop
            outputs: [describe.State]

            """
        #expect(throws: Never.self) { try Runbook.parse(good, format: "YAML") }
    }

    @Test("parameter values from StartAutomationExecution: typed, checked, defaulted")
    func parameterValues() throws {
        let runbook = try Runbook.parse(Self.base, format: "YAML")
        let values = try ParameterValues.resolve(["Ids": ["i-1", "i-2"]], for: runbook)
        #expect(values == ["Ids": ["i-1", "i-2"], "Mode": "soft"])
        #expect(throws: ParameterValues.Problem.self) { try ParameterValues.resolve([:], for: runbook) }
        #expect(throws: ParameterValues.Problem.self) { try ParameterValues.resolve(["Ids": ["i-1"], "Mode": ["medium"]], for: runbook) }
        #expect(throws: ParameterValues.Problem.self) { try ParameterValues.resolve(["Ids": ["i-1"], "Extra": ["x"]], for: runbook) }
    }

    @Test("interpolation keeps a sole reference's type and renders others as text")
    func interpolation() {
        let values: [String: JSONValue] = ["Ids": ["i-1", "i-2"], "Count": 3, "Name": "web"]
        let input: JSONValue = ["InstanceIds": "{{ Ids }}", "Text": "{{Name}}-{{ Count }}-{{ unknown }}", "List": ["{{ Name }}"]]
        let resolved = Interpolation.resolve(input) { values[$0] }
        #expect(resolved == ["InstanceIds": ["i-1", "i-2"], "Text": "web-3-{{ unknown }}", "List": ["web"]])
    }

    @Test("a sole reference: spaces and tabs around it and its name are trimmed, line breaks are not",
          arguments: [
              ("{{ InstanceId }}", "InstanceId"), ("  {{X}}\t", "X"), ("\u{00A0}{{ a }}\u{2003}", "a"), ("{{ }}", ""),
              ("{{ a\n}}", "a\n"), ("{{ step.Output }}", "step.Output"),
          ])
    func soleReference(text: String, name: String) {
        #expect(Interpolation.soleReference(text) == name)
    }

    @Test("not a sole reference: text around it, two of them, braces inside, too short",
          arguments: ["x {{ a }}", "{{ a }} {{ b }}", "{{ a }}}}", "{{{{ a }}", "{{}}", "stopped", "\n{{ a }}", ""])
    func notSoleReference(text: String) {
        #expect(Interpolation.soleReference(text) == nil)
    }
}
