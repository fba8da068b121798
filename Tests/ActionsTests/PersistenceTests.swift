@testable import Actions
import Foundation
import SchedulerTesting
import Store
import Testing

@Suite("Persistence: the fleet and its transitions in flight survive a restart")
struct PersistenceTests {
    func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-fleet-\(UUID().uuidString)").path
    }

    @Test("a transition due while the daemon was down completes at restart, at the instant it was due")
    func dueWhileDown() async throws {
        let path = directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let first = try Harness(database: try SchedulerDatabase.open(directory: path))
            try first.declare()
            _ = try await first.simulator.stopInstances([Harness.web[0]], force: false)   // stopped due at 00:00:20
            _ = try await first.simulator.startInstances([Harness.spare])                   // running due at 00:00:10
            _ = try await first.simulator.stopDBInstance("orders-db")                      // stopped due at 00:03:00
        }
        // "Restart" an hour later: a new simulator on the same file, declared again.
        let clock = ManualWallClock(now: Harness.start.addingTimeInterval(3_600))
        let second = try Harness(database: try SchedulerDatabase.open(directory: path), clock: clock)
        #expect(try second.simulator.completeDueTransitions() == 3)
        try second.declare()
        #expect(try await second.state(Harness.web[0]) == .stopped)
        #expect(try await second.state(Harness.spare) == .running)
        #expect(try await second.database("orders-db").status == .stopped)
        #expect(try await second.database("orders-db").automaticRestartTime == at("2026-12-08T00:03:00Z"),
                "the 7 days count from when it stopped, not from the restart")
        let times = try second.events().map { "\($0.time) \($0.detail["state"]?.stringValue ?? $0.detail["EventID"]?.stringValue ?? "")" }
        #expect(times == ["2026-12-01T00:00:00Z stopping", "2026-12-01T00:00:00Z pending", "2026-12-01T00:00:00Z RDS-EVENT-0004",
                          "2026-12-01T00:00:10Z running", "2026-12-01T00:00:20Z stopped", "2026-12-01T00:03:00Z RDS-EVENT-0087"])
    }

    @Test("the fleet keeps its states, tags and ids across restarts; a restart starts or stops nothing")
    func statesKept() async throws {
        let path = directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var before: [EC2Instance] = []
        do {
            let first = try Harness(times: .immediate, database: try SchedulerDatabase.open(directory: path))
            try first.declare()
            _ = try await first.simulator.stopInstances(Harness.web, force: false)
            try await first.simulator.createTags([Tag("Owner", "ops")], resources: [Harness.bastion])
            before = try await first.simulator.describeInstances(InstanceQuery(), page: .all).items
        }
        let second = try Harness(times: .immediate, database: try SchedulerDatabase.open(directory: path))
        try second.declare()
        let after = try await second.simulator.describeInstances(InstanceQuery(), page: .all).items
        #expect(after.map(\.id) == before.map(\.id))
        #expect(after.map(\.state) == before.map(\.state))
        #expect(try await second.instance(Harness.bastion).tags == [Tag("Name", "bastion"), Tag("Owner", "ops")],
                "run-time tags stay; declared ones are set again")
        #expect(try second.events().count == 6, "three stopping and three stopped, nothing at the restart")
    }

    @Test("a restart days later: what was due long ago is recorded but not delivered (max_event_age)")
    func oldEventsArchived() async throws {
        let path = directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let first = try Harness(database: try SchedulerDatabase.open(directory: path))
            try first.declare()
            _ = try await first.simulator.stopInstances([Harness.web[0]], force: false)
        }
        let clock = ManualWallClock(now: Harness.start.addingTimeInterval(3 * 86_400))
        let second = try Harness(database: try SchedulerDatabase.open(directory: path), clock: clock, maxEventAge: 86_400)
        try second.simulator.completeDueTransitions()
        let events = try second.events()
        #expect(events.map(\.deliverable) == [true, false])
        #expect(events.map(\.deliveries) == [1, 0])
    }

    @Test("a hung transition stays hung across a restart")
    func hungAcrossRestart() async throws {
        let path = directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let first = try Harness(database: try SchedulerDatabase.open(directory: path))
            try first.declare()
            _ = try first.addFault(Fault(kind: .hang, resource: "orders-db"))
            _ = try await first.simulator.stopDBInstance("orders-db")
        }
        let clock = ManualWallClock(now: Harness.start.addingTimeInterval(86_400))
        let second = try Harness(database: try SchedulerDatabase.open(directory: path), clock: clock)
        try second.simulator.completeDueTransitions()
        #expect(try await second.database("orders-db").status == .stopping)
        #expect(try second.simulator.releaseHungTransitions() == 0)
    }
}
