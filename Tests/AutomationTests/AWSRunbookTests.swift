import Automation
import EventBus
import Foundation
import SchedulerTesting
import Store
import Testing

/// AWS's four Start/Stop runbooks against the EC2/RDS test double (after the merge: against
/// the simulators).
@Suite("AWS-StartEC2Instance, AWS-StopEC2Instance, AWS-StartRdsInstance, AWS-StopRdsInstance", .timeLimit(.minutes(1)))
struct AWSRunbookTests {
    @Test("AWS-StopEC2Instance stops every instance given, waiting for stopping → stopped on the daemon's clock")
    func stopEC2() async throws {
        let harness = try Harness(transitionSeconds: 20)
        for id in ["i-1", "i-2"] { harness.cloud.addInstance(id, state: "running") }
        harness.cloud.addInstance("i-3", state: "stopped")
        let id = try harness.start("AWS-StopEC2Instance", ["InstanceId": ["i-1", "i-2", "i-3"]])
        let record = try await harness.drive(id, sleepers: 2)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        #expect(record.documentVersion == "1")
        #expect(["i-1", "i-2", "i-3"].map(harness.cloud.instanceState) == ["stopped", "stopped", "stopped"])
        let steps = try harness.database.automationSteps(executionId: id)
        #expect(steps.map(\.stepName) == ["stopInstances", "forceStopInstances"])
        #expect(steps[0].inputValues == ["InstanceIds": ["i-1", "i-2", "i-3"], "DesiredState": "stopped"])
        let stops = harness.cloud.calls("StopInstances")
        #expect(stops.count == 1, "one call for the two running instances; the stopped one is left alone")
        #expect(stops.first?.parameters["InstanceIds"] == ["i-1", "i-2"])
        #expect(record.endTime == at("2026-12-01T12:00:20Z").timeIntervalSince1970, "20 s of simulated transition")
        let parameters = try JSONValue(json: record.parameters)
        #expect(parameters == ["InstanceId": ["i-1", "i-2", "i-3"], "AutomationAssumeRole": [""]])
    }

    @Test("AWS-StartEC2Instance waits for running and for the status checks")
    func startEC2() async throws {
        let harness = try Harness(transitionSeconds: 10)
        harness.cloud.addInstance("i-1", state: "stopped")
        let id = try harness.start("AWS-StartEC2Instance", ["InstanceId": ["i-1"]])
        let record = try await harness.drive(id, sleepers: 2)
        #expect(record.status == "Success")
        #expect(harness.cloud.instanceState("i-1") == "running")
        #expect(harness.cloud.calls("StartInstances").count == 1)
        #expect(!harness.cloud.calls("DescribeInstanceStatus").isEmpty)
    }

    @Test("AWS-StopEC2Instance on an unknown instance: the first step's failure continues, the forced stop fails")
    func stopUnknown() async throws {
        let harness = try Harness()
        let record = try await harness.finished(try harness.start("AWS-StopEC2Instance", ["InstanceId": ["i-nothere"]]))
        #expect(record.status == "Failed")
        let steps = try harness.database.automationSteps(executionId: record.id)
        #expect(steps.map(\.status) == ["Failed", "Failed"])
        #expect(record.failureMessage?.contains("InvalidInstanceID.NotFound") == true)
    }

    @Test("AWS-StopRdsInstance: an available database is stopped; an already stopped one goes straight to the check")
    func stopRDS() async throws {
        let harness = try Harness(transitionSeconds: 60)
        harness.cloud.addDatabase("orders", status: "available")
        harness.cloud.addDatabase("reports", status: "stopped")
        let stopping = try harness.start("AWS-StopRdsInstance", ["InstanceId": ["orders"]])
        let record = try await harness.drive(stopping, sleepers: 2)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        let steps = try harness.database.automationSteps(executionId: stopping)
        #expect(steps.map { "\($0.stepName):\($0.status)" } == ["AssertNotStopped:Failed", "StopInstance:Success", "CheckStop:Success"])
        #expect(harness.cloud.databaseStatus("orders") == "stopped")

        let skipped = try await harness.finished(try harness.start("AWS-StopRdsInstance", ["InstanceId": ["reports"]]))
        #expect(skipped.status == "Success")
        #expect(try harness.database.automationSteps(executionId: skipped.id).map(\.stepName) == ["AssertNotStopped", "CheckStop"])
        #expect(harness.cloud.calls("StopDBInstance").count == 1)
    }

