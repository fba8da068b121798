import Actions
import Automation
import Foundation
import SchedulerTesting
import Store
import Testing

/// How long a fleet stop takes through the engine, against the EC2 simulator with no
/// transition time, the fleet and every execution persisted in a file database. Opt-in:
/// `SCHEDULERD_AUTOMATION_SCALE=10000 swift test --skip-build --filter ScaleTests`.
@Suite("Scale (opt-in)")
struct ScaleTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SCHEDULERD_AUTOMATION_SCALE"] != nil))
    func fleetStop() async throws {
        let count = Int(ProcessInfo.processInfo.environment["SCHEDULERD_AUTOMATION_SCALE"] ?? "") ?? 1000
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-scale-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let harness = try Harness(database: try SchedulerDatabase.open(directory: directory),
                                  fleet: FleetDeclaration(groups: [.of("fleet", count, tags: ["Schedule": "nightly"])]))
        let started = ContinuousClock.now
        let parent = try harness.start("AWS-StopEC2Instance", targets: [.init(key: "tag:Schedule", values: ["nightly"])],
                                       targetParameter: "InstanceId", maxConcurrency: "100%", maxErrors: "0")
        let record = try await harness.finished(parent)
        let elapsed = started.duration(to: .now)
        #expect(record.status == "Success")
        #expect(try harness.database.automationChildren(parentId: parent).count == count)
        #expect(try harness.simulator.fleetSummary() == "\(count) EC2 instance\(count == 1 ? "" : "s") (\(count) stopped)")
        print("scale: \(count) instances stopped through \(count) child executions in \(elapsed)")
        await harness.stop()
    }
}
