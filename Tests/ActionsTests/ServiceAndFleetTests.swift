@testable import Actions
import Foundation
import Logging
import SchedulerTesting
import Testing

@Suite("The transition service and the engine's Fleet API, on a manual clock")
struct ServiceAndFleetTests {
    func logger() -> Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    @Test("the service sleeps until the next transition and completes it on time; a new one wakes it")
    func serviceCompletesOnTime() async throws {
        let harness = try Harness()
        try harness.declare()
        let service = ResourceTransitionService(simulator: harness.simulator, maximumSleep: 3_600, logger: logger())
        let task = Task { try await service.run() }
        defer { task.cancel() }
        await harness.clock.waitForSleepers()
        #expect(harness.clock.nextDeadline == at("2026-12-01T01:00:00Z"),
                "nothing due before the automatic start in 7 days: the service wakes after its longest sleep")

        _ = try await harness.simulator.stopInstances([Harness.web[0]], force: false)
        // The stop woke the service, which now sleeps until the stop is due.
        while harness.clock.nextDeadline != at("2026-12-01T00:00:20Z") { await Task.yield() }
        harness.clock.advance(to: at("2026-12-01T00:00:20Z"))
        while try harness.instanceStates() != ["stopping", "stopped"] { await Task.yield() }
        #expect(try harness.events().last?.time == "2026-12-01T00:00:20Z")
        task.cancel()
        harness.clock.cancelSleepers()
        _ = await task.result
    }

    @Test("the service lets a hung transition go at its next wake once the fault is removed elsewhere")
    func serviceReleasesHung() async throws {
        let harness = try Harness()
        try harness.declare()
        let fault = try harness.addFault(Fault(kind: .hang, resource: Harness.web[0]))
        _ = try await harness.simulator.stopInstances([Harness.web[0]], force: false)
        let service = ResourceTransitionService(simulator: harness.simulator, maximumSleep: 5, logger: logger())
        let task = Task { try await service.run() }
        defer { task.cancel() }
        await harness.clock.waitForSleepers()
        try harness.database.removeResourceFaults(id: fault.id)   // as `schedulerd fleet fault clear` does
        harness.clock.advance(to: harness.clock.nextDeadline!)   // the 5-second wake
        while try await harness.instance(Harness.web[0]).transition?.isHung != false { await Task.yield() }
        #expect(try await harness.instance(Harness.web[0]).transition?.at == at("2026-12-01T00:00:25Z"))
        task.cancel()
        harness.clock.cancelSleepers()
        _ = await task.result
    }

    @Test("Fleet: select by tag, stop, wait for stopped on the clock; untagged instances untouched")
    func selectStopWait() async throws {
        let harness = try Harness()
        try harness.declare()
        let fleet = Fleet(provider: harness.simulator, clock: harness.clock)
        let tagged = try await fleet.instances(.tagged("Schedule", "office-hours"))
        #expect(tagged.map(\.id) == (Harness.web + [Harness.spare]).sorted())
        let changes = try await fleet.stopInstances(.tagged("Schedule", "office-hours"))
        #expect(changes.filter { $0.currentState == .stopping }.count == 3)

        let waiter = Task { try await fleet.wait(for: .instance(Harness.web[0]), until: ["stopped"], failOn: ["terminated"], timeout: 600) }
        await harness.clock.waitForSleepers()
        try harness.advance(20)   // completes the stop, which wakes the waiter at once
        #expect(try await waiter.value == "stopped")
        #expect(try await fleet.state(of: .instance(Harness.bastion)) == "running")
        #expect(try await fleet.state(of: .instance("i-0000000000000000f")) == nil)
        #expect(try await fleet.instances(.tags([.init(key: "Schedule")])).count == 4)
        #expect(try await fleet.databases(.tagged("Schedule", "office-hours")).map(\.identifier) == ["orders-db"])
    }

    @Test("Fleet.wait: times out on the clock, fails on a state it must not see, sees deleted databases")
    func waitOutcomes() async throws {
        let harness = try Harness()
        try harness.declare()
        let fleet = Fleet(provider: harness.simulator, clock: harness.clock)
        try await fleet.stopDatabase("orders-db")
        let waiter = Task { try await fleet.wait(for: .database("orders-db"), until: ["available"], timeout: 60, pollInterval: 30) }
        for _ in 0..<2 {
            await harness.clock.waitForSleepers()
            harness.clock.advance(to: harness.clock.nextDeadline!)
        }
        await #expect(throws: FleetWaitError.timedOut(.database("orders-db"), lastState: "stopping")) { try await waiter.value }

        _ = try await harness.simulator.terminateInstances([Harness.bastion])
        await #expect(throws: FleetWaitError.failed(.instance(Harness.bastion), state: "shutting-down")) {
            try await fleet.wait(for: .instance(Harness.bastion), until: ["running"], failOn: ["shutting-down", "terminated"])
        }
        _ = try await harness.simulator.deleteDBInstance("reports-db", skipFinalSnapshot: true, finalSnapshotIdentifier: nil)
        let deleted = Task { try await fleet.wait(for: .database("reports-db"), until: ["deleted"], timeout: 3_600) }
        await harness.clock.waitForSleepers()
        try harness.advance(300)
        #expect(try await deleted.value == "deleted")
    }

    @Test("a change made between a look and the wait ends the wait at once", .timeLimit(.minutes(1)))
    func noMissedChange() async throws {
        let harness = try Harness()
        try harness.declare()
        let mark = harness.simulator.changeMark()
        _ = try await harness.simulator.stopInstances([Harness.web[0]], force: false)
        // The clock never moves: only the change recorded after the mark can end this wait.
        await harness.simulator.waitForChange(of: [.instance(Harness.web[0])], since: mark, until: .distantFuture)
        let later = harness.simulator.changeMark()
        #expect(later > mark)
        let waiter = Task { await harness.simulator.waitForChange(of: [.instance(Harness.web[1])], since: later, until: .distantFuture) }
        while harness.simulator.watchers.count == 0 { await Task.yield() }
        _ = try await harness.simulator.stopInstances([Harness.web[0], Harness.web[1]], force: true)
        await waiter.value
    }

    @Test("Fleet.wait retries through throttling, as AWS's waiters do")
    func waitThroughThrottling() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        let fleet = Fleet(provider: harness.simulator, clock: harness.clock)
        _ = try harness.addFault(Fault(kind: .throttle, service: .ec2, remaining: 1))
        let waiter = Task { try await fleet.wait(for: .instance(Harness.web[0]), until: ["running"], pollInterval: 5) }
        await harness.clock.waitForSleepers()
        harness.clock.advance(to: harness.clock.nextDeadline!)
        #expect(try await waiter.value == "running")
    }
}
