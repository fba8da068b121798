import Actions
import Automation
import ChangeCalendar
import EventBus
import Foundation
import SchedulerTesting
import Store
import Testing

@Suite("Executions: steps, outputs, statuses, events", .timeLimit(.minutes(1)))
struct ExecutionTests {
    @Test("outputs feed later steps; system variables resolve; every status change is an event in the outbox")
    func outputsAndEvents() async throws {
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("web", 1, tags: ["Name": "web"])]))
        let instance = Harness.instanceId("web")
        try harness.document("inspect", """
            schemaVersion: '0.3'
            parameters:
              InstanceId: {type: String}
              Note: {type: String, default: 'from {{ automation:EXECUTION_ID }}'}
            mainSteps:
              - name: describe
                action: aws:executeAwsApi
                inputs: {Service: ec2, Api: DescribeInstances, InstanceIds: ['{{ InstanceId }}']}
                outputs:
                  - {Name: State, Selector: '$.Reservations[0].Instances[0].State.Name', Type: String}
                  - {Name: Code, Selector: '$.Reservations[0].Instances[0].State.Code', Type: Integer}
                  - {Name: Ids, Selector: '$..InstanceId', Type: StringList}
              - name: decide
                action: aws:branch
                inputs:
                  Choices:
                    - {NextStep: stopIt, Variable: '{{ describe.State }}', StringEquals: running}
                  Default: done
              - name: stopIt
                action: aws:changeInstanceState
                inputs: {InstanceIds: '{{ describe.Ids }}', DesiredState: stopped}
              - name: done
                action: aws:sleep
                inputs: {Duration: PT0S}
                description: 'in {{ global:REGION }} of {{ global:ACCOUNT_ID }}'
            outputs: [describe.State, describe.Code, stopIt.Nothing]
            """.replacingOccurrences(of: "outputs: [describe.State, describe.Code, stopIt.Nothing]", with: "outputs: [describe.State, describe.Code]"))
        let id = try harness.start("inspect", ["InstanceId": [instance]])
        #expect(id.count == 36 && id == id.lowercased())
        let record = try await harness.finished(id)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        #expect(record.failureMessage == nil && record.endTime != nil)
        let steps = try harness.database.automationSteps(executionId: id)
        #expect(steps.map(\.stepName) == ["describe", "decide", "stopIt", "done"])
        #expect(steps.allSatisfy { $0.status == "Success" && $0.attempts == 1 })
        #expect(steps[0].outputValues == ["State": "running", "Code": 16, "Ids": [.string(instance)]])
        #expect(steps[2].inputValues["InstanceIds"] == [.string(instance)], "a list output stays a list")
        #expect(steps[1].nextStep == "stopIt")
        #expect(try await harness.instanceState(instance) == "stopped")
        #expect(record.outputValues == ["describe.State": ["running"], "describe.Code": ["16"]])
        let parameters = try JSONValue(json: record.parameters)
        #expect(parameters["Note"] == ["from {{ automation:EXECUTION_ID }}"], "defaults are listed as written")

        // The outbox: the execution's statuses and every step's, in order, with AWS's detail.
        let events = try harness.events()
        let executionEvents = events.filter { $0.0 == "EC2 Automation Execution Status-change Notification" }
        #expect(executionEvents.map { $0.1["Status"] } == ["Pending", "InProgress", "Success"])
        let last = try #require(executionEvents.last?.1)
        #expect(last["ExecutionId"] == .string(id))
        #expect(last["Definition"] == "inspect")
        #expect(last["DefinitionVersion"] == 1)
        #expect(last["ExecutedBy"] == "arn:aws:iam::123456789012:user/tester")
        #expect(last["StartTime"] == "Dec 1, 2026 12:00:00 PM")
        #expect(last["EndTime"] == "Dec 1, 2026 12:00:00 PM")
        #expect(last["Time"] == 0)
        let stepEvents = events.filter { $0.0 == "EC2 Automation Step Status-change Notification" }
        #expect(stepEvents.map { "\($0.1["StepName"]?.stringValue ?? ""):\($0.1["Status"]?.stringValue ?? "")" }
                == ["describe:InProgress", "describe:Success", "decide:InProgress", "decide:Success",
                    "stopIt:InProgress", "stopIt:Success", "done:InProgress", "done:Success"])
        #expect(stepEvents.first?.1["Action"] == "aws:executeAwsApi")
        let stored = try harness.database.events(since: nil).map(\.event).first { $0.detailType.hasPrefix("EC2 Automation Execution") }
        let envelope = try JSONValue(json: try #require(stored).body)
        #expect(envelope["source"] == "aws.ssm")
        #expect(envelope["resources"] == [.string("arn:aws:ssm:us-east-1:123456789012:automation-execution/\(id)"),
                                          "arn:aws:ssm:us-east-1:123456789012:automation-definition/inspect:1"])
    }

    @Test("a failed attempt is tried again up to maxAttempts; the last failure is the step's and the execution's")
    func retries() async throws {
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("web", 1, .stopped)]))
        let instance = Harness.instanceId("web")
        try harness.document("start-it", """
            schemaVersion: '0.3'
            mainSteps:
              - name: start
                action: aws:executeAwsApi
                maxAttempts: 3
                inputs: {Service: ec2, Api: StartInstances, InstanceIds: [\(instance)]}
            """)
        try harness.addFault(Fault(kind: .insufficientCapacity, resource: instance, remaining: 2))
        let first = try await harness.finished(try harness.start("start-it"))
        #expect(first.status == "Success")
        let steps = try harness.database.automationSteps(executionId: first.id)
        #expect(steps.map(\.attempts) == [3])
        #expect(try harness.faults().isEmpty, "two starts refused")
        #expect(try harness.instanceStates(instance) == ["pending", "running"], "the third started it")

        _ = try await harness.simulator.stopInstances([instance], force: false)
        try harness.addFault(Fault(kind: .insufficientCapacity, resource: instance, remaining: 3))
        let second = try await harness.finished(try harness.start("start-it"))
        let noCapacity = "InsufficientInstanceCapacity: We currently do not have sufficient t3.micro capacity in the Availability Zone "
            + "you requested (us-east-1a). Our system will be working on provisioning additional capacity. You can currently get "
            + "t3.micro capacity by not specifying an Availability Zone in your request or choosing us-east-1b, us-east-1c, "
            + "us-east-1d, us-east-1f."
        #expect(second.status == "Failed")
        #expect(second.failureMessage == "Step start failed: ec2.StartInstances failed: \(noCapacity)")
        let failed = try #require(try harness.database.automationSteps(executionId: second.id).first)
        #expect(failed.attempts == 3)
        #expect(failed.failureMessage == "ec2.StartInstances failed: \(noCapacity)")
        #expect(failed.failureDetails.flatMap { try? JSONValue(json: $0) }?["FailureStage"] == "Invocation")
        #expect(try harness.faults().isEmpty, "three starts refused")
        #expect(try await harness.instanceState(instance) == "stopped")
    }

    @Test("throttling is waited out on the daemon's clock, not counted as a failure")
    func throttling() async throws {
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("web", 1)]))
        try harness.document("look", """
            schemaVersion: '0.3'
            mainSteps:
              - {name: look, action: 'aws:executeAwsApi', inputs: {Service: ec2, Api: DescribeInstances}}
            """)
        try harness.addFault(Fault(kind: .throttle, service: .ec2, operation: "DescribeInstances", remaining: 2))
        let id = try harness.start("look")
        await harness.advance(1)   // the first back-off: 1 s
        await harness.advance(2)   // the second: 2 s
        let record = try await harness.finished(id)
        #expect(record.status == "Success")
        #expect(try harness.database.automationSteps(executionId: id).first?.attempts == 1)
        #expect(try harness.faults().isEmpty, "both throttled calls were made, and refused")
        #expect(record.endTime == at("2026-12-01T12:00:03Z").timeIntervalSince1970, "the third call, after 1 s and 2 s of back-off")
    }

    @Test("a step that outlives timeoutSeconds is TimedOut, and so is the execution; maxAttempts gives it more tries")
    func timeouts() async throws {
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("web", 1)]), times: .transitions(taking: 30))
        let instance = Harness.instanceId("web")
        try harness.addFault(Fault(kind: .hang, resource: instance, operation: "stop"))
        try harness.document("stop-and-wait", """
            schemaVersion: '0.3'
            mainSteps:
              - name: stop
                action: aws:changeInstanceState
                timeoutSeconds: 60
                maxAttempts: 2
                inputs: {InstanceIds: [\(instance)], DesiredState: stopped}
            """)
        let id = try harness.start("stop-and-wait")
        _ = try await harness.step(id, "stop", is: "InProgress")
        // Two attempts of 60 s each, polling every 5 s: step the clock to each deadline.
        let record = try await harness.drive(id, sleepers: 2)
        #expect(record.status == "TimedOut")
        #expect(record.failureMessage?.hasPrefix("Step stop timed out: Step timed out after 60 seconds (attempt 2 of 2)") == true,
                "\(record.failureMessage ?? "")")
        let step = try #require(try harness.database.automationSteps(executionId: id).first)
        #expect(step.status == "TimedOut" && step.attempts == 2)
        #expect(record.endTime == at("2026-12-01T12:02:00Z").timeIntervalSince1970)
        #expect(try await harness.instanceState(instance) == "stopping")
        #expect(try await harness.instance(instance).transition?.isHung == true)
        #expect(try harness.instanceStates(instance) == ["stopping"], "one stop, held by the fault; the second attempt waited on it")
    }

    @Test("onFailure Continue and step:X, isEnd, nextStep and isCritical decide the flow and the final status")
    func flow() async throws {
        let harness = try Harness()
        let missing = Harness.instanceId("never-declared")
        try harness.document("flow", """
            schemaVersion: '0.3'
            mainSteps:
              - name: optional
                action: aws:executeAwsApi
                onFailure: Continue
                inputs: {Service: ec2, Api: DescribeInstances, InstanceIds: [\(missing)]}
              - name: critical
                action: aws:executeAwsApi
                onFailure: step:recover
                inputs: {Service: ec2, Api: DescribeInstances, InstanceIds: [\(missing)]}
              - name: skipped
                action: aws:sleep
                inputs: {Duration: PT0S}
              - name: recover
                action: aws:sleep
                inputs: {Duration: PT0S}
                nextStep: last
              - name: neverRuns
                action: aws:sleep
                inputs: {Duration: PT0S}
              - name: last
                action: aws:sleep
                isEnd: true
                inputs: {Duration: PT0S}
              - name: afterTheEnd
                action: aws:sleep
                inputs: {Duration: PT0S}
            """)
        let record = try await harness.finished(try harness.start("flow"))
        let steps = try harness.database.automationSteps(executionId: record.id)
        #expect(steps.map { "\($0.stepName):\($0.status)" } == ["optional:Failed", "critical:Failed", "recover:Success", "last:Success"])
        #expect(record.status == "Failed", "the critical step failed, though the flow went on")
        #expect(record.failureMessage?.hasPrefix("Step critical failed: ec2.DescribeInstances failed: InvalidInstanceID.NotFound") == true)
    }

    @Test("aws:branch: operators, And/Or/Not, Default, and the following step when nothing matches")
    func branching() async throws {
        let harness = try Harness()
        try harness.document("branches", """
            schemaVersion: '0.3'
            parameters:
              Size: {type: Integer}
              Mode: {type: String}
              Dry: {type: Boolean, default: false}
            mainSteps:
              - name: choose
                action: aws:branch
                inputs:
                  Choices:
                    - NextStep: big
                      And:
                        - {Variable: '{{ Size }}', NumericGreaterOrEquals: 10}
                        - Not: {Variable: '{{ Dry }}', BooleanEquals: true}
                    - {NextStep: fast, Variable: '{{ Mode }}', EqualsIgnoreCase: FAST}
                    - Or:
                        - {Variable: '{{ Mode }}', StartsWith: slo}
                        - {Variable: '{{ Mode }}', Contains: lazy}
                      NextStep: slow
              - {name: nothing, action: 'aws:sleep', inputs: {Duration: PT0S}, isEnd: true}
              - {name: big, action: 'aws:sleep', inputs: {Duration: PT0S}, isEnd: true}
              - {name: fast, action: 'aws:sleep', inputs: {Duration: PT0S}, isEnd: true}
              - {name: slow, action: 'aws:sleep', inputs: {Duration: PT0S}, isEnd: true}
            """)
        let cases: [([String: [String]], String)] = [
            (["Size": ["12"], "Mode": ["fast"]], "big"),
            (["Size": ["12"], "Mode": ["fast"], "Dry": ["true"]], "fast"),
            (["Size": ["3"], "Mode": ["slowly"]], "slow"),
            (["Size": ["3"], "Mode": ["very lazy"]], "slow"),
            (["Size": ["3"], "Mode": ["other"]], "nothing"),
        ]
        for (parameters, expected) in cases {
            let record = try await harness.finished(try harness.start("branches", parameters))
            let names = try harness.database.automationSteps(executionId: record.id).map(\.stepName)
            #expect(names == ["choose", expected], "\(parameters)")
        }
    }

    @Test("aws:sleep waits on the daemon's clock")
    func sleeping() async throws {
        let harness = try Harness()
        try harness.document("nap", """
            schemaVersion: '0.3'
            mainSteps:
              - {name: nap, action: 'aws:sleep', inputs: {Duration: PT10M}}
              - {name: until, action: 'aws:sleep', inputs: {Timestamp: '2026-12-01T13:00:00Z'}}
            """)
        let id = try harness.start("nap")
        _ = try await harness.step(id, "nap", is: "InProgress")
        await harness.advance(599)
        #expect(try harness.database.automationExecution(id: id)?.status == "InProgress")
        await harness.advance(1)
        _ = try await harness.step(id, "until", is: "InProgress")
        await harness.clock.waitForSleepers(1)
        harness.clock.advance(to: at("2026-12-01T13:00:00Z"))
        let record = try await harness.finished(id)
        #expect(record.status == "Success")
        #expect(record.endTime == at("2026-12-01T13:00:00Z").timeIntervalSince1970)
    }

    @Test("GetCalendarState through aws:assertAwsResourceProperty, as AWS's Change Calendar guide writes it")
    func calendarGate() async throws {
        let nightly = try CalendarSchedule(ics: """
            BEGIN:VCALENDAR
            VERSION:2.0
            X-CALENDAR-TYPE:DEFAULT_OPEN
            BEGIN:VEVENT
            UID:n
            DTSTART:20260101T220000Z
            DTEND:20260102T060000Z
            RRULE:FREQ=DAILY
            END:VEVENT
            END:VCALENDAR
            """)
        let harness = try Harness(calendars: ["nightly": nightly])
        try harness.document("gated", """
            schemaVersion: '0.3'
            mainSteps:
              - name: checkCalendar
                action: aws:assertAwsResourceProperty
                inputs:
                  Service: ssm
                  Api: GetCalendarState
                  CalendarNames: ['arn:aws:ssm:us-east-1:123456789012:document/nightly']
                  PropertySelector: '$.State'
                  DesiredValues: [OPEN]
              - name: read
                action: aws:executeAwsApi
                inputs: {Service: ssm, Api: GetCalendarState, CalendarNames: [nightly], AtTime: '2026-12-01T23:00:00Z'}
                outputs:
                  - {Name: State, Selector: $.State, Type: String}
                  - {Name: Next, Selector: $.NextTransitionTime, Type: String}
            """)
        let open = try await harness.finished(try harness.start("gated"))
        #expect(open.status == "Success")
        let read = try #require(try harness.database.automationSteps(executionId: open.id).last)
        #expect(read.outputValues == ["State": "CLOSED", "Next": "2026-12-02T06:00:00Z"])

        harness.clock.advance(to: at("2026-12-01T23:00:00Z"))
        let closed = try await harness.finished(try harness.start("gated"))
        #expect(closed.status == "Failed")
        #expect(closed.failureMessage == "Step checkCalendar failed: $.State is CLOSED; expected one of OPEN")
    }
}
