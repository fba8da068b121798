@testable import Actions
import Foundation
import Store
import Testing

@Suite("Faults: insufficient capacity, throttling, hung transitions")
struct FaultTests {
    @Test("insufficient-capacity on one instance: its start fails with AWS's InsufficientInstanceCapacity (HTTP 500), once")
    func capacityOnOneInstance() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        _ = try await harness.simulator.stopInstances(Harness.web, force: false)
        _ = try harness.addFault(Fault(kind: .insufficientCapacity, service: .ec2, resource: Harness.web[1], remaining: 1))
        let refused = await resourceError { _ = try await harness.simulator.startInstances(Harness.web) }
        #expect(refused?.code == "InsufficientInstanceCapacity")
        #expect(refused?.status == 500)
        #expect(refused?.message.hasPrefix("We currently do not have sufficient t3.micro capacity in the Availability Zone you requested (us-east-1a).") == true)
        for id in Harness.web { #expect(try await harness.state(id) == .stopped, "the call started none") }
        #expect(try harness.database.resourceFaults().isEmpty, "used once, gone")
        let started = try await harness.simulator.startInstances(Harness.web)
        #expect(started.map(\.currentState) == [.pending, .pending, .pending])
        // Other instances are not affected by a fault aimed at one.
        _ = try harness.addFault(Fault(kind: .insufficientCapacity, resource: Harness.web[1]))
        _ = try await harness.simulator.startInstances([Harness.spare])
    }

