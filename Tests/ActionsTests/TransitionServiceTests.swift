@testable import Actions
import Foundation
import Logging
import SchedulerTesting
import Testing

@Suite("The transition service and change waits, on a manual clock")
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
}
