public import EventBus

/// How `aws:executeAwsApi` and its kin see the world: one AWS API call, boto3-shaped.
///
/// schedulerd answers `ssm` itself (`GetCalendarState` on the daemon's calendars); `ec2` and
/// `rds` are the daemon's resource provider, the simulators, through `SimulatorAPICaller`.
public protocol AWSAPICaller: Sendable {
    /// Calls `api` of `service` ("ec2", "rds", "ssm") with boto3-shaped parameters; returns the
    /// boto3-shaped response (e.g. {"Reservations":[{"Instances":[{"InstanceId":..,"State":{"Code":16,"Name":"running"}}]}]})
    /// or throws an error carrying AWS's code and message.
    func call(service: String, api: String, parameters: JSONValue) async throws -> JSONValue
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
