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
        let cloud = EC2RDSTestDouble(clock: clock)
        cloud.addInstance("i-1", state: "running")

        // Engine 1: the stop call completes, then it dies while the shell script runs.
        var harness: Harness? = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, cloud: cloud)
        try harness!.document("nightly", Self.runbook)
        let id = try harness!.start("nightly", ["InstanceId": ["i-1"]])
        _ = try await harness!.step(id, "script", is: "InProgress")
        await harness!.stop()
        harness = nil
        #expect(cloud.instanceState("i-1") == "stopped")

        // Engine 2: the interrupted script is not run again (not safe to repeat): it fails, and
        // onFailure: Continue goes on to the sleep. It dies 30 minutes into the hour.
        harness = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, cloud: cloud)
        let sleeping = try await harness!.step(id, "wait", is: "InProgress")
        let script = try #require(try harness!.database.automationSteps(executionId: id).first { $0.stepName == "script" })
        #expect(script.status == "Failed")
        #expect(script.failureMessage == "The daemon stopped while this step was in flight; it was not run again because aws:runCommand is not safe to repeat.")
        await harness!.advance(1800)
        await harness!.stop()
        harness = nil

        // Engine 3: the sleep carries on to its original deadline (30 minutes left), then the
        // approval waits; one approval arrives; it dies.
        harness = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, cloud: cloud)
        await harness!.clock.waitForSleepers(1)
        #expect(harness!.clock.nextDeadline == at("2026-12-01T23:00:00Z"))
        harness!.clock.advance(to: at("2026-12-01T23:00:00Z"))
        _ = try await harness!.step(id, "approve", is: "Waiting")
        try await harness!.engine.signal(id, .approve, payload: [:], caller: "alice")
        await harness!.stop()
        harness = nil

        // Engine 4: the approval recorded before the crash still counts; a second one ends the wait.
        harness = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, cloud: cloud)
        let waiting = try await harness!.step(id, "approve", is: "Waiting")
        #expect(waiting.state.flatMap { try? JSONValue(json: $0) }?["Decisions"]?.arrayValue?.count == 1)
        try await harness!.engine.signal(id, .approve, payload: [:], caller: "bob")
        let record = try await harness!.finished(id)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        let steps = try harness!.database.automationSteps(executionId: id)
        #expect(steps.map { "\($0.stepName):\($0.status)" } == ["stop:Success", "script:Failed", "wait:Success", "approve:Success", "start:Success"])
        #expect(steps.first { $0.stepName == "wait" }?.stepExecutionId == sleeping.stepExecutionId, "the same step execution, resumed")
        #expect(cloud.calls("StopInstances").count == 1, "the completed stop was never repeated")
        #expect(cloud.instanceState("i-1") == "running")
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
        let cloud = EC2RDSTestDouble(clock: clock, transitionSeconds: 60)
        cloud.addInstance("i-1", state: "running")
        var harness: Harness? = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, cloud: cloud)
        let id = try harness!.start("AWS-StopEC2Instance", ["InstanceId": ["i-1"]])
        _ = try await harness!.step(id, "stopInstances", is: "InProgress")
        await harness!.clock.waitForSleepers(2)   // stopping, polling
        #expect(cloud.calls("StopInstances").count == 1)
        await harness!.stop()
        harness = nil

        harness = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, cloud: cloud)
        let record = try await harness!.drive(id, sleepers: 2)
        #expect(record.status == "Success")
        let steps = try harness!.database.automationSteps(executionId: id)
        #expect(steps.map(\.attempts) == [1, 1], "the resumed attempt is the same attempt")
        #expect(cloud.calls("StopInstances").count == 1, "the instance was already stopping: no second call")
        #expect(cloud.instanceState("i-1") == "stopped")
        await harness!.stop()
    }

    @Test("a rate-controlled parent resumes: children already made are not made again, the rest start")
    func resumesParents() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualWallClock(now: at("2026-12-01T22:00:00Z"))
        let cloud = EC2RDSTestDouble(clock: clock, transitionSeconds: 60)
        for index in 1...4 { cloud.addInstance("i-\(index)", state: "running", tags: ["Schedule": "nightly"]) }
        var harness: Harness? = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, cloud: cloud)
        let parent = try harness!.start("AWS-StopEC2Instance", targets: [.init(key: "tag:Schedule", values: ["nightly"])],
                                        targetParameter: "InstanceId", maxConcurrency: "2")
        _ = try await harness!.engine.execution(parent) { _ in
            (try? harness!.database.automationChildren(parentId: parent).count) == 2
        }
        await harness!.clock.waitForSleepers(4)
        await harness!.stop()
        harness = nil

        harness = try Harness(database: try SchedulerDatabase.open(directory: directory), clock: clock, cloud: cloud)
        let record = try await harness!.drive(parent, sleepers: 2)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        let children = try harness!.database.automationChildren(parentId: parent)
        #expect(children.count == 4)
        #expect(Set(children.compactMap(\.target)) == ["i-1", "i-2", "i-3", "i-4"])
        #expect(cloud.calls("StopInstances").count == 4)
        #expect(cloud.calls("DescribeInstances").filter { $0.parameters["Filters"] != nil }.count == 1, "targets resolved once")
        await harness!.stop()
    }
}
