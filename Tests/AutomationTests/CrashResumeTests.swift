import Actions
import Automation
import EventBus
import Foundation
import GRDB
import SchedulerTesting
import Store
import Testing

/// The daemon killed mid-execution: a fresh engine on the same database file carries on where
/// the execution stood, and no completed step runs again.
@Suite("Crash and resume", .timeLimit(.minutes(1)))
struct CrashResumeTests {
    static let runbook = """
        schemaVersion: '0.3'
        parameters:
          InstanceId: {type: String}
        mainSteps:
          - name: stop
            action: aws:executeAwsApi
            inputs: {Service: ec2, Api: StopInstances, InstanceIds: ['{{ InstanceId }}']}
          - name: script
            action: aws:runCommand
            onFailure: Continue
            inputs: {DocumentName: AWS-RunShellScript, InstanceIds: ['{{ InstanceId }}'], Parameters: {commands: ['sleep 300']}}
          - name: wait
            action: aws:sleep
            inputs: {Duration: PT1H}
          - name: approve
            action: aws:approve
            inputs: {Approvers: [alice], MinRequiredApprovals: 2}
          - name: start
            action: aws:changeInstanceState
            inputs: {InstanceIds: ['{{ InstanceId }}'], DesiredState: running}
        """

    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-automation-\(UUID().uuidString)").path
    }

    @Test("each engine is killed mid-step; the next resumes: the completed steps are not repeated, the waits keep their deadlines")
    func resumes() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualWallClock(now: at("2026-12-01T22:00:00Z"))
        let fleet = FleetDeclaration(groups: [.of("web", 1)])
        let instance = Harness.instanceId("web")

        // Engine 1: the stop call completes, then it dies while the shell script runs.
        var harness: Harness? = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, fleet: fleet)
        try harness!.document("nightly", Self.runbook)
        let id = try harness!.start("nightly", ["InstanceId": [instance]])
        _ = try await harness!.step(id, "script", is: "InProgress")
        await harness!.stop()
        #expect(try await harness!.instanceState(instance) == "stopped")
        // From here on, a StopInstances naming the instance would be refused once (and wait 1 s):
        // the fault still being there at the end shows the completed stop never ran again.
        let tripwire = try harness!.addFault(Fault(kind: .throttle, resource: instance, operation: "StopInstances", remaining: 1))
        harness = nil

        // Engine 2: the interrupted script is not run again (not safe to repeat): it fails, and
        // onFailure: Continue goes on to the sleep. It dies 30 minutes into the hour.
        harness = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, fleet: fleet)
        let sleeping = try await harness!.step(id, "wait", is: "InProgress")
        let script = try #require(try harness!.database.automationSteps(executionId: id).first { $0.stepName == "script" })
        #expect(script.status == "Failed")
        #expect(script.failureMessage == "The daemon stopped while this step was in flight; it was not run again because aws:runCommand is not safe to repeat.")
        await harness!.advance(1800)
        await harness!.stop()
        harness = nil

        // Engine 3: the sleep carries on to its original deadline (30 minutes left), then the
        // approval waits; one approval arrives; it dies.
        harness = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, fleet: fleet)
        await harness!.clock.waitForSleepers(1)
        #expect(harness!.clock.nextDeadline == at("2026-12-01T23:00:00Z"))
        harness!.clock.advance(to: at("2026-12-01T23:00:00Z"))
        _ = try await harness!.step(id, "approve", is: "Waiting")
        try await harness!.engine.signal(id, .approve, payload: [:], caller: "alice")
        await harness!.stop()
        harness = nil

        // Engine 4: the approval recorded before the crash still counts; a second one ends the wait.
        harness = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, fleet: fleet)
        let waiting = try await harness!.step(id, "approve", is: "Waiting")
        #expect(waiting.state.flatMap { try? JSONValue(json: $0) }?["Decisions"]?.arrayValue?.count == 1)
        try await harness!.engine.signal(id, .approve, payload: [:], caller: "bob")
        let record = try await harness!.finished(id)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        let steps = try harness!.database.automationSteps(executionId: id)
        #expect(steps.map { "\($0.stepName):\($0.status)" } == ["stop:Success", "script:Failed", "wait:Success", "approve:Success", "start:Success"])
        #expect(steps.first { $0.stepName == "wait" }?.stepExecutionId == sleeping.stepExecutionId, "the same step execution, resumed")
        #expect(try harness!.faults() == [tripwire], "the completed stop was never repeated")
        #expect(try await harness!.instanceState(instance) == "running")
        #expect(try harness!.instanceStates(instance) == ["stopping", "stopped", "pending", "running"], "one stop, one start")
        // Exactly one event per status taken, across four engines.
        let statuses = try harness!.events().filter { $0.0.hasPrefix("EC2 Automation Execution") }.map { $0.1["Status"]?.stringValue ?? "" }
        #expect(statuses == ["Pending", "InProgress", "Waiting", "InProgress", "Success"])
        #expect(try harness!.database.integrityCheck() == "ok")
        await harness!.stop()
    }

    @Test("a changeInstanceState in flight is repeated after a restart: it converges by desired state without a second call")
    func repeatsIdempotentSteps() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualWallClock(now: at("2026-12-01T22:00:00Z"))
        let fleet = FleetDeclaration(groups: [.of("web", 1)])
        let times = TransitionTimes.transitions(taking: 60)
        let instance = Harness.instanceId("web")
        var harness: Harness? = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, fleet: fleet, times: times)
        let id = try harness!.start("AWS-StopEC2Instance", ["InstanceId": [instance]])
        _ = try await harness!.step(id, "stopInstances", is: "InProgress")
        await harness!.clock.waitForSleepers(2)   // stopping, polling
        #expect(try harness!.instanceStates(instance) == ["stopping"])
        await harness!.stop()
        // A StopInstances naming the instance from here on would be refused once: the fault
        // still being there at the end shows there was none.
        let tripwire = try harness!.addFault(Fault(kind: .throttle, resource: instance, operation: "StopInstances", remaining: 1))
        harness = nil

        harness = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, fleet: fleet, times: times)
        let record = try await harness!.drive(id, sleepers: 2)
        #expect(record.status == "Success")
        let steps = try harness!.database.automationSteps(executionId: id)
        #expect(steps.map(\.attempts) == [1, 1], "the resumed attempt is the same attempt")
        #expect(try harness!.faults() == [tripwire], "the instance was already stopping: no second call")
        #expect(try await harness!.instanceState(instance) == "stopped")
        #expect(try harness!.instanceChanges(instance) == [.init(state: "stopping", time: at("2026-12-01T22:00:00Z")),
                                                           .init(state: "stopped", time: at("2026-12-01T22:01:00Z"))],
                "the one stop, completed on time")
        await harness!.stop()
    }

    @Test("a rate-controlled parent resumes: children already made are not made again, the rest start")
    func resumesParents() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualWallClock(now: at("2026-12-01T22:00:00Z"))
        var fleet = FleetDeclaration(groups: [.of("web", 4, tags: ["Schedule": "nightly"])])
        let times = TransitionTimes.transitions(taking: 60)
        let instances = Harness.instanceIds("web", 4)
        var harness: Harness? = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, fleet: fleet, times: times)
        let parent = try harness!.start("AWS-StopEC2Instance", targets: [.init(key: "tag:Schedule", values: ["nightly"])],
                                        targetParameter: "InstanceId", maxConcurrency: "2")
        _ = try await harness!.engine.execution(parent) { _ in
            (try? harness!.database.automationChildren(parentId: parent).count) == 2
        }
        await harness!.clock.waitForSleepers(4)
        await harness!.stop()
        // The two children in flight were stopping their instances: after the restart, a
        // StopInstances naming either would be refused once; the faults still being there at
        // the end show their resumed steps made none.
        let inFlight = try harness!.database.automationChildren(parentId: parent).compactMap(\.target)
        #expect(inFlight.count == 2)
        let tripwires = try inFlight.map { try harness!.addFault(Fault(kind: .throttle, resource: $0, operation: "StopInstances", remaining: 1)) }
        harness = nil

        // While the daemon is down, a fifth instance gets the tag: the targets were resolved
        // before the crash, so the resumed parent does not see it.
        fleet.groups.append(.of("late", 1, tags: ["Schedule": "nightly"]))
        let late = Harness.instanceId("late")
        harness = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, fleet: fleet, times: times)
        let record = try await harness!.drive(parent, sleepers: 2)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        let children = try harness!.database.automationChildren(parentId: parent)
        #expect(children.count == 4)
        #expect(Set(children.compactMap(\.target)) == Set(instances))
        for instance in instances { #expect(try harness!.instanceStates(instance) == ["stopping", "stopped"], "each stopped once") }
        #expect(try harness!.faults() == tripwires, "no second StopInstances for the instances already stopping")
        #expect(try await harness!.instanceState(late) == "running", "targets resolved once, before the crash")
        #expect(try harness!.instanceStates(late).isEmpty)
        await harness!.stop()
    }
}
