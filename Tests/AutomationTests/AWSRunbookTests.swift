import Actions
import Automation
import EventBus
import Foundation
import SchedulerTesting
import Store
import Testing

/// AWS's four Start/Stop runbooks against the EC2 and RDS simulator.
@Suite("AWS-StartEC2Instance, AWS-StopEC2Instance, AWS-StartRdsInstance, AWS-StopRdsInstance", .timeLimit(.minutes(1)))
struct AWSRunbookTests {
    @Test("AWS-StopEC2Instance stops every instance given, waiting for stopping → stopped on the daemon's clock")
    func stopEC2() async throws {
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("web", 2), .of("spare", 1, .stopped)]),
                                  times: .transitions(taking: 20))
        let web = Harness.instanceIds("web", 2)
        let spare = Harness.instanceId("spare")
        let spareReason = try await harness.instance(spare).stateTransitionReason
        let id = try harness.start("AWS-StopEC2Instance", ["InstanceId": web + [spare]])
        _ = try await harness.step(id, "stopInstances", is: "InProgress")
        await harness.clock.waitForSleepers(2)   // stopping, polling
        // Any further StopInstances would be refused once (and wait 1 s): the fault still being
        // there at the end shows the one call made before was all.
        let tripwire = try harness.addFault(Fault(kind: .throttle, service: .ec2, operation: "StopInstances", remaining: 1))
        let record = try await harness.drive(id, sleepers: 2)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        #expect(record.documentVersion == "1")
        for instance in web + [spare] { #expect(try await harness.instanceState(instance) == "stopped") }
        let steps = try harness.database.automationSteps(executionId: id)
        #expect(steps.map(\.stepName) == ["stopInstances", "forceStopInstances"])
        #expect(steps[0].inputValues == ["InstanceIds": .array((web + [spare]).map { .string($0) }), "DesiredState": "stopped"])
        // The two running instances were stopped together at the start, and took the 20 s;
        // the stopped one was left alone: no state change, its stop reason untouched.
        for instance in web {
            #expect(try harness.instanceChanges(instance) == [.init(state: "stopping", time: at("2026-12-01T12:00:00Z")),
                                                              .init(state: "stopped", time: at("2026-12-01T12:00:20Z"))])
            #expect(try await harness.instance(instance).stateTransitionReason == "User initiated (2026-12-01 12:00:00 GMT)")
        }
        #expect(try harness.instanceChanges(spare).isEmpty)
        #expect(try harness.faults() == [tripwire], "one StopInstances call")
        #expect(try await harness.instance(spare).stateTransitionReason == spareReason)
        #expect(record.endTime == at("2026-12-01T12:00:20Z").timeIntervalSince1970, "20 s of simulated transition")
        let parameters = try JSONValue(json: record.parameters)
        #expect(parameters == ["InstanceId": .array((web + [spare]).map { .string($0) }), "AutomationAssumeRole": [""]])
    }

    @Test("AWS-StartEC2Instance starts a stopped instance and waits for running (and its status checks)")
    func startEC2() async throws {
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("web", 1, .stopped)]), times: .transitions(taking: 10))
        let instance = Harness.instanceId("web")
        let id = try harness.start("AWS-StartEC2Instance", ["InstanceId": [instance]])
        _ = try await harness.step(id, "startInstances", is: "InProgress")
        await harness.clock.waitForSleepers(2)   // pending, polling
        let tripwire = try harness.addFault(Fault(kind: .throttle, service: .ec2, operation: "StartInstances", remaining: 1))
        let record = try await harness.drive(id, sleepers: 2)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        #expect(try await harness.instanceState(instance) == "running")
        #expect(try harness.instanceChanges(instance) == [.init(state: "pending", time: at("2026-12-01T12:00:00Z")),
                                                          .init(state: "running", time: at("2026-12-01T12:00:10Z"))],
                "one start")
        #expect(try harness.faults() == [tripwire], "one StartInstances call")
        // The simulator's status checks pass as soon as an instance runs, so the step ends then.
        #expect(record.endTime == at("2026-12-01T12:00:10Z").timeIntervalSince1970, "it waited the 10 s of pending")
    }

    @Test("AWS-StopEC2Instance on an unknown instance: the first step's failure continues, the forced stop fails")
    func stopUnknown() async throws {
        let harness = try Harness()
        let unknown = Harness.instanceId("never-declared")
        let record = try await harness.finished(try harness.start("AWS-StopEC2Instance", ["InstanceId": [unknown]]))
        #expect(record.status == "Failed")
        let steps = try harness.database.automationSteps(executionId: record.id)
        #expect(steps.map(\.status) == ["Failed", "Failed"])
        #expect(record.failureMessage?.contains("InvalidInstanceID.NotFound: The instance ID '\(unknown)' does not exist") == true,
                "\(record.failureMessage ?? "")")
    }

    @Test("AWS-StopRdsInstance: an available database is stopped; an already stopped one goes straight to the check")
    func stopRDS() async throws {
        let harness = try Harness(fleet: FleetDeclaration(databases: [.init(identifier: "orders"),
                                                                      .init(identifier: "reports", initialStatus: .stopped)]),
                                  times: .transitions(taking: 60))
        let stopping = try harness.start("AWS-StopRdsInstance", ["InstanceId": ["orders"]])
        let record = try await harness.drive(stopping, sleepers: 2)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        let steps = try harness.database.automationSteps(executionId: stopping)
        #expect(steps.map { "\($0.stepName):\($0.status)" } == ["AssertNotStopped:Failed", "StopInstance:Success", "CheckStop:Success"])
        #expect(try await harness.databaseStatus("orders") == "stopped")
        #expect(record.endTime == at("2026-12-01T12:01:00Z").timeIntervalSince1970, "60 s of simulated transition")

        let skipped = try await harness.finished(try harness.start("AWS-StopRdsInstance", ["InstanceId": ["reports"]]))
        #expect(skipped.status == "Success")
        #expect(try harness.database.automationSteps(executionId: skipped.id).map(\.stepName) == ["AssertNotStopped", "CheckStop"])
        // One stop, of orders (shutdown, then stopped); reports never changed.
        #expect(try harness.databaseEvents("orders") == ["RDS-EVENT-0004", "RDS-EVENT-0087"])
        #expect(try harness.databaseEvents("reports").isEmpty)
    }

    @Test("AWS-StartRdsInstance starts a stopped database; an unknown one fails at the start call")
    func startRDS() async throws {
        let harness = try Harness(fleet: FleetDeclaration(databases: [.init(identifier: "orders", initialStatus: .stopped)]))
        let record = try await harness.finished(try harness.start("AWS-StartRdsInstance", ["InstanceId": ["orders"]]))
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        #expect(try await harness.databaseStatus("orders") == "available")
        #expect(try harness.databaseEvents("orders") == ["RDS-EVENT-0006", "RDS-EVENT-0088"], "restarted, then started")

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
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("web", 2)]))
        let (first, second) = (Harness.instanceId("web", 0), Harness.instanceId("web", 1))
        let token = "7b9c2d10-4a3e-4f5b-9c8d-1e2f3a4b5c6d"
        let one = try harness.start("AWS-StopEC2Instance", ["InstanceId": [first]], token: token)
        let again = try harness.start("AWS-StopEC2Instance", ["InstanceId": [first]], token: token)
        #expect(one == again)
        _ = try await harness.finished(one)
        #expect(try harness.start("AWS-StopEC2Instance", ["InstanceId": [first]], token: token) == one, "also after it ended")
        do {
            _ = try harness.start("AWS-StopEC2Instance", ["InstanceId": [second]], token: token)
            Issue.record("a different request under the same token was accepted")
        } catch {
            #expect((error as? AutomationError)?.code == "IdempotentParameterMismatch")
        }
        #expect(try harness.database.automationExecutions(AutomationExecutionQuery(limit: 50)).count == 1)
        #expect(try harness.instanceStates(first) == ["stopping", "stopped"], "stopped once")
        #expect(try harness.instanceStates(second).isEmpty, "the refused request touched nothing")
        #expect(try await harness.instanceState(second) == "running")
    }
}
