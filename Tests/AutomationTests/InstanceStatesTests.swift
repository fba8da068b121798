import Actions
@testable import Automation
import EventBus
import Foundation
import Testing

/// `SimulatorAPICaller.instanceStates` reads the simulator directly; it must answer exactly as
/// DescribeInstances does through the API layer (`AWSAPICaller`'s default, which parses that
/// call's answer): the same states, the same errors, the same throttle faults.
@Suite("Instance states without DescribeInstances' answer")
struct InstanceStatesTests {
    /// Only `call`: `instanceStates` is the protocol's default, through DescribeInstances.
    struct ThroughDescribe: AWSAPICaller {
        let inner: SimulatorAPICaller
        func call(service: String, api: String, parameters: JSONValue) async throws -> JSONValue {
            try await inner.call(service: service, api: api, parameters: parameters)
        }
    }

    func outcome(_ body: () async throws -> [String: String]) async -> String {
        do {
            return try await body().sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        } catch let error as AWSAPIError {
            return "error \(error.code): \(error.message)"
        } catch {
            return "other error \(error)"
        }
    }

    @Test func answersAsDescribeInstancesDoes() async throws {
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("web", 2), .of("spare", 1, .stopped)]))
        let direct = SimulatorAPICaller(harness.simulator, account: Harness.account, region: "us-east-1")
        let described = ThroughDescribe(inner: direct)
        let web = Harness.instanceIds("web", 2), spare = Harness.instanceId("spare")
        let questions: [[String]] = [web + [spare], [spare, spare], [web[0], "i-0123456789abcdef0"], ["not-an-id"]]
        for ids in questions {
            let expected = await outcome { try await described.instanceStates(ids) }
            #expect(await outcome { try await direct.instanceStates(ids) } == expected, "\(ids)")
        }
        #expect(await outcome { try await direct.instanceStates(web + [spare]) }.contains("=stopped"))
        // A throttle fault on DescribeInstances throttles both, once each.
        try harness.addFault(Fault(kind: .throttle, service: .ec2, operation: "DescribeInstances", remaining: 2))
        let throttledDirect = await outcome { try await direct.instanceStates(web) }
        let throttledDescribed = await outcome { try await described.instanceStates(web) }
        #expect(throttledDirect == throttledDescribed)
        #expect(throttledDirect.hasPrefix("error RequestLimitExceeded"))
        #expect(await outcome { try await direct.instanceStates(web) } == (await outcome { try await described.instanceStates(web) }))
    }
}
