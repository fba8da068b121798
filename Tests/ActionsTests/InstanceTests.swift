@testable import Actions
import EventBus
import Foundation
import Testing

@Suite("EC2 instances: states, transitions on the clock, AWS's errors")
struct InstanceTests {
    @Test("stop: running → stopping, stopped 20 s later on the daemon's clock, one event per state")
    func stopTakesItsTime() async throws {
        let harness = try Harness()
        try harness.declare()
        let id = Harness.web[0]
        let changes = try await harness.simulator.stopInstances([id], force: false)
        #expect(changes == [InstanceStateChange(instanceId: id, previousState: .running, currentState: .stopping)])
        let stopping = try await harness.instance(id)
        #expect(stopping.state == .stopping)
        #expect(stopping.stateTransitionReason == "User initiated (2026-12-01 00:00:00 GMT)")
        #expect(stopping.stateReason == .userInitiatedShutdown)
        #expect(stopping.transition == ResourceTransition(to: .stopped, at: at("2026-12-01T00:00:20Z")))

        try harness.advance(19)
        #expect(try await harness.state(id) == .stopping)
        try harness.advance(1)
        let stopped = try await harness.instance(id)
        #expect(stopped.state == .stopped)
        #expect(stopped.state.code == 80)
        #expect(stopped.stateTransitionReason == "User initiated (2026-12-01 00:00:00 GMT)", "the reason of the stop stays")
        #expect(stopped.transition == nil)

        #expect(try harness.instanceEvents() == ["\(id) stopping", "\(id) stopped"])
        let events = try harness.events()
        #expect(events.map(\.time) == ["2026-12-01T00:00:00Z", "2026-12-01T00:00:20Z"])
        #expect(events.allSatisfy { $0.deliveries == 1 }, "the test's rule routes every fleet event to its target")
    }

    @Test("start: stopped → pending, running 10 s later; the reason and StateReason are cleared")
    func startTakesItsTime() async throws {
        let harness = try Harness()
        try harness.declare()
        let changes = try await harness.simulator.startInstances([Harness.spare])
        #expect(changes == [InstanceStateChange(instanceId: Harness.spare, previousState: .stopped, currentState: .pending)])
        let pending = try await harness.instance(Harness.spare)
        #expect(pending.state.code == 0)
        #expect(pending.stateTransitionReason == "")
        #expect(pending.stateReason == nil)
        try harness.advance(10)
        #expect(try await harness.state(Harness.spare) == .running)
        #expect(try harness.instanceStates() == ["pending", "running"])
    }

