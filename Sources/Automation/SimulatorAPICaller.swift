public import Actions
public import EventBus
public import Foundation

/// `ec2` and `rds` for the engine: the daemon's resource provider (the simulators), through the
/// same `ResourceOperations` the API's Query endpoints use, so a runbook's
/// `aws:executeAwsApi` and `aws ec2 ...` see one fleet with one set of answers and errors.
public struct SimulatorAPICaller: AWSAPICaller {
    let operations: ResourceOperations
    let provider: any ResourceProvider

    public init(_ provider: any ResourceProvider, account: String, region: String) {
        operations = ResourceOperations(provider: provider, account: account, region: region)
        self.provider = provider
    }

    public func changeMark() -> UInt64? { provider.changeMark() }

    public func waitForChange(service: String, resources: [String], since mark: UInt64, until deadline: Date) async {
        let ids = resources.map { service == "rds" ? ResourceID.database($0) : ResourceID.instance($0) }
        await provider.waitForChange(of: ids, since: mark, until: deadline)
    }

    /// Straight from the provider: the fleet stopping at night asks this three times per
    /// instance, and building DescribeInstances' answer to read one field back cost more than
    /// the read itself.
    public func instanceStates(_ ids: [String]) async throws -> [String: String] {
        do {
            return try await provider.instanceStates(ids).mapValues(\.rawValue)
        } catch let error as ResourceError {
            throw AWSAPIError(code: error.code, message: error.message)
        }
    }

    public func call(service: String, api: String, parameters: JSONValue) async throws -> JSONValue {
        guard ResourceOperations.actions[service] != nil else {
            throw AWSAPIError(code: "ServiceNotAvailable", message: "schedulerd has no \(service) service; it simulates ec2 and rds.")
        }
        do {
            return try await operations.call(service: service, action: api, input: .json(parameters)).json
        } catch let error as ResourceError {
            throw AWSAPIError(code: error.code, message: error.message)
        }
    }
}
