public import Actions
public import EventBus

/// `ec2` and `rds` for the engine: the daemon's resource provider (the simulators), through the
/// same `ResourceOperations` the API's Query endpoints use, so a runbook's
/// `aws:executeAwsApi` and `aws ec2 ...` see one fleet with one set of answers and errors.
public struct SimulatorAPICaller: AWSAPICaller {
    let operations: ResourceOperations

    public init(_ provider: any ResourceProvider, account: String, region: String) {
        operations = ResourceOperations(provider: provider, account: account, region: region)
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
