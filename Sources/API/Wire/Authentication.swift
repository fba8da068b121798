/// Who is calling: the principal a credential names and what it may do.
public struct Caller: Sendable, Equatable {
    public let name: String
    public let accessKeyId: String?
    public let role: String
    /// The service the request's verified credential scope names (`ec2`, `rds` …); nil when
    /// requests are not signed (`auth: none`). The Query protocols take their service from it.
    public let signingService: String?

    public init(name: String, accessKeyId: String?, role: String, signingService: String? = nil) {
        self.name = name
        self.accessKeyId = accessKeyId
        self.role = role
        self.signingService = signingService
    }

    /// The caller under `auth: none`.
    public static let anonymous = Caller(name: "anonymous", accessKeyId: nil, role: "admin")
}

/// A request as it came off the wire, for signature verification.
public struct WireRequest: Sendable {
    public let method: String
    public let path: String
    public let query: String
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
}

/// Decides who sent a request and whether they may call an operation. The daemon supplies
/// SigV4 over its credential store; `auth: none` supplies `Unauthenticated`.
public protocol APIAuthenticator: Sendable {
    /// The caller, or the AWS error that refuses the request (bad signature, unknown key...).
    func authenticate(_ request: WireRequest) throws(APIError) -> Caller
    /// Throws `AccessDeniedException` when the caller's role may not call `operation`.
    func authorize(_ caller: Caller, service: ServiceKind, operation: String) throws(APIError)
}

/// `auth: none`: everyone is the anonymous admin. Only allowed on loopback addresses.
public struct Unauthenticated: APIAuthenticator {
    public init() {}
    public func authenticate(_ request: WireRequest) throws(APIError) -> Caller { .anonymous }
    public func authorize(_ caller: Caller, service: ServiceKind, operation: String) throws(APIError) {}
}
