public import EventBus
public import Foundation

/// How `aws:executeAwsApi` and its kin see the world: one AWS API call, boto3-shaped.
///
/// schedulerd answers `ssm` itself (`GetCalendarState` on the daemon's calendars); `ec2` and
/// `rds` are the daemon's resource provider, the simulators, through `SimulatorAPICaller`.
public protocol AWSAPICaller: Sendable {
    /// Calls `api` of `service` ("ec2", "rds", "ssm") with boto3-shaped parameters; returns the
    /// boto3-shaped response (e.g. {"Reservations":[{"Instances":[{"InstanceId":..,"State":{"Code":16,"Name":"running"}}]}]})
    /// or throws an error carrying AWS's code and message.
    func call(service: String, api: String, parameters: JSONValue) async throws -> JSONValue

    /// A point in the provider's history of changes, taken before reading resources, for
    /// `waitForChange`; nil when the provider cannot tell when things change.
    func changeMark() -> UInt64?

    /// Returns once one of `resources` (instance ids for `ec2`, DB identifiers for `rds`) may
    /// have changed since `mark`, or at `deadline` on the daemon's clock, or when the task is
    /// cancelled. Lets a step that waits for a state wake when the state changes rather than
    /// at its next poll.
    func waitForChange(service: String, resources: [String], since mark: UInt64, until deadline: Date) async

    /// Each EC2 instance's state name (`running`, `stopped`...), by id: `ec2.DescribeInstances`
    /// for `ids`, for a caller that wants nothing else from its answer (`aws:changeInstanceState`
    /// polls it). Same faults and errors; unknown ids are an `InvalidInstanceID.NotFound`.
    func instanceStates(_ ids: [String]) async throws -> [String: String]
}

extension AWSAPICaller {
    public func changeMark() -> UInt64? { nil }
    public func waitForChange(service: String, resources: [String], since mark: UInt64, until deadline: Date) async {}

    /// From DescribeInstances' boto3-shaped answer.
    public func instanceStates(_ ids: [String]) async throws -> [String: String] {
        let response = try await call(service: "ec2", api: "DescribeInstances", parameters: ["InstanceIds": .array(ids.map { .string($0) })])
        var states: [String: String] = [:]
        for reservation in response["Reservations"]?.arrayValue ?? [] {
            for instance in reservation["Instances"]?.arrayValue ?? [] {
                if let id = instance["InstanceId"]?.stringValue, let name = instance["State"]?["Name"]?.stringValue { states[id] = name }
            }
        }
        return states
    }
}

/// An AWS API error as a caller reports it: AWS's code (`IncorrectInstanceState`,
/// `InvalidDBInstanceState`, `ThrottlingException`...) and its message.
public struct AWSAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// Codes that mean "slow down and try again", whatever the service.
    public var isThrottling: Bool {
        ["Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException", "RequestThrottled"].contains(code)
    }
}
