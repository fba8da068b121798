import Actions
import Automation
import EventBus
import Foundation
import SchedulerTesting
import Store
import Testing

@Suite("Rate-controlled executions: targets, MaxConcurrency, MaxErrors", .timeLimit(.minutes(1)))
struct RateControlExecutionTests {
    @Test("tag:Schedule=office-hours: one child per tagged instance, never more than MaxConcurrency at once")
    func byTag() async throws {
        let harness = try Harness(fleet: FleetDeclaration(groups: [
            .of("office", 5, tags: ["Schedule": "office-hours"]), .of("untagged", 1), .of("other", 1, tags: ["Schedule": "always-on"]),
            .of("gone", 1, tags: ["Schedule": "office-hours"]),
        ]), times: .transitions(taking: 20))
        let office = Harness.instanceIds("office", 5)
        let (untagged, other, gone) = (Harness.instanceId("untagged"), Harness.instanceId("other"), Harness.instanceId("gone"))
        // Terminated 20 s later; it stays listed, tag and all, for an hour.
        _ = try await harness.simulator.terminateInstances([gone])
        harness.clock.advance(to: harness.clock.now().addingTimeInterval(20))
        #expect(try await harness.instanceState(gone) == "terminated")
        let parent = try harness.start("AWS-StopEC2Instance", targets: [.init(key: "tag:Schedule", values: ["office-hours"])],
                                       targetParameter: "InstanceId", maxConcurrency: "2", maxErrors: "1")
        var mostAtOnce = 0
        while try harness.database.automationExecution(id: parent).map({ AutomationStatus(rawValue: $0.status)!.isTerminal }) == false {
            let children = try harness.database.automationChildren(parentId: parent)
            mostAtOnce = max(mostAtOnce, children.filter { !AutomationStatus(rawValue: $0.status)!.isTerminal }.count)
            if harness.clock.sleeperCount >= 2, let next = harness.clock.nextDeadline { harness.clock.advance(to: next) }
            await Task.yield()
        }
        let record = try #require(try harness.database.automationExecution(id: parent))
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        #expect(mostAtOnce == 2)
        let children = try harness.database.automationChildren(parentId: parent)
        #expect(children.compactMap(\.target).sorted() == office.sorted())
        #expect(children.allSatisfy { $0.status == "Success" && $0.parentId == parent })
        #expect(try JSONValue(json: children[0].parameters)["InstanceId"] == .array([.string(children[0].target!)]))
        #expect(try JSONValue(json: record.resolvedTargets ?? "") == .array(office.sorted().map { .string($0) }),
                "the tagged instances in id order, the terminated one left out")
        for instance in office { #expect(try await harness.instanceState(instance) == "stopped") }
        #expect(try await harness.instanceState(untagged) == "running")
        #expect(try await harness.instanceState(other) == "running")
        #expect(try harness.instanceStates(untagged).isEmpty && harness.instanceStates(other).isEmpty)
        for instance in office { #expect(try harness.instanceStates(instance) == ["stopping", "stopped"], "each stopped once") }
    }

    @Test("MaxErrors 1: the second error stops new children; those running finish; the parent fails saying why")
    func maxErrors() async throws {
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("web", 3)]))
        let web = Harness.instanceIds("web", 3)
        let missing = Harness.instanceIds("never-declared", 2)
        let values = [web[0], missing[0], web[1], missing[1], web[2]]
        let parent = try harness.start("AWS-StopEC2Instance", targets: [.init(key: "ParameterValues", values: values)],
                                       targetParameter: "InstanceId", maxConcurrency: "1", maxErrors: "1")
        let record = try await harness.finished(parent)
        #expect(record.status == "Failed")
        let children = try harness.database.automationChildren(parentId: parent)
        // Children start one by one in the targets' order (their start times tie on the manual clock).
        #expect(Dictionary(uniqueKeysWithValues: children.map { ($0.target!, $0.status) })
                == [web[0]: "Success", missing[0]: "Failed", web[1]: "Success", missing[1]: "Failed"])
        #expect(record.failureMessage == "3 of 5 targets did not succeed (2 failed, timed out or cancelled; 1 not started: more than MaxErrors 1 errors).")
        #expect(try await harness.instanceState(web[2]) == "running", "never started")
        #expect(try harness.instanceStates(web[2]).isEmpty)
    }

    /// orders and reports tagged Schedule=office-hours, ledger Schedule=always.
    static let databases = FleetDeclaration(databases: [
        .init(identifier: "orders", tags: [Actions.Tag("Schedule", "office-hours")]),
        .init(identifier: "reports", tags: [Actions.Tag("Schedule", "office-hours")]),
        .init(identifier: "ledger", tags: [Actions.Tag("Schedule", "always")]),
    ])

    @Test("RDS targets by tag (a Service: rds runbook); percentages")
    func rdsByTag() async throws {
        let harness = try Harness(fleet: Self.databases)
        let parent = try harness.start("AWS-StopRdsInstance", targets: [.init(key: "tag:Schedule", values: ["office-hours"])],
                                       targetParameter: "InstanceId", maxConcurrency: "100%", maxErrors: "10%")
        let record = try await harness.finished(parent)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        #expect(record.maxConcurrency == "100%" && record.maxErrors == "10%")
        #expect(try JSONValue(json: record.resolvedTargets ?? "") == ["orders", "reports"])
        #expect(try await harness.databaseStatus("orders") == "stopped")
        #expect(try await harness.databaseStatus("reports") == "stopped")
        #expect(try await harness.databaseStatus("ledger") == "available")
        #expect(try harness.databaseEvents("ledger").isEmpty)
        let child = try #require(try harness.database.automationChildren(parentId: parent).first)
        #expect(try JSONValue(json: child.parameters)["InstanceId"] == .array([.string(child.target!)]))
        #expect(try JSONValue(json: child.values)["InstanceId"] == .string(child.target!), "a String parameter gets the value itself")
    }

    /// The simulator's DescribeDBInstances with `TagList` taken out, as a provider without it
    /// would answer; every other answer (ListTagsForResource too) is the simulator's own.
    struct WithoutTagList: AWSAPICaller {
        let simulator: SimulatorAPICaller

        func call(service: String, api: String, parameters: JSONValue) async throws -> JSONValue {
            let answer = try await simulator.call(service: service, api: api, parameters: parameters)
            guard service == "rds", api == "DescribeDBInstances", var members = answer.objectValue else { return answer }
            members["DBInstances"] = .array((answer["DBInstances"]?.arrayValue ?? []).map { database in
                var fields = database.objectValue ?? [:]
                fields["TagList"] = nil
                return .object(fields)
            })
            return .object(members)
        }
    }

    @Test("RDS targets by tag when DescribeDBInstances has no TagList: the tags come from ListTagsForResource")
    func rdsTagsWithoutTagList() async throws {
        let harness = try Harness(fleet: Self.databases, caller: { WithoutTagList(simulator: $0) })
        let parent = try harness.start("AWS-StopRdsInstance", targets: [.init(key: "tag:Schedule", values: ["office-hours"])],
                                       targetParameter: "InstanceId", maxConcurrency: "100%", maxErrors: "10%")
        let record = try await harness.finished(parent)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        // With no TagList, only ListTagsForResource can tell the tagged databases from ledger.
        #expect(try JSONValue(json: record.resolvedTargets ?? "") == ["orders", "reports"])
        #expect(try await harness.databaseStatus("orders") == "stopped")
        #expect(try await harness.databaseStatus("reports") == "stopped")
        #expect(try await harness.databaseStatus("ledger") == "available")
    }

    @Test("no matching target: the parent succeeds with nothing to do; Cancel stops the children in flight")
    func emptyAndCancelled() async throws {
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("team-a", 3, tags: ["team": "a"])]),
                                  times: .transitions(taking: 3600))
        let empty = try await harness.finished(try harness.start("AWS-StopEC2Instance", targets: [.init(key: "tag:Schedule", values: ["none"])],
                                                                  targetParameter: "InstanceId"))
        #expect(empty.status == "Success")
        #expect(try harness.database.automationChildren(parentId: empty.id).isEmpty)

        let parent = try harness.start("AWS-StopEC2Instance", targets: [.init(key: "tag:team", values: ["a"])], targetParameter: "InstanceId",
                                       maxConcurrency: "2")
        _ = try await harness.engine.execution(parent) { _ in
            (try? harness.database.automationChildren(parentId: parent).filter { $0.status == "InProgress" }.count) == 2
        }
        await harness.clock.waitForSleepers(4)   // both children stopping, each polling and timing
        try await harness.engine.stop(parent, type: .cancel)
        let record = try await harness.finished(parent)
        #expect(record.status == "Cancelled")
        let children = try harness.database.automationChildren(parentId: parent)
        #expect(children.count == 2, "the third never started")
        #expect(children.allSatisfy { $0.status == "Cancelled" })
        let targets = try #require(try JSONValue(json: record.resolvedTargets ?? "").arrayValue?.compactMap(\.stringValue))
        #expect(targets.count == 3)
        #expect(try await harness.instanceState(targets[2]) == "running", "never stopped")
        for target in targets.prefix(2) { #expect(try await harness.instanceState(target) == "stopping", "cancelled while stopping") }
    }
}
