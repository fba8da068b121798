@testable import Actions
import Foundation
import Testing

@Suite("The declared fleet reconciled into the database")
struct ReconcileTests {
    @Test("ids derive from the group and index: the same on every start, i- and 17 hex digits")
    func stableIds() {
        let id = FleetDeclaration.InstanceGroup.instanceId(group: "web", index: 0)
        #expect(id.wholeMatch(of: /i-[0-9a-f]{17}/) != nil)
        #expect(id == FleetDeclaration.InstanceGroup.instanceId(group: "web", index: 0))
        #expect(id != FleetDeclaration.InstanceGroup.instanceId(group: "web", index: 1))
        #expect(id != FleetDeclaration.InstanceGroup.instanceId(group: "web2", index: 0))
    }

    @Test("first registration: declared states, tags, types, one reservation per group, no events")
    func firstRegistration() async throws {
        let harness = try Harness()
        let summary = try harness.simulator.reconcile(Harness.fleet)
        #expect(summary.instancesAdded == 5 && summary.databasesAdded == 2)
        let instances = try await harness.simulator.describeInstances(InstanceQuery(), page: .all).items
        #expect(instances.count == 5)
        let web = instances.filter { $0.tag("Name") == "web" }
        #expect(web.count == 3 && web.allSatisfy { $0.state == .running && $0.instanceType == "t3.micro" })
        #expect(Set(web.map(\.reservationId)).count == 1)
        #expect(try await harness.instance(Harness.spare).state == .stopped)
        #expect(try await harness.instance(Harness.spare).stateReason == .userInitiatedShutdown)
        #expect(try await harness.instance(Harness.bastion).instanceType == "t3.nano")
        #expect(try await harness.database("reports-db").status == .stopped)
        #expect(try harness.events().isEmpty, "registering is not a state change")
        #expect(try harness.simulator.reconcile(Harness.fleet) == ResourceSimulator.ReconcileSummary(), "a second pass changes nothing")
    }

    @Test("a changed declaration: types and tags follow; removed instances terminate, removed databases are deleted; API ones stay")
    func changes() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        let api = try await harness.simulator.runInstances(RunInstancesRequest())
        var declaration = Harness.fleet
        declaration.times = .immediate
        declaration.groups[0].count = 2
        declaration.groups[0].instanceType = "t3.large"
        declaration.groups[0].tags = [Tag("Schedule", "nights")]
        declaration.databases.removeLast()
        let summary = try harness.simulator.reconcile(declaration)
        #expect(summary.instancesRemoved == 1 && summary.instancesUpdated == 2 && summary.databasesRemoved == 1)
        try harness.advance(0)
        #expect(try await harness.state(Harness.web[2]) == .terminated)
        #expect(try await harness.instance(Harness.web[0]).instanceType == "t3.large")
        #expect(try await harness.instance(Harness.web[0]).tags == [Tag("Name", "web"), Tag("Schedule", "nights")])
        #expect(await resourceError { _ = try await harness.database("reports-db") }?.code == "DBInstanceNotFound")
        #expect(try await harness.state(api[0].id) == .running, "RunInstances' instances are never reconciled")
        // Declared again: registered afresh.
        try harness.declare()
        #expect(try await harness.state(Harness.web[2]) == .running)
    }

    @Test("a restart never changes state: a stopped declared-running instance stays stopped")
    func stateIsRuntime() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        _ = try await harness.simulator.stopInstances([Harness.web[0]], force: false)
        try harness.declare()
        #expect(try await harness.state(Harness.web[0]) == .stopped)
    }
}
