import Actions
import Automation
import EventBus
import Foundation
import Store
import Testing

@Suite("SSM Automation over HTTP", .timeLimit(.minutes(1)))
struct AutomationOperationTests {
    static let approval = """
        schemaVersion: '0.3'
        description: Ask, then look.
        parameters:
          InstanceId: {type: String, description: The instance}
        mainSteps:
          - name: ask
            action: aws:approve
            inputs: {Approvers: [anonymous], Message: 'Look at {{ InstanceId }}?'}
          - name: look
            action: aws:executeAwsApi
            inputs: {Service: ec2, Api: DescribeInstances, InstanceIds: ['{{ InstanceId }}']}
            outputs:
              - {Name: State, Selector: '$.Reservations[0].Instances[0].State.Name', Type: String}
        outputs: [look.State]
        """

    func create(_ server: APITestServer, _ name: String, _ content: String) async throws {
        let reply = try await server.call("AmazonSSM.CreateDocument", [
            "Name": .string(name), "Content": .string(content), "DocumentType": "Automation", "DocumentFormat": "YAML",
        ])
        #expect(reply.status == 200, "\(reply.body)")
    }

    /// A fleet of `count` running instances in group `group`, tagged `tags`.
    static func fleet(_ groups: (name: String, count: Int, tags: [Actions.Tag])...) -> FleetDeclaration {
        FleetDeclaration(groups: groups.map { FleetDeclaration.InstanceGroup(name: $0.name, count: $0.count, tags: $0.tags) })
    }

    static func ids(_ group: String, _ count: Int) -> [String] {
        (0..<count).map { FleetDeclaration.InstanceGroup.instanceId(group: group, index: $0) }
    }

