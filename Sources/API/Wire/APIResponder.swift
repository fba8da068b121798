import Actions
import Foundation
public import EventBus
public import Hummingbird
import HTTPTypes
import Logging
public import SchedulerMetrics

/// The one HTTP front door: AWS JSON 1.1 on `POST /` (routed by `X-Amz-Target` through the
/// `OperationTable`), the Query protocols of EC2 and RDS on `POST /` with a form body (routed
/// by the signing service and `Action`), `GET /healthz` and `GET /metrics`.
///
/// Every request is answered: a malformed or refused one gets the AWS error it would get
/// from AWS, and a handler that fails unexpectedly gets the service's 500 error while the
/// listener keeps serving.
public struct APIResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    /// Larger than any valid request (a 64 KB document escaped, 256 KB of PutEvents).
    public static let maximumBodySize = 1 << 20

    let table: OperationTable
    let authenticator: any APIAuthenticator
    let metrics: MetricsRegistry
    let logger: Logger
    /// The body of `GET /healthz`.
    let health: @Sendable () -> [String: JSONValue]

    public init(table: OperationTable, authenticator: any APIAuthenticator, metrics: MetricsRegistry, logger: Logger,
                health: @escaping @Sendable () -> [String: JSONValue]) {
        self.table = table
        self.authenticator = authenticator
        self.metrics = metrics
        self.logger = logger
        self.health = health
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        switch (request.method, path) {
        case (.get, "/healthz"), (.head, "/healthz"):
            return Self.response(status: 200, contentType: "application/json",
                                 body: JSONValue.object(health()).serialized(sortingKeys: true) + "\n")
        case (.get, "/metrics"):
            return Self.response(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.render())
        case (.post, _) where request.headers[Self.amzTarget] == nil
            && (request.headers[.contentType] ?? "").lowercased().hasPrefix("application/x-www-form-urlencoded"):
            return await answerQuery(request)
        case (.post, _):
            return await answer(request)
        default:
            return Self.response(status: 404, contentType: "application/json",
                                 body: #"{"__type":"UnknownOperationException","message":"Use POST / with X-Amz-Target, or GET /healthz or /metrics."}"#)
        }
    }

    private func answer(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        let requestId = UUID().uuidString.lowercased()
        let target = request.headers[Self.amzTarget] ?? ""
        let service = OperationTable.service(ofTarget: target) ?? .ssm
        // Only known operations become metric labels: a label taken from any header would let
        // a client grow the metrics without bound.
        let operation = table.jsonOperation(target: target)?.operation ?? "unknown"
        let response: Response
        do {
            let output = try await dispatch(request, target: target, service: service, requestId: requestId)
            response = Self.response(status: 200, contentType: Self.jsonContentType, requestId: requestId,
                                     body: JSONValue.object(output).serialized())
        } catch let error as APIError {
            response = Self.errorResponse(error, requestId: requestId)
        } catch {
            logger.error("api fault", metadata: ["api.target": "\(target)", "api.request_id": "\(requestId)", "error": "\(error)"])
            response = Self.errorResponse(.internal(service), requestId: requestId)
        }
        let elapsed = started.duration(to: .now)
        metrics.increment(DaemonMetrics.apiRequests, .init(["service": service.rawValue, "operation": operation,
                                                            "status": String(response.status.code)]))
        metrics.observe(DaemonMetrics.apiLatency, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                        labels: .init(["service": service.rawValue]))
        return response
    }

    /// The body (at most `maximumBodySize` bytes) and the request as SigV4 signs it.
    private static func wireRequest(_ request: Request) async throws -> WireRequest {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maximumBodySize)
        } catch {
            throw APIError("RequestEntityTooLargeException",
                           "The request body is larger than \(Self.maximumBodySize) bytes.", status: 413)
        }
        let body = Array(buffer.readableBytesView)
        // HTTPTypes turns HTTP/1.1's Host header into the `:authority` pseudo-header; SigV4 signs it as `host`.
        var headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        if let authority = request.head.authority { headers.append((name: "host", value: authority)) }
        return WireRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                           headers: headers, body: body)
    }

    private func dispatch(_ request: Request, target: String, service: ServiceKind, requestId: String) async throws -> [String: JSONValue] {
        let wire = try await Self.wireRequest(request)
        let body = wire.body
        // AWS checks the signature before it looks at the operation.
        let caller = try authenticator.authenticate(wire)
        guard !target.isEmpty else {
            throw APIError("UnknownOperationException", "The request names no operation: send X-Amz-Target: AmazonSSM.<Operation> or AWSEvents.<Operation>.")
        }
        guard let entry = table.jsonOperation(target: target) else {
            throw APIError("UnknownOperationException", "Unknown operation \(target).")
        }
        try authenticator.authorize(caller, service: entry.service, operation: entry.operation)
        let input = try Self.parseInput(body)
        let call = APICall(service: entry.service, operation: entry.operation, input: input, caller: caller, requestId: requestId)
        return try await entry.handler(call)
    }

    // MARK: - Query protocols (EC2, RDS)

    private func answerQuery(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        let requestId = UUID().uuidString.lowercased()
        // Until the signature is checked, the error document takes the shape of the service the
        // request claims (its credential scope, else its Version); nothing else is trusted.
        var service = QueryProtocol.claimedService(authorization: request.headers[.authorization]) ?? .ec2
        var operation = "unknown"
        let response: Response
        do {
            let wire = try await Self.wireRequest(request)
            var parameters = QueryProtocol.formParameters(wire.query)
            parameters += QueryProtocol.formParameters(String(decoding: wire.body, as: UTF8.self))
            let version = parameters.last { $0.name == "Version" }?.value
            if QueryProtocol.claimedService(authorization: request.headers[.authorization]) == nil,
               let named = QueryProtocol.service(ofVersion: version) {
                service = named
            }
            let caller = try authenticator.authenticate(wire)
            guard let resolved = try Self.queryService(caller: caller, version: version) else {
                throw APIError("MissingParameter", "The request must contain the parameter Version (2016-11-15 for EC2, 2014-10-31 for RDS)")
            }
            service = resolved
            guard let action = parameters.last(where: { $0.name == "Action" })?.value, !action.isEmpty else {
                throw APIError("MissingAction", "The request must contain the parameter Action")
            }
            guard let entry = table.queryOperation(service: service, action: action) else {
                throw service == .ec2
                    ? APIError("InvalidAction", "The action \(action) is not valid for this web service.")
                    : APIError("InvalidAction", "Could not find operation \(action) for version \(version ?? "")")
            }
            operation = entry.action
            try authenticator.authorize(caller, service: service, operation: action)
            let input = OperationInput.form(parameters.filter { $0.name != "Action" && $0.name != "Version" })
            let call = QueryCall(service: service, action: action, input: input, caller: caller, requestId: requestId)
            let value: ModelValue
            do {
                value = try await entry.handler(call)
            } catch let error as ResourceError {
                throw APIError(error.code, error.message, status: error.status)
            }
            response = Self.response(status: 200, contentType: QueryProtocol.contentType, requestId: requestId,
                                     body: QueryProtocol.success(service, action: action, requestId: requestId, value: value))
        } catch let error as APIError {
            response = Self.queryErrorResponse(QueryProtocol.translate(error, for: service), service: service, requestId: requestId)
        } catch {
            logger.error("api fault", metadata: ["api.service": "\(service.rawValue)", "api.action": "\(operation)",
                                                 "api.request_id": "\(requestId)", "error": "\(error)"])
            response = Self.queryErrorResponse(QueryProtocol.translate(.internal(service), for: service), service: service,
                                               requestId: requestId)
        }
        let elapsed = started.duration(to: .now)
        metrics.increment(DaemonMetrics.apiRequests, .init(["service": service.rawValue, "operation": operation,
                                                            "status": String(response.status.code)]))
        metrics.observe(DaemonMetrics.apiLatency, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                        labels: .init(["service": service.rawValue]))
        return response
    }

    /// A Query request's service: the one its verified credential scope names, or, when
    /// requests are not signed (`auth: none`), the one its `Version` belongs to.
    static func queryService(caller: Caller, version: String?) throws(APIError) -> ServiceKind? {
        guard let signed = caller.signingService else { return QueryProtocol.service(ofVersion: version) }
        guard let service = ServiceKind(rawValue: signed), QueryProtocol.versions[service] != nil else {
            throw APIError("InvalidAction", "The service '\(signed)' this request is signed for has no Query-protocol actions here; "
                           + "sign EC2 requests for ec2 and RDS requests for rds.")
        }
        return service
    }

    static func queryErrorResponse(_ error: APIError, service: ServiceKind, requestId: String) -> Response {
        response(status: error.status, contentType: QueryProtocol.contentType, requestId: requestId,
                 body: QueryProtocol.error(service, error, requestId: requestId))
    }

    /// The JSON body: `{}` when empty (as botocore sends it), else it must be one object.
    static func parseInput(_ body: [UInt8]) throws(APIError) -> APIInput {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return APIInput([:]) }
        let value: JSONValue
        do {
            value = try JSONValue(utf8: body)
        } catch {
            throw APIError("SerializationException", "The request body is not valid JSON: \(error)")
        }
        guard let members = value.objectValue else {
            throw APIError("SerializationException", "The request body must be a JSON object.")
        }
        return APIInput(members)
    }

    static let amzTarget = HTTPField.Name("X-Amz-Target")!
    static let requestIdHeader = HTTPField.Name("x-amzn-RequestId")!
    static let errorTypeHeader = HTTPField.Name("X-Amzn-ErrorType")!
    static let jsonContentType = "application/x-amz-json-1.1"

    static func errorResponse(_ error: APIError, requestId: String) -> Response {
        // Some AWS errors carry no message at all (GetParameter's ParameterNotFound).
        var body: [String: JSONValue] = ["__type": .string(error.code)]
        if !error.message.isEmpty { body["message"] = .string(error.message) }
        var response = response(status: error.status, contentType: jsonContentType, requestId: requestId,
                                body: JSONValue.object(body).serialized())
        response.headers[errorTypeHeader] = error.code
        return response
    }

    static func response(status: Int, contentType: String, requestId: String? = nil, body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        if let requestId { headers[requestIdHeader] = requestId }
        let buffer = ByteBuffer(string: body)
        headers[.contentLength] = String(buffer.readableBytes)
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: buffer))
    }
}
