public import Actions
public import EventBus

/// One API call as a handler sees it: which operation, its input, who asked.
public struct APICall: Sendable {
    public let service: ServiceKind
    public let operation: String
    public let input: APIInput
    public let caller: Caller
    public let requestId: String
}

/// A JSON 1.1 operation: input members in, output members out (an object), or an `APIError`.
/// Any other error thrown is a fault: logged, and answered with the service's 500 error.
public typealias JSONOperation = @Sendable (APICall) async throws -> [String: JSONValue]

/// One Query-protocol call (EC2, RDS) as a handler sees it: the action, its form parameters,
/// who asked.
public struct QueryCall: Sendable {
    public let service: ServiceKind
    public let action: String
    public let input: OperationInput
    public let caller: Caller
    public let requestId: String
}

/// A Query-protocol operation: the answer shaped as the service's model (written as XML by
/// the responder), or an `APIError` / `ResourceError`. Any other error is a fault.
public typealias QueryOperation = @Sendable (QueryCall) async throws -> ModelValue

/// Every operation the listener serves, keyed the way the wire names them.
///
/// AWS JSON 1.1 services are keyed by `X-Amz-Target` (`AmazonSSM.GetCalendarState`); the Query
/// services (EC2, RDS: form-encoded `Action=`) join by signing service and action, so adding a
/// protocol adds a table here, not a branch in the responder.
public struct OperationTable: Sendable {
    struct JSONEntry: Sendable {
        let service: ServiceKind
        let operation: String
        let handler: JSONOperation
    }

    struct QueryEntry: Sendable {
        let service: ServiceKind
        let action: String
        let handler: QueryOperation
    }

    private(set) var json: [String: JSONEntry] = [:]
    /// Query-protocol operations, keyed `service.Action` (`ec2.StartInstances`).
    private(set) var query: [String: QueryEntry] = [:]
    /// The `X-Amz-Target` prefix of each JSON service (`AmazonSSM`, `AWSEvents`).
    public static let jsonPrefixes: [ServiceKind: String] = [.ssm: "AmazonSSM", .events: "AWSEvents"]

    public init() {}

    public mutating func register(_ service: ServiceKind, _ operation: String, _ handler: @escaping JSONOperation) {
        let prefix = Self.jsonPrefixes[service] ?? service.rawValue
        json["\(prefix).\(operation)"] = JSONEntry(service: service, operation: operation, handler: handler)
    }

    func jsonOperation(target: String) -> JSONEntry? { json[target] }

    /// Registers a Query-protocol action of `service` (the signing service of its requests).
    public mutating func register(query service: ServiceKind, _ action: String, _ handler: @escaping QueryOperation) {
        query["\(service.rawValue).\(action)"] = QueryEntry(service: service, action: action, handler: handler)
    }

    func queryOperation(service: ServiceKind, action: String) -> QueryEntry? { query["\(service.rawValue).\(action)"] }

    /// Every registered Query action as `service.Action`, sorted.
    public var queryActions: [String] { query.keys.sorted() }

    /// The service a target names, even when the operation is unknown (for its error vocabulary).
    static func service(ofTarget target: String) -> ServiceKind? {
        let prefix = target.split(separator: ".", maxSplits: 1).first.map(String.init) ?? target
        return jsonPrefixes.first { $0.value == prefix }?.key
    }

    /// Every registered `X-Amz-Target`, sorted (for docs and tests).
    public var targets: [String] { json.keys.sorted() }
}