    @Test("AWS-StopEC2Instance: started, run against the EC2 simulator, and reported field for field")
    func startAndGet() async throws {
        let server = try await APITestServer(fleet: Self.fleet(("web", 1, [])))
        defer { server.stop() }
        let instance = Self.ids("web", 1)[0]
        let started = try await server.call("AmazonSSM.StartAutomationExecution", [
            "DocumentName": "AWS-StopEC2Instance", "Parameters": ["InstanceId": [.string(instance)]],
        ])
        #expect(started.status == 200, "\(started.body)")
        let id = try #require(started.body["AutomationExecutionId"]?.stringValue)
        #expect(id.count == 36)
        _ = try await server.automations.finished(id)

        let reply = try await server.call("AmazonSSM.GetAutomationExecution", ["AutomationExecutionId": .string(id)])
        let execution = try #require(reply.body["AutomationExecution"])
        #expect(execution["AutomationExecutionId"] == .string(id))
        #expect(execution["DocumentName"] == "AWS-StopEC2Instance")
        #expect(execution["DocumentVersion"] == "1")
        #expect(execution["AutomationExecutionStatus"] == "Success")
        #expect(execution["Mode"] == "Auto")
        #expect(execution["ExecutedBy"] == "arn:aws:iam::123456789012:user/anonymous")
        #expect(execution["ExecutionStartTime"] == .number(server.clock.now().timeIntervalSince1970))
        #expect(execution["ExecutionEndTime"]?.numberValue != nil)
        #expect(execution["Parameters"] == ["InstanceId": [.string(instance)], "AutomationAssumeRole": [""]])
        #expect(execution["Outputs"] == [:])
        #expect(execution["StepExecutionsTruncated"] == false)
        #expect(execution["FailureMessage"] == nil && execution["CurrentStepName"] == nil)
        let steps = try #require(execution["StepExecutions"]?.arrayValue)
        #expect(steps.map { $0["StepName"] } == ["stopInstances", "forceStopInstances"])
        let first = steps[0]
        #expect(first["Action"] == "aws:changeInstanceState")
        #expect(first["StepStatus"] == "Success")
        #expect(first["OnFailure"] == "Continue")
        #expect(first["IsCritical"] == false)
        #expect(first["IsEnd"] == false)
        #expect(first["MaxAttempts"] == 1)
        #expect(first["Inputs"] == ["InstanceIds": .string(#"[""# + instance + #""]"#), "DesiredState": #""stopped""#],
                "AWS JSON-encodes each input")
        #expect(first["StepExecutionId"]?.stringValue?.count == 36)
        #expect(first["NextStep"] == "forceStopInstances")
        #expect(steps[1]["OnFailure"] == "Abort" && steps[1]["IsCritical"] == true)
        #expect(try await server.instanceState(instance) == "stopped")
    }

    @Test("waiting for an approval: Pending steps listed, CurrentStepName, outputs not yet available; signals and their errors")
    func approvalOverHTTP() async throws {
        let server = try await APITestServer(fleet: Self.fleet(("web", 1, [])))
        defer { server.stop() }
        let instance = Self.ids("web", 1)[0]
        try await create(server, "ask-then-look", Self.approval)
        let id = try #require(try await server.call("AmazonSSM.StartAutomationExecution", [
            "DocumentName": "ask-then-look", "Parameters": ["InstanceId": [.string(instance)]],
        ]).body["AutomationExecutionId"]?.stringValue)
        _ = try await server.automations.execution(id) { $0.status == "Waiting" }
        let waiting = try #require(try await server.call("AmazonSSM.GetAutomationExecution", ["AutomationExecutionId": .string(id)])
            .body["AutomationExecution"])
        #expect(waiting["AutomationExecutionStatus"] == "Waiting")
        #expect(waiting["CurrentStepName"] == "ask" && waiting["CurrentAction"] == "aws:approve")
        #expect(waiting["Outputs"] == ["look.State": ["No output available yet because the step is not successfully executed"]])
        let steps = try #require(waiting["StepExecutions"]?.arrayValue)
        #expect(steps.map { $0["StepStatus"] } == ["Waiting", "Pending"])
        #expect(steps[1] == ["StepName": "look", "Action": "aws:executeAwsApi", "StepStatus": "Pending"])
        #expect(steps[0]["Inputs"]?["Message"] == .string("\"Look at \(instance)?\""))

        let wrongSignal = try await server.call("AmazonSSM.SendAutomationSignal", ["AutomationExecutionId": .string(id), "SignalType": "Resume"])
        #expect(wrongSignal.errorType == "InvalidAutomationSignalException")
        let badType = try await server.call("AmazonSSM.SendAutomationSignal", ["AutomationExecutionId": .string(id), "SignalType": "Please"])
        #expect(badType.errorType == "ValidationException")
        let unknown = try await server.call("AmazonSSM.SendAutomationSignal", [
            "AutomationExecutionId": "00000000-0000-0000-0000-000000000000", "SignalType": "Approve"])
        #expect(unknown.errorType == "AutomationExecutionNotFoundException")
        let approve = try await server.call("AmazonSSM.SendAutomationSignal", [
            "AutomationExecutionId": .string(id), "SignalType": "Approve", "Payload": ["Comment": ["go"]]])
        #expect(approve.status == 200 && approve.body == [:])
        _ = try await server.automations.finished(id)
        let done = try #require(try await server.call("AmazonSSM.GetAutomationExecution", ["AutomationExecutionId": .string(id)])
            .body["AutomationExecution"])
        #expect(done["AutomationExecutionStatus"] == "Success")
        #expect(done["Outputs"] == ["look.State": ["running"]])
        let approved = try #require(done["StepExecutions"]?[0])
        #expect(approved["Outputs"]?["ApprovalStatus"] == ["Approved"])
        #expect(done["StepExecutions"]?[1]?["Outputs"] == ["State": ["running"]])
    }

    @Test("StopAutomationExecution: Cancel, then AWS's errors for an ended or unknown execution and a bad Type")
    func stop() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        try await create(server, "ask-then-look", Self.approval)
        let id = try #require(try await server.call("AmazonSSM.StartAutomationExecution", [
            "DocumentName": "ask-then-look", "Parameters": ["InstanceId": ["i-1"]],
        ]).body["AutomationExecutionId"]?.stringValue)
        _ = try await server.automations.execution(id) { $0.status == "Waiting" }
        let badType = try await server.call("AmazonSSM.StopAutomationExecution", ["AutomationExecutionId": .string(id), "Type": "Abort"])
        #expect(badType.errorType == "ValidationException")
        let stopped = try await server.call("AmazonSSM.StopAutomationExecution", ["AutomationExecutionId": .string(id)])
        #expect(stopped.status == 200 && stopped.body == [:])
        #expect(try await server.automations.finished(id).status == "Cancelled")
        let again = try await server.call("AmazonSSM.StopAutomationExecution", ["AutomationExecutionId": .string(id), "Type": "Cancel"])
        #expect(again.errorType == "InvalidAutomationStatusUpdateException")
        let unknown = try await server.call("AmazonSSM.StopAutomationExecution", ["AutomationExecutionId": "00000000-0000-0000-0000-000000000000"])
        #expect(unknown.errorType == "AutomationExecutionNotFoundException")
        let short = try await server.call("AmazonSSM.GetAutomationExecution", ["AutomationExecutionId": "abc"])
        #expect(short.errorType == "ValidationException")
    }

    @Test("StartAutomationExecution refusals carry AWS's error codes")
    func startErrors() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        let cases: [(JSONValue, String)] = [
            (["DocumentName": "No-Such-Runbook"], "AutomationDefinitionNotFoundException"),
            (["DocumentName": "AWS-StopEC2Instance", "DocumentVersion": "7", "Parameters": ["InstanceId": ["i-1"]]],
             "AutomationDefinitionVersionNotFoundException"),
            (["DocumentName": "AWS-StopEC2Instance"], "InvalidAutomationExecutionParametersException"),
            (["DocumentName": "AWS-StopEC2Instance", "Parameters": ["Colour": ["red"]]], "InvalidAutomationExecutionParametersException"),
            (["DocumentName": "AWS-StopEC2Instance", "Parameters": ["InstanceId": "i-1"]], "SerializationException"),
            (["DocumentName": "AWS-StopEC2Instance", "ClientToken": "not-a-uuid"], "ValidationException"),
            (["DocumentName": "AWS-StopEC2Instance", "Mode": "Sometimes"], "ValidationException"),
            (["DocumentName": "AWS-StopEC2Instance", "MaxConcurrency": "0"], "ValidationException"),
            (["DocumentName": "AWS-StopEC2Instance", "TargetParameterName": "InstanceId",
              "Targets": [["Key": "ResourceGroup", "Values": ["fleet"]]]], "InvalidTarget"),
            (["DocumentName": "a"], "ValidationException"),
            ([:], "ValidationException"),
        ]
        for (input, code) in cases {
            let reply = try await server.call("AmazonSSM.StartAutomationExecution", input)
            #expect(reply.status == 400, "\(input)")
            #expect(reply.errorType == code, "\(input): \(reply.body)")
        }
        let token = "3f2b8a10-1c4d-4e5f-8a9b-0c1d2e3f4a5b"
        let first = try await server.call("AmazonSSM.StartAutomationExecution", [
            "DocumentName": "AWS-StopEC2Instance", "Parameters": ["InstanceId": ["i-1"]], "ClientToken": .string(token)])
        let second = try await server.call("AmazonSSM.StartAutomationExecution", [
            "DocumentName": "AWS-StopEC2Instance", "Parameters": ["InstanceId": ["i-1"]], "ClientToken": .string(token)])
        #expect(first.body["AutomationExecutionId"] != nil && first.body == second.body)
        let conflict = try await server.call("AmazonSSM.StartAutomationExecution", [
            "DocumentName": "AWS-StopEC2Instance", "Parameters": ["InstanceId": ["i-2"]], "ClientToken": .string(token)])
        #expect(conflict.errorType == "IdempotentParameterMismatch")
    }

    @Test("DescribeAutomationExecutions: filters, newest first, pages; DescribeAutomationStepExecutions: filters, ReverseOrder, pages")
    func describe() async throws {
        let server = try await APITestServer(fleet: Self.fleet(("web", 3, [])))
        defer { server.stop() }
        var ids: [String] = []
        for instance in Self.ids("web", 3) {
            server.clock.advance(to: server.clock.now().addingTimeInterval(60))
            let reply = try await server.call("AmazonSSM.StartAutomationExecution", [
                "DocumentName": "AWS-StopEC2Instance", "Parameters": ["InstanceId": [.string(instance)]]])
            ids.append(try #require(reply.body["AutomationExecutionId"]?.stringValue))
        }
        server.clock.advance(to: server.clock.now().addingTimeInterval(60))
        let failing = try #require(try await server.call("AmazonSSM.StartAutomationExecution", [
            "DocumentName": "AWS-StartRdsInstance", "Parameters": ["InstanceId": ["missing-db"]]]).body["AutomationExecutionId"]?.stringValue)
        for id in ids + [failing] { _ = try await server.automations.finished(id) }

        var listed: [String] = []
        var token: JSONValue = .null
        var pages = 0
        repeat {
            let page = try await server.call("AmazonSSM.DescribeAutomationExecutions", ["MaxResults": 3, "NextToken": token])
            #expect(page.status == 200, "\(page.body)")
            listed += page.body["AutomationExecutionMetadataList"]?.arrayValue?.compactMap { $0["AutomationExecutionId"]?.stringValue } ?? []
            token = page.body["NextToken"] ?? .null
            pages += 1
        } while !token.isNull && pages < 5
        #expect(listed == [failing] + ids.reversed(), "newest first, every execution once")
        #expect(pages == 2)

        func filtered(_ filters: JSONValue) async throws -> [String] {
            let reply = try await server.call("AmazonSSM.DescribeAutomationExecutions", ["Filters": filters])
            return reply.body["AutomationExecutionMetadataList"]?.arrayValue?.compactMap { $0["AutomationExecutionId"]?.stringValue } ?? []
        }
        #expect(try await filtered([["Key": "ExecutionStatus", "Values": ["Failed"]]]) == [failing])
        #expect(try await filtered([["Key": "DocumentNamePrefix", "Values": ["AWS-Stop"]]]) == ids.reversed())
        #expect(try await filtered([["Key": "ExecutionId", "Values": [.string(ids[1])]]]) == [ids[1]])
        #expect(try await filtered([["Key": "StartTimeAfter", "Values": ["2026-12-01T12:02:30Z"]],
                                    ["Key": "StartTimeBefore", "Values": ["2026-12-01T12:04:30Z"]]]) == [failing, ids[2]])
        #expect(try await filtered([["Key": "AutomationType", "Values": ["CrossAccount"]]]).isEmpty)
        let metadata = try #require(try await server.call("AmazonSSM.DescribeAutomationExecutions", [
            "Filters": [["Key": "ExecutionId", "Values": [.string(failing)]]]]).body["AutomationExecutionMetadataList"]?[0])
        #expect(metadata["AutomationExecutionStatus"] == "Failed")
        #expect(metadata["FailureMessage"]?.stringValue?.contains("DBInstanceNotFound") == true)
        #expect(metadata["AutomationType"] == "Local" && metadata["Mode"] == "Auto" && metadata["DocumentVersion"] == "1")
        #expect(try await server.call("AmazonSSM.DescribeAutomationExecutions", ["Filters": [["Key": "Colour", "Values": ["x"]]]]).errorType
                == "InvalidFilterKey")
        #expect(try await server.call("AmazonSSM.DescribeAutomationExecutions", ["Filters": [["Key": "ExecutionStatus", "Values": ["Done"]]]])
                .errorType == "InvalidFilterValue")
        #expect(try await server.call("AmazonSSM.DescribeAutomationExecutions", ["NextToken": "bm9wZQ=="]).errorType == "InvalidNextToken")

        let steps = try await server.call("AmazonSSM.DescribeAutomationStepExecutions", ["AutomationExecutionId": .string(failing)])
        #expect(steps.body["StepExecutions"]?.arrayValue?.map { $0["StepName"] } == ["AssertNotStartingOrAvailable", "StartInstance"])
        let reversed = try await server.call("AmazonSSM.DescribeAutomationStepExecutions", [
            "AutomationExecutionId": .string(failing), "ReverseOrder": true, "MaxResults": 1])
        #expect(reversed.body["StepExecutions"]?.arrayValue?.map { $0["StepName"] } == ["StartInstance"])
        let next = try await server.call("AmazonSSM.DescribeAutomationStepExecutions", [
            "AutomationExecutionId": .string(failing), "ReverseOrder": true, "MaxResults": 1, "NextToken": reversed.body["NextToken"] ?? .null])
        #expect(next.body["StepExecutions"]?.arrayValue?.map { $0["StepName"] } == ["AssertNotStartingOrAvailable"])
        #expect(next.body["NextToken"] == nil)
        let failedOnly = try await server.call("AmazonSSM.DescribeAutomationStepExecutions", [
            "AutomationExecutionId": .string(failing), "Filters": [["Key": "StepExecutionStatus", "Values": ["Failed"]],
                                                                   ["Key": "Action", "Values": ["aws:executeAwsApi"]]]])
        let only = try #require(failedOnly.body["StepExecutions"]?.arrayValue)
        #expect(only.map { $0["StepName"] } == ["StartInstance"])
        #expect(only.first?["FailureMessage"] == "rds.StartDBInstance failed: DBInstanceNotFound: DBInstance missing-db not found.")
        #expect(only.first?["FailureDetails"]?["FailureStage"] == "Invocation")
        #expect(try await server.call("AmazonSSM.DescribeAutomationStepExecutions", [
            "AutomationExecutionId": "00000000-0000-0000-0000-000000000000"]).errorType == "AutomationExecutionNotFoundException")
    }

    @Test("rate control over HTTP: Targets by tag, children with ParentAutomationExecutionId, ResolvedTargets, ProgressCounters")
    func rateControl() async throws {
        let server = try await APITestServer(fleet: Self.fleet(("office", 3, [Actions.Tag("Schedule", "office-hours")]),
                                                               ("other", 1, [Actions.Tag("Schedule", "never")])))
        defer { server.stop() }
        let office = Self.ids("office", 3).sorted()
        let other = Self.ids("other", 1)[0]
        let reply = try await server.call("AmazonSSM.StartAutomationExecution", [
            "DocumentName": "AWS-StopEC2Instance", "TargetParameterName": "InstanceId",
            "Targets": [["Key": "tag:Schedule", "Values": ["office-hours"]]], "MaxConcurrency": "100%", "MaxErrors": "0",
        ])
        let parent = try #require(reply.body["AutomationExecutionId"]?.stringValue, "\(reply.body)")
        _ = try await server.automations.finished(parent)
        let execution = try #require(try await server.call("AmazonSSM.GetAutomationExecution", ["AutomationExecutionId": .string(parent)])
            .body["AutomationExecution"])
        #expect(execution["AutomationExecutionStatus"] == "Success")
        #expect(execution["TargetParameterName"] == "InstanceId")
        #expect(execution["Targets"] == [["Key": "tag:Schedule", "Values": ["office-hours"]]])
        #expect(execution["ResolvedTargets"] == ["ParameterValues": .array(office.map { .string($0) }), "Truncated": false])
        #expect(execution["MaxConcurrency"] == "100%" && execution["MaxErrors"] == "0")
        #expect(execution["ProgressCounters"] == ["TotalSteps": 3, "SuccessSteps": 3, "FailedSteps": 0, "CancelledSteps": 0, "TimedOutSteps": 0])
        let children = try await server.call("AmazonSSM.DescribeAutomationExecutions", [
            "Filters": [["Key": "ParentExecutionId", "Values": [.string(parent)]]]])
        let list = try #require(children.body["AutomationExecutionMetadataList"]?.arrayValue)
        #expect(list.count == 3)
        #expect(Set(list.compactMap { $0["Target"]?.stringValue }) == Set(office))
        #expect(list.allSatisfy { $0["ParentAutomationExecutionId"] == .string(parent) && $0["AutomationExecutionStatus"] == "Success" })
        #expect(try await server.instanceState(other) == "running")
    }

    @Test("AWS's runbooks are documents owned by Amazon: described, listed, read, never changed")
    func amazonDocuments() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        let described = try #require(try await server.call("AmazonSSM.DescribeDocument", ["Name": "AWS-StopRdsInstance"]).body["Document"])
        #expect(described["Owner"] == "Amazon")
        #expect(described["DocumentType"] == "Automation" && described["DocumentFormat"] == "YAML")
        #expect(described["DocumentVersion"] == "1" && described["DefaultVersion"] == "1")
        #expect(described["Description"] == "Stop RDS instance")
        #expect(described["Parameters"]?.arrayValue?.compactMap { $0["Name"]?.stringValue } == ["InstanceId", "AutomationAssumeRole"])
        let content = try await server.call("AmazonSSM.GetDocument", ["Name": "AWS-StopEC2Instance", "DocumentVersion": "$DEFAULT"])
        #expect(content.body["Content"]?.stringValue?.contains("forceStopInstances") == true)
        #expect(try await server.call("AmazonSSM.GetDocument", ["Name": "AWS-StopEC2Instance", "DocumentVersion": "2"]).errorType
                == "InvalidDocumentVersion")
        let amazon = try await server.call("AmazonSSM.ListDocuments", ["Filters": [["Key": "Owner", "Values": ["Amazon"]]]])
        #expect(amazon.body["DocumentIdentifiers"]?.arrayValue?.compactMap { $0["Name"]?.stringValue }
                == ["AWS-RunShellScript", "AWS-StartEC2Instance", "AWS-StartRdsInstance", "AWS-StopEC2Instance", "AWS-StopRdsInstance"])
        #expect(amazon.body["DocumentIdentifiers"]?[0]?["Owner"] == "Amazon")
        let automations = try await server.call("AmazonSSM.ListDocuments", ["Filters": [["Key": "DocumentType", "Values": ["Automation"]]]])
        #expect(automations.body["DocumentIdentifiers"]?.arrayValue?.count == 4)
        let versions = try await server.call("AmazonSSM.ListDocumentVersions", ["Name": "AWS-StartEC2Instance"])
        #expect(versions.body["DocumentVersions"]?.arrayValue?.count == 1)
        for (operation, input) in [("UpdateDocument", ["Name": "AWS-StopEC2Instance", "Content": "x"] as JSONValue),
                                   ("DeleteDocument", ["Name": "AWS-StopEC2Instance"]),
                                   ("UpdateDocumentDefaultVersion", ["Name": "AWS-StopEC2Instance", "DocumentVersion": "1"])] {
            #expect(try await server.call("AmazonSSM.\(operation)", input).errorType == "InvalidDocumentOperation", "\(operation)")
        }
    }

    @Test("PutTargets takes an automation definition ARN and lists it back")
    func automationTargets() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        _ = try await server.call("AWSEvents.PutRule", ["Name": "nightly", "EventPattern": #"{"source":["aws.ssm"]}"#])
        let arn = "arn:aws:ssm:us-east-1:123456789012:automation-definition/AWS-StopEC2Instance:$DEFAULT"
        let put = try await server.call("AWSEvents.PutTargets", ["Rule": "nightly", "Targets": [
            ["Id": "stop", "Arn": .string(arn), "RoleArn": "arn:aws:iam::123456789012:role/automation",
             "Input": #"{"InstanceId":["i-1","i-2"]}"#],
            ["Id": "bad", "Arn": "arn:aws:ssm:us-east-1:123456789012:automation-definition/AWS-StopEC2Instance:latest"],
        ]])
        #expect(put.body["FailedEntryCount"] == 1)
        #expect(put.body["FailedEntries"]?[0]?["TargetId"] == "bad")
        let listed = try await server.call("AWSEvents.ListTargetsByRule", ["Rule": "nightly"])
        #expect(listed.body["Targets"]?[0]?["Arn"] == .string(arn))
        #expect(listed.body["Targets"]?[0]?["Input"] == #"{"InstanceId":["i-1","i-2"]}"#)
        let rule = try #require(server.state.rules.rules["nightly"])
        #expect(rule.targets.first?.automation?.documentName == "AWS-StopEC2Instance")
        #expect(rule.targets.first?.automation?.documentVersion == "$DEFAULT")
    }
}
