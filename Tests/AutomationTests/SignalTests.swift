import Automation
import EventBus
import Foundation
import SchedulerTesting
import Store
import Testing

@Suite("Approvals, pauses and stops", .timeLimit(.minutes(1)))
struct SignalTests {
    static let approval = """
        schemaVersion: '0.3'
        mainSteps:
          - name: approve
            action: aws:approve
            inputs:
              Approvers: [alice, bob]
              MinRequiredApprovals: 2
              Message: Stop the fleet?
          - {name: after, action: 'aws:sleep', inputs: {Duration: PT0S}}
        """

    @Test("aws:approve keeps the execution Waiting until enough approvals arrive")
    func approved() async throws {
        let harness = try Harness()
        try harness.document("approval", Self.approval)
        let id = try harness.start("approval")
        _ = try await harness.step(id, "approve", is: "Waiting")
        #expect(try harness.database.automationExecution(id: id)?.status == "Waiting")
        try await harness.engine.signal(id, .approve, payload: ["Comment": ["fine by me"]], caller: "alice")
        await #expect(throws: AutomationError.self) { try await harness.engine.signal(id, .resume, payload: [:], caller: "alice") }
        #expect(try harness.database.automationExecution(id: id)?.status == "Waiting", "one approval of two")
        try await harness.engine.signal(id, .approve, payload: [:], caller: "bob")
        let record = try await harness.finished(id)
        #expect(record.status == "Success")
        let step = try #require(try harness.database.automationSteps(executionId: id).first)
        #expect(step.outputValues["ApprovalStatus"] == "Approved")
        #expect(step.outputValues["ApproverDecisions"]?.arrayValue?.compactMap { $0["Approver"]?.stringValue } == ["alice", "bob"])
        #expect(step.outputValues["ApproverDecisions"]?[0]?["Comment"] == "fine by me")
        let statuses = try harness.events().filter { $0.0.hasPrefix("EC2 Automation Execution") }.map { $0.1["Status"] }
        #expect(statuses == ["Pending", "InProgress", "Waiting", "InProgress", "Success"])
        do {
            try await harness.engine.signal(id, .approve, payload: [:], caller: "carol")
            Issue.record("a signal to an ended execution was accepted")
        } catch {
            #expect(error.code == "InvalidAutomationSignalException")
        }
    }

    @Test("a rejection fails the step and the execution; an approval that times out is TimedOut")
    func rejectedAndTimedOut() async throws {
        let harness = try Harness()
        try harness.document("approval", Self.approval)
        let rejected = try harness.start("approval")
        _ = try await harness.step(rejected, "approve", is: "Waiting")
        try await harness.engine.signal(rejected, .reject, payload: ["Comment": ["not tonight"]], caller: "bob")
        let record = try await harness.finished(rejected)
        #expect(record.status == "Failed")
        #expect(record.failureMessage == "Step approve failed: The step was rejected by bob: not tonight")
        #expect(try harness.database.automationSteps(executionId: rejected).first?.outputValues["ApprovalStatus"] == "Rejected")

        let waiting = try harness.start("approval")
        _ = try await harness.step(waiting, "approve", is: "Waiting")
        await harness.advance(604_800)   // the default timeout of aws:approve: 7 days
        let timedOut = try await harness.finished(waiting)
        #expect(timedOut.status == "TimedOut")
    }

    @Test("aws:pause waits for Resume; signals for other steps are refused with AWS's error")
    func paused() async throws {
        let harness = try Harness()
        try harness.document("pausing", """
            schemaVersion: '0.3'
            mainSteps:
              - {name: hold, action: 'aws:pause', inputs: {}}
            """)
        let id = try harness.start("pausing")
        _ = try await harness.step(id, "hold", is: "Waiting")
        for signal in [AutomationSignal.approve, .startStep, .stopStep, .revoke] {
            do {
                try await harness.engine.signal(id, signal, payload: [:], caller: "alice")
                Issue.record("\(signal) accepted by a pause")
            } catch {
                #expect(error.code == "InvalidAutomationSignalException")
            }
        }
        do {
            try await harness.engine.signal("00000000-0000-0000-0000-000000000000", .resume, payload: [:], caller: "alice")
            Issue.record("a signal to an unknown execution was accepted")
        } catch {
            #expect(error.code == "AutomationExecutionNotFoundException")
        }
        try await harness.engine.signal(id, .resume, payload: [:], caller: "alice")
        #expect(try await harness.finished(id).status == "Success")
    }

    @Test("Cancel interrupts the step in flight, runs its onCancel step, and ends Cancelled; later steps stay unrun")
    func cancel() async throws {
        let harness = try Harness()
        try harness.document("cancellable", """
            schemaVersion: '0.3'
            mainSteps:
              - {name: wait, action: 'aws:sleep', inputs: {Duration: PT1H}, onCancel: 'step:cleanup'}
              - {name: work, action: 'aws:sleep', inputs: {Duration: PT0S}, isEnd: true}
              - {name: cleanup, action: 'aws:executeAwsApi', inputs: {Service: ec2, Api: DescribeInstances}}
            """)
        let id = try harness.start("cancellable")
        _ = try await harness.step(id, "wait", is: "InProgress")
        try await harness.engine.stop(id, type: .cancel)
        let record = try await harness.finished(id)
        #expect(record.status == "Cancelled")
        let steps = try harness.database.automationSteps(executionId: id)
        #expect(steps.map { "\($0.stepName):\($0.status)" } == ["wait:Cancelled", "cleanup:Success"])
        #expect(steps[1].isCancelWorkflow)
        let statuses = try harness.events().filter { $0.0.hasPrefix("EC2 Automation Execution") }.map { $0.1["Status"] }
        #expect(statuses == ["Pending", "InProgress", "Cancelling", "Cancelled"])
        do {
            try await harness.engine.stop(id, type: .cancel)
            Issue.record("stopping an ended execution was accepted")
        } catch {
            #expect(error.code == "InvalidAutomationStatusUpdateException")
        }
    }

    @Test("Complete stops at once with the status the steps so far give")
    func complete() async throws {
        let harness = try Harness()
        try harness.document("completable", """
            schemaVersion: '0.3'
            mainSteps:
              - {name: first, action: 'aws:sleep', inputs: {Duration: PT0S}}
              - {name: hold, action: 'aws:pause', inputs: {}}
              - {name: never, action: 'aws:sleep', inputs: {Duration: PT0S}}
            """)
        let id = try harness.start("completable")
        _ = try await harness.step(id, "hold", is: "Waiting")
        try await harness.engine.stop(id, type: .complete)
        let record = try await harness.finished(id)
        #expect(record.status == "Success")
        #expect(try harness.database.automationSteps(executionId: id).map(\.status) == ["Success", "Cancelled"])
    }
}