    @Test("insufficient-capacity on the fleet: RunInstances, StartInstances and StartDBInstance fail until it is removed")
    func capacityOnTheFleet() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        let fault = try harness.addFault(Fault(kind: .insufficientCapacity))
        #expect(await resourceError { _ = try await harness.simulator.startInstances([Harness.spare]) }?.code == "InsufficientInstanceCapacity")
        #expect(await resourceError { _ = try await harness.simulator.runInstances(RunInstancesRequest()) }?.code == "InsufficientInstanceCapacity")
        let database = await resourceError { _ = try await harness.simulator.startDBInstance("reports-db") }
        #expect(database?.code == "InsufficientDBInstanceCapacity")
        #expect(database?.status == 400)
        try harness.database.removeResourceFaults(id: fault.id)
        #expect(try await harness.simulator.startDBInstance("reports-db").status == .starting)
    }

    @Test("throttle: RequestLimitExceeded (503) for EC2 and Throttling for RDS, per action (DescribeInstanceStatus apart from DescribeInstances), counted")
    func throttle() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        _ = try harness.addFault(Fault(kind: .throttle, service: .ec2, operation: "StopInstances", remaining: 2))
        for _ in 0..<2 {
            let error = await resourceError { _ = try await harness.simulator.stopInstances([Harness.web[0]], force: false) }
            #expect(error == ResourceError("RequestLimitExceeded", "Request limit exceeded.", status: 503))
        }
        _ = try await harness.simulator.describeInstances(InstanceQuery(), page: .all)   // another action: not throttled
        #expect(try await harness.simulator.stopInstances([Harness.web[0]], force: false).first?.currentState == .stopping)

        // DescribeInstanceStatus reads the same instances as DescribeInstances but is its own action.
        _ = try harness.addFault(Fault(kind: .throttle, service: .ec2, operation: "DescribeInstanceStatus", remaining: 1))
        let operations = ResourceOperations(provider: harness.simulator, account: "123456789012", region: "us-east-1")
        _ = try await harness.simulator.describeInstances(InstanceQuery(), page: .all)   // not throttled
        let status = await resourceError { _ = try await operations.call(service: "ec2", action: "DescribeInstanceStatus", input: .json([:])) }
        #expect(status?.code == "RequestLimitExceeded")
        _ = try await operations.call(service: "ec2", action: "DescribeInstanceStatus", input: .json([:]))   // the one use is spent

        _ = try harness.addFault(Fault(kind: .throttle, service: .rds))
        let rds = await resourceError { _ = try await harness.simulator.describeDBInstances(DBInstanceQuery(), page: .all) }
        #expect(rds == ResourceError("Throttling", "Rate exceeded", status: 400))
        #expect(rds?.isRetryable == true)
    }

    @Test("throttle with a probability refuses the calls the random draw picks")
    func throttleProbability() async throws {
        let draws = DrawSequence([0.1, 0.9, 0.2, 0.8])
        let harness = try Harness(times: .immediate, random: { draws.next() })
        try harness.declare()
        _ = try harness.addFault(Fault(kind: .throttle, service: .ec2, probability: 0.5))
        var outcomes: [Bool] = []
        for _ in 0..<4 {
            outcomes.append(await resourceError { _ = try await harness.simulator.describeInstances(InstanceQuery(), page: .all) } == nil)
        }
        #expect(outcomes == [false, true, false, true])
    }

    @Test("throttle on one resource: only calls that name it")
    func throttleOneResource() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        _ = try harness.addFault(Fault(kind: .throttle, resource: "orders-db"))
        #expect(await resourceError { _ = try await harness.simulator.stopDBInstance("orders-db") }?.code == "Throttling")
        _ = try await harness.simulator.startDBInstance("reports-db")
        _ = try await harness.simulator.describeDBInstances(DBInstanceQuery(), page: .all)
    }

    @Test("hang: the stop never completes until the fault goes; then it takes its normal time")
    func hang() async throws {
        let harness = try Harness()
        try harness.declare()
        let fault = try harness.addFault(Fault(kind: .hang, resource: Harness.web[0], operation: "stop"))
        _ = try await harness.simulator.stopInstances([Harness.web[0], Harness.web[1]], force: false)
        let hung = try await harness.instance(Harness.web[0])
        #expect(hung.transition == ResourceTransition(to: .stopped, at: nil))
        #expect(hung.transition?.isHung == true)
        try harness.advance(86_400)
        #expect(try await harness.state(Harness.web[0]) == .stopping, "a day later, still stopping")
        #expect(try await harness.state(Harness.web[1]) == .stopped, "the instance the fault is not aimed at stopped")
        #expect(try harness.simulator.releaseHungTransitions() == 0, "the fault still holds it")

        try harness.database.removeResourceFaults(id: fault.id)
        #expect(try harness.simulator.releaseHungTransitions() == 1)
        try harness.advance(19)
        #expect(try await harness.state(Harness.web[0]) == .stopping)
        try harness.advance(1)
        #expect(try await harness.state(Harness.web[0]) == .stopped)
    }

    @Test("a forced stop ends a hung stop at once; hang on RDS starts; a counted hang keeps holding what it hung")
    func forceAndCountedHang() async throws {
        let harness = try Harness()
        try harness.declare()
        _ = try harness.addFault(Fault(kind: .hang, service: .ec2, operation: "stop"))
        _ = try await harness.simulator.stopInstances([Harness.web[0]], force: false)
        let forced = try await harness.simulator.stopInstances([Harness.web[0]], force: true)
        #expect(forced == [InstanceStateChange(instanceId: Harness.web[0], previousState: .stopping, currentState: .stopped)])

        _ = try harness.addFault(Fault(kind: .hang, service: .rds, operation: "start", remaining: 1))
        _ = try await harness.simulator.startDBInstance("reports-db")
        try harness.advance(3_600)
        #expect(try await harness.database("reports-db").status == .starting)
        #expect(try harness.simulator.releaseHungTransitions() == 0, "a hang fault used up keeps holding what it hung")
        #expect(try harness.database.resourceFaults().first { $0.service == "rds" }?.remaining == 0)
        // But it hangs nothing new.
        _ = try await harness.simulator.stopDBInstance("orders-db")
        try harness.advance(180)
        #expect(try await harness.database("orders-db").status == .stopped)
    }

    @Test("configuration faults are replaced on every reconcile; faults added at run time stay")
    func configurationFaults() async throws {
        let harness = try Harness()
        var declaration = Harness.fleet
        declaration.faults = [.init(fault: Fault(kind: .insufficientCapacity), target: .group("web"))]
        try harness.declare(declaration)
        _ = try harness.addFault(Fault(kind: .throttle, service: .rds, remaining: 5))
        let faults = try harness.database.resourceFaults()
        #expect(faults.filter { $0.origin == "config" }.compactMap(\.resourceId).sorted() == Harness.web.sorted(),
                "a group target is one fault per instance")
        declaration.faults = [.init(fault: Fault(kind: .hang, operation: "stop"), target: .resource("orders-db"))]
        try harness.declare(declaration)
        let after = try harness.database.resourceFaults()
        #expect(after.map(\.kind).sorted() == ["hang", "throttle"])
        #expect(after.first { $0.kind == "hang" }?.resourceId == "orders-db")
    }

    @Test("Fault.problem explains what is wrong")
    func problems() {
        #expect(Fault(kind: .hang, operation: "reboot").problem?.contains("start, stop, terminate, launch") == true)
        #expect(Fault(kind: .hang, probability: 0.5).problem == "probability applies to throttle faults only")
        #expect(Fault(kind: .throttle, remaining: 0).problem == "times must be at least 1, not 0")
        #expect(Fault(kind: .insufficientCapacity, operation: "StartInstances").problem != nil)
        #expect(Fault(kind: .throttle, operation: "StopInstances", probability: 0.25).problem == nil)
    }
}

/// Numbers handed out in order (then 0.5), for faults with a probability.
final class DrawSequence: Sendable {
    private let values: Mutex<[Double]>

    init(_ values: [Double]) {
        self.values = Mutex(values)
    }

    func next() -> Double {
        values.withLock { $0.isEmpty ? 0.5 : $0.removeFirst() }
    }
}

import Synchronization
