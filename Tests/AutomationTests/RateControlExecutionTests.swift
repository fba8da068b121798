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
        let harness = try Harness(transitionSeconds: 20)
        for index in 1...5 { harness.cloud.addInstance("i-\(index)", state: "running", tags: ["Schedule": "office-hours"]) }
        harness.cloud.addInstance("i-untagged", state: "running")
        harness.cloud.addInstance("i-other", state: "running", tags: ["Schedule": "always-on"])
        harness.cloud.addInstance("i-gone", state: "terminated", tags: ["Schedule": "office-hours"])
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
        #expect(children.compactMap(\.target).sorted() == ["i-1", "i-2", "i-3", "i-4", "i-5"])
        #expect(children.allSatisfy { $0.status == "Success" && $0.parentId == parent })
        #expect(try JSONValue(json: children[0].parameters)["InstanceId"] == .array([.string(children[0].target!)]))
        #expect(try JSONValue(json: record.resolvedTargets ?? "") == ["i-1", "i-2", "i-3", "i-4", "i-5"])
        for index in 1...5 { #expect(harness.cloud.instanceState("i-\(index)") == "stopped") }
        #expect(harness.cloud.instanceState("i-untagged") == "running")
        #expect(harness.cloud.instanceState("i-other") == "running")
        let filters = harness.cloud.calls("DescribeInstances").first?.parameters["Filters"]
        #expect(filters?[0] == ["Name": "tag:Schedule", "Values": ["office-hours"]])
    }

    @Test("MaxErrors 1: the second error stops new children; those running finish; the parent fails saying why")
    func maxErrors() async throws {
        let harness = try Harness()
        for id in ["i-1", "i-2", "i-3"] { harness.cloud.addInstance(id, state: "running") }
        let values = ["i-1", "i-missing-a", "i-2", "i-missing-b", "i-3"]
        let parent = try harness.start("AWS-StopEC2Instance", targets: [.init(key: "ParameterValues", values: values)],
                                       targetParameter: "InstanceId", maxConcurrency: "1", maxErrors: "1")
        let record = try await harness.finished(parent)
        #expect(record.status == "Failed")
        let children = try harness.database.automationChildren(parentId: parent)
        // Children start one by one in the targets' order (their start times tie on the manual clock).
        #expect(Dictionary(uniqueKeysWithValues: children.map { ($0.target!, $0.status) })
                == ["i-1": "Success", "i-missing-a": "Failed", "i-2": "Success", "i-missing-b": "Failed"])
        #expect(record.failureMessage == "3 of 5 targets did not succeed (2 failed, timed out or cancelled; 1 not started: more than MaxErrors 1 errors).")
        #expect(harness.cloud.instanceState("i-3") == "running", "never started")
    }

    @Test("RDS targets by tag, through ListTagsForResource when DescribeDBInstances has no TagList; percentages")
    func rdsByTag() async throws {
        let clock = ManualWallClock(now: at("2026-12-01T12:00:00Z"))
        let cloud = EC2RDSTestDouble(clock: clock, transitionSeconds: 0, includeTagList: false)
        let harness = try Harness(clock: clock, cloud: cloud)
        cloud.addDatabase("orders", status: "available", tags: ["Schedule": "office-hours"])
        cloud.addDatabase("reports", status: "available", tags: ["Schedule": "office-hours"])
        cloud.addDatabase("ledger", status: "available", tags: ["Schedule": "always"])
        let parent = try harness.start("AWS-StopRdsInstance", targets: [.init(key: "tag:Schedule", values: ["office-hours"])],
                                       targetParameter: "InstanceId", maxConcurrency: "100%", maxErrors: "10%")
        let record = try await harness.finished(parent)
        #expect(record.status == "Success", "\(record.failureMessage ?? "")")
        #expect(record.maxConcurrency == "100%" && record.maxErrors == "10%")
        #expect(cloud.databaseStatus("orders") == "stopped")
        #expect(cloud.databaseStatus("reports") == "stopped")
        #expect(cloud.databaseStatus("ledger") == "available")
        #expect(cloud.calls("ListTagsForResource").count == 3)
        let child = try #require(try harness.database.automationChildren(parentId: parent).first)
        #expect(try JSONValue(json: child.parameters)["InstanceId"] == .array([.string(child.target!)]))
        #expect(try JSONValue(json: child.values)["InstanceId"] == .string(child.target!), "a String parameter gets the value itself")
    }

    @Test("no matching target: the parent succeeds with nothing to do; Cancel stops the children in flight")
    func emptyAndCancelled() async throws {
        let harness = try Harness(transitionSeconds: 3600)
        let empty = try await harness.finished(try harness.start("AWS-StopEC2Instance", targets: [.init(key: "tag:Schedule", values: ["none"])],
                                                                  targetParameter: "InstanceId"))
        #expect(empty.status == "Success")
        #expect(try harness.database.automationChildren(parentId: empty.id).isEmpty)

        for index in 1...3 { harness.cloud.addInstance("i-\(index)", state: "running", tags: ["team": "a"]) }
        let parent = try harness.start("AWS-StopEC2Instance", targets: [.init(key: "tag:team", values: ["a"])], targetParameter: "InstanceId",
                                       maxConcurrency: "2")
        _ = try await harness.engine.execution(parent) { _ in
            (try? harness.database.automationChildren(parentId: parent).filter { $0.status == "InProgress" }.count) == 2
        }
        try await harness.engine.stop(parent, type: .cancel)
        let record = try await harness.finished(parent)
        #expect(record.status == "Cancelled")
        let children = try harness.database.automationChildren(parentId: parent)
        #expect(children.count == 2, "the third never started")
        #expect(children.allSatisfy { $0.status == "Cancelled" })
    }
}
