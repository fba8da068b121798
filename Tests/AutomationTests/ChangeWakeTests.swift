import Actions
import Automation
import Foundation
import Logging
import Testing

/// `aws:changeInstanceState` wakes when the simulator records the state it waits for, not at
/// its next poll: with thousands of instances every poll interval saved is seconds of a fleet's
/// stop.
@Suite("Waiting for a state wakes on the change", .timeLimit(.minutes(1)))
struct ChangeWakeTests {
    @Test("a 20-second stop with a 5-minute poll interval: the step ends at 20 s, when the transition completes")
    func wakesOnTheTransition() async throws {
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("web", 1)]), times: .transitions(taking: 20),
                                  options: AutomationOptions(pollInterval: 300))
        var logger = Logger(label: "transition-service")
        logger.logLevel = .critical
        // The daemon's transition service: it completes the stop at its due instant.
        let service = ResourceTransitionService(simulator: harness.simulator, maximumSleep: 3600, logger: logger)
        let running = Task { try await service.run() }
        defer { running.cancel() }
        let instance = Harness.instanceId("web")
        let id = try harness.start("AWS-StopEC2Instance", ["InstanceId": [instance]])
        _ = try await harness.step(id, "stopInstances", is: "InProgress")
        while try await harness.instanceState(instance) != "stopping" { await Task.yield() }
        // Two sleepers: the step waiting (up to 5 minutes) and the service (until 12:00:20).
        await harness.clock.waitForSleepers(2)
        harness.clock.advance(to: at("2026-12-01T12:00:20Z"))
        let record = try await harness.finished(id)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        let steps = try harness.database.automationSteps(executionId: id)
        #expect(steps.first?.endTime == at("2026-12-01T12:00:20Z").timeIntervalSince1970, "not 12:05:00, the next poll")
        #expect(try await harness.instanceState(instance) == "stopped")
    }
}