    @Test("states that already are what was asked answer current = previous and emit nothing")
    func idempotentCalls() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        let running = try await harness.simulator.startInstances([Harness.web[0]])
        #expect(running == [InstanceStateChange(instanceId: Harness.web[0], previousState: .running, currentState: .running)])
        let stopped = try await harness.simulator.stopInstances([Harness.spare], force: false)
        #expect(stopped == [InstanceStateChange(instanceId: Harness.spare, previousState: .stopped, currentState: .stopped)])
        #expect(try harness.events().isEmpty)
        // A stop of a stopping instance is accepted as it is, and so is a start of a pending one.
        _ = try await harness.simulator.stopInstances([Harness.web[1]], force: false)
        let again = try await harness.simulator.stopInstances([Harness.web[1]], force: false)
        #expect(again.first?.currentState == .stopped, "transitions of 0 s complete before the next call looks")
    }

    @Test("wrong states are refused with IncorrectInstanceState in AWS's words, and nothing changes")
    func incorrectState() async throws {
        let harness = try Harness()
        try harness.declare()
        _ = try await harness.simulator.stopInstances([Harness.web[0]], force: false)   // now stopping for 20 s
        let start = await resourceError { _ = try await harness.simulator.startInstances([Harness.spare, Harness.web[0]]) }
        #expect(start == ResourceError("IncorrectInstanceState",
                                       "The instance '\(Harness.web[0])' is not in a state from which it can be started."))
        #expect(try await harness.state(Harness.spare) == .stopped, "the call changed nothing, not even the instance it could start")

        _ = try await harness.simulator.startInstances([Harness.spare])   // pending for 10 s
        let stop = await resourceError { _ = try await harness.simulator.stopInstances([Harness.spare], force: false) }
        #expect(stop == ResourceError("IncorrectInstanceState",
                                      "The instance '\(Harness.spare)' is not in a state from which it can be stopped."))
        #expect(start?.status == 400)

        _ = try await harness.simulator.terminateInstances([Harness.bastion])
        try harness.advance(20)
        #expect(try await harness.state(Harness.bastion) == .terminated)
        let revived = await resourceError { _ = try await harness.simulator.startInstances([Harness.bastion]) }
        #expect(revived?.code == "IncorrectInstanceState")
    }

    @Test("unknown ids are InvalidInstanceID.NotFound, malformed ones InvalidInstanceID.Malformed")
    func unknownIds() async throws {
        let harness = try Harness()
        try harness.declare()
        let one = await resourceError { _ = try await harness.simulator.stopInstances(["i-0123456789abcdef0"], force: false) }
        #expect(one == ResourceError("InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist"))
        let two = await resourceError {
            _ = try await harness.simulator.describeInstances(InstanceQuery(ids: ["i-0123456789abcdef0", Harness.web[0], "i-00000000"]), page: .all)
        }
        #expect(two == ResourceError("InvalidInstanceID.NotFound", "The instance IDs 'i-0123456789abcdef0, i-00000000' do not exist"))
        let malformed = await resourceError { _ = try await harness.simulator.startInstances(["i-123"]) }
        #expect(malformed == ResourceError("InvalidInstanceID.Malformed", #"Invalid id: "i-123""#))
        for id in ["i-0123456789ABCDEF0", "i-０１２３４５６７", "x-01234567", "i-012345678", "i-0123456g", "I-01234567"] {
            let refused = await resourceError { _ = try await harness.simulator.startInstances([id]) }
            #expect(refused?.code == "InvalidInstanceID.Malformed", "\(id)")
        }
        let missing = await resourceError { _ = try await harness.simulator.startInstances([]) }
        #expect(missing?.code == "MissingParameter")
    }

    @Test("instanceStates answers as DescribeInstances does: the states, its NotFound, its throttle faults")
    func instanceStatesAsDescribeInstances() async throws {
        let harness = try Harness()
        try harness.declare()
        _ = try await harness.simulator.stopInstances([Harness.web[0]], force: false)
        let ids = [Harness.web[0], Harness.web[1], Harness.spare, Harness.web[1]]
        let states = try await harness.simulator.instanceStates(ids)
        let described = try await harness.simulator.describeInstances(InstanceQuery(ids: ids), page: .all).items
        #expect(states == Dictionary(uniqueKeysWithValues: described.map { ($0.id, $0.state) }))
        #expect(states == [Harness.web[0]: .stopping, Harness.web[1]: .running, Harness.spare: .stopped])
        try harness.advance(20)
        #expect(try await harness.simulator.instanceStates([Harness.web[0]]) == [Harness.web[0]: .stopped], "a due transition is caught up")

        let unknown = await resourceError { _ = try await harness.simulator.instanceStates(["i-0123456789abcdef0", Harness.web[0], "i-00000000"]) }
        #expect(unknown == ResourceError("InvalidInstanceID.NotFound", "The instance IDs 'i-0123456789abcdef0, i-00000000' do not exist"))
        let malformed = await resourceError { _ = try await harness.simulator.instanceStates(["i-123"]) }
        #expect(malformed?.code == "InvalidInstanceID.Malformed")
        _ = try harness.addFault(Fault(kind: .throttle, service: .ec2, operation: "DescribeInstances", remaining: 1))
        let throttled = await resourceError { _ = try await harness.simulator.instanceStates([Harness.web[0]]) }
        #expect(throttled?.code == "RequestLimitExceeded")
        #expect(try await harness.simulator.instanceStates([Harness.web[0]]) == [Harness.web[0]: .stopped], "the fault is used up")
    }

    @Test("terminate: shutting-down, terminated, listed for an hour, then gone")
    func terminate() async throws {
        let harness = try Harness()
        try harness.declare()
        let changes = try await harness.simulator.terminateInstances([Harness.spare])
        #expect(changes.first?.currentState == .shuttingDown)
        #expect(changes.first?.currentState.code == 32)
        try harness.advance(20)
        #expect(try await harness.state(Harness.spare) == .terminated)
        try harness.advance(3_599)
        #expect(try await harness.state(Harness.spare) == .terminated)
        try harness.advance(1)
        let gone = await resourceError { _ = try await harness.instance(Harness.spare) }
        #expect(gone?.code == "InvalidInstanceID.NotFound")
        #expect(try harness.instanceStates() == ["shutting-down", "terminated"])
    }

    @Test("RunInstances: i- and 17 hex digits, one reservation, pending then running; a client token is idempotent")
    func run() async throws {
        let harness = try Harness()
        let request = RunInstancesRequest(instanceType: "t3.small", minCount: 1, maxCount: 2, tags: [Tag("Team", "data")],
                                          clientToken: "token-1")
        let launched = try await harness.simulator.runInstances(request)
        #expect(launched.count == 2)
        #expect(launched.allSatisfy { $0.id.wholeMatch(of: /i-[0-9a-f]{17}/) != nil })
        #expect(Set(launched.map(\.reservationId)).count == 1)
        #expect(launched.first?.reservationId.wholeMatch(of: /r-[0-9a-f]{17}/) != nil)
        #expect(launched.map(\.state) == [.pending, .pending])
        #expect(launched.map(\.launchIndex) == [0, 1])
        #expect(launched.allSatisfy { $0.tags == [Tag("Team", "data")] && $0.launchTime == Harness.start })
        let again = try await harness.simulator.runInstances(request)
        #expect(again.map(\.id) == launched.map(\.id), "the same client token returns the same instances")
        try harness.advance(10)
        #expect(try await harness.state(launched[0].id) == .running)
        let tooMany = await resourceError { _ = try await harness.simulator.runInstances(RunInstancesRequest(minCount: 3, maxCount: 2)) }
        #expect(tooMany?.code == "InvalidParameterValue")
    }

    @Test("DescribeInstances filters: tag:KEY with wildcards, tag-key, instance-state-name, instance-id; errors for unknown filters")
    func filters() async throws {
        let harness = try Harness()
        try harness.declare()
        func ids(_ filters: ResourceFilter...) async throws -> [String] {
            try await harness.simulator.describeInstances(InstanceQuery(filters: filters), page: .all).items.map(\.id)
        }
        #expect(try await ids(.tag("Schedule", "office-hours")) == (Harness.web + [Harness.spare]).sorted())
        #expect(try await ids(.tag("Name", "w*")) == Harness.web.sorted())
        #expect(try await ids(.tag("Name", "bast?on")) == [Harness.bastion])
        #expect(try await ids(ResourceFilter("tag-key", ["Schedule"]), ResourceFilter("instance-state-name", ["stopped"])) == [Harness.spare])
        #expect(try await ids(ResourceFilter("instance-state-code", ["16"])).count == 4)
        #expect(try await ids(ResourceFilter("instance-id", [Harness.bastion, Harness.spare])) == [Harness.bastion, Harness.spare].sorted())
        #expect(try await ids(.tag("Schedule", "office-hours"), ResourceFilter("instance-type", ["t3.nano"])).isEmpty)
        let unknown = await resourceError { _ = try await ids(ResourceFilter("vpc-idd", ["x"])) }
        #expect(unknown == ResourceError("InvalidParameterValue", "The filter 'vpc-idd' is invalid"))
    }

    @Test("pagination: pages of MaxResults in id order, an opaque token, a forged one refused")
    func pagination() async throws {
        let harness = try Harness()
        try harness.declare(FleetDeclaration(groups: [.init(name: "many", count: 12)]))
        var seen: [String] = []
        var page = PageRequest(size: 5)
        var pages = 0
        repeat {
            let result = try await harness.simulator.describeInstances(InstanceQuery(), page: page)
            #expect(result.items.count <= 5)
            seen += result.items.map(\.id)
            page.token = result.nextToken
            pages += 1
        } while page.token != nil
        #expect(pages == 3)
        #expect(seen == seen.sorted() && Set(seen).count == 12)
        let forged = await resourceError {
            _ = try await harness.simulator.describeInstances(InstanceQuery(), page: PageRequest(size: 5, token: "bm90IGEgdG9rZW4="))
        }
        #expect(forged?.code == "InvalidPaginationToken")
    }

    @Test("CreateTags, DeleteTags (by key, by key and value, all), DescribeTags")
    func tags() async throws {
        let harness = try Harness()
        try harness.declare()
        let id = Harness.bastion
        try await harness.simulator.createTags([Tag("Schedule", "office-hours"), Tag("Owner", "ops")], resources: [id])
        #expect(try await harness.instance(id).tags == [Tag("Name", "bastion"), Tag("Schedule", "office-hours"), Tag("Owner", "ops")])
        try await harness.simulator.createTags([Tag("Name", "jump")], resources: [id])
        #expect(try await harness.instance(id).tag("Name") == "jump", "an existing key keeps its place and takes the new value")
        try await harness.simulator.deleteTags([TagSelector(key: "Owner", value: "someone-else")], resources: [id])
        #expect(try await harness.instance(id).tag("Owner") == "ops", "a value that does not match deletes nothing")
        try await harness.simulator.deleteTags([TagSelector(key: "Owner")], resources: [id])
        #expect(try await harness.instance(id).tag("Owner") == nil)
        let listed = try await harness.simulator.describeTags([ResourceFilter("resource-id", [id])], page: .all).items
        #expect(listed.map(\.key) == ["Name", "Schedule"])
        #expect(listed.allSatisfy { $0.resourceType == "instance" })
        try await harness.simulator.deleteTags([], resources: [id])
        #expect(try await harness.instance(id).tags.isEmpty)
        let reserved = await resourceError { try await harness.simulator.createTags([Tag("aws:x", "1")], resources: [id]) }
        #expect(reserved?.code == "InvalidParameterValue")
        let notInstance = await resourceError { try await harness.simulator.createTags([Tag("a", "1")], resources: ["ami-12345678"]) }
        #expect(notInstance == ResourceError("InvalidID", "The ID 'ami-12345678' is not valid"))
    }

    @Test("events: EC2 Instance State-change Notification, shaped as AWS's, with the instance ARN")
    func eventShape() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        _ = try await harness.simulator.stopInstances([Harness.web[0]], force: false)
        let stored = try #require(try harness.database.events(since: nil).first?.event)
        #expect(stored.source == "aws.ec2")
        let body = try JSONValue(json: stored.body)
        #expect(body["detail-type"] == "EC2 Instance State-change Notification")
        #expect(body["resources"] == .array([.string("arn:aws:ec2:us-east-1:123456789012:instance/\(Harness.web[0])")]))
        #expect(body["detail"] == ["instance-id": .string(Harness.web[0]), "state": "stopping"])
        #expect(body["account"] == "123456789012" && body["region"] == "us-east-1" && body["version"] == "0")
    }
}