    @Test("AWS-StartRdsInstance starts a stopped database; an unknown one fails at the start call")
    func startRDS() async throws {
        let harness = try Harness(transitionSeconds: 0)
        harness.cloud.addDatabase("orders", status: "stopped")
        let record = try await harness.finished(try harness.start("AWS-StartRdsInstance", ["InstanceId": ["orders"]]))
        #expect(record.status == "Success")
        #expect(harness.cloud.databaseStatus("orders") == "available")

        let missing = try await harness.finished(try harness.start("AWS-StartRdsInstance", ["InstanceId": ["nothing"]]))
        #expect(missing.status == "Failed")
        #expect(missing.failureMessage == "Step StartInstance failed: rds.StartDBInstance failed: DBInstanceNotFound: DBInstance nothing not found.")
    }

    @Test("start refusals: unknown runbook, unknown version, missing and unknown parameters, wrong types, Interactive mode")
    func refusals() throws {
        let harness = try Harness()
        func code(_ body: () throws -> String) -> String? {
            do { _ = try body(); return nil } catch let error as AutomationError { return error.code } catch { return "\(error)" }
        }
        #expect(code { try harness.start("No-Such-Runbook") } == "AutomationDefinitionNotFoundException")
        #expect(code { try harness.engine.start(.init(documentName: "AWS-StopEC2Instance", documentVersion: "2",
                                                      parameters: ["InstanceId": ["i-1"]], executedBy: "x")) }
                == "AutomationDefinitionVersionNotFoundException")
        #expect(code { try harness.start("AWS-StopEC2Instance") } == "InvalidAutomationExecutionParametersException")
        #expect(code { try harness.start("AWS-StopEC2Instance", ["InstanceId": ["i-1"], "Extra": ["x"]]) }
                == "InvalidAutomationExecutionParametersException")
        #expect(code { try harness.start("AWS-StopRdsInstance", ["InstanceId": ["a", "b"]]) } == "InvalidAutomationExecutionParametersException")
        #expect(code { try harness.engine.start(.init(documentName: "AWS-StopEC2Instance", parameters: ["InstanceId": ["i-1"]],
                                                      mode: "Interactive", executedBy: "x")) }
                == "InvalidAutomationExecutionParametersException")
        #expect(code { try harness.start("AWS-StopEC2Instance", targets: [.init(key: "tag:Schedule", values: ["x"])]) }
                == "InvalidAutomationExecutionParametersException", "Targets without TargetParameterName")
        #expect(code { try harness.start("AWS-StopEC2Instance", targets: [.init(key: "ResourceGroup", values: ["x"])], targetParameter: "InstanceId") }
                == "InvalidTarget")
        #expect(try harness.database.unfinishedAutomationExecutions().isEmpty, "nothing was stored")
    }

    @Test("the same ClientToken gives the same execution; a different request under it is IdempotentParameterMismatch")
    func clientToken() async throws {
        let harness = try Harness()
        harness.cloud.addInstance("i-1", state: "running")
        let token = "7b9c2d10-4a3e-4f5b-9c8d-1e2f3a4b5c6d"
        let first = try harness.start("AWS-StopEC2Instance", ["InstanceId": ["i-1"]], token: token)
        let again = try harness.start("AWS-StopEC2Instance", ["InstanceId": ["i-1"]], token: token)
        #expect(first == again)
        _ = try await harness.finished(first)
        #expect(try harness.start("AWS-StopEC2Instance", ["InstanceId": ["i-1"]], token: token) == first, "also after it ended")
        do {
            _ = try harness.start("AWS-StopEC2Instance", ["InstanceId": ["i-2"]], token: token)
            Issue.record("a different request under the same token was accepted")
        } catch {
            #expect((error as? AutomationError)?.code == "IdempotentParameterMismatch")
        }
        #expect(try harness.database.automationExecutions(AutomationExecutionQuery(limit: 50)).count == 1)
        #expect(harness.cloud.calls("StopInstances").count == 1)
    }
}
