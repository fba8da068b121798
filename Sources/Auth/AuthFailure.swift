/// Why a request was refused, in AWS's terms: the error code (the JSON `__type`), the message
/// and the HTTP status, ready for the HTTP layer to send as the protocol's error shape.
public struct AuthFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// AWS's error code, such as `InvalidSignatureException`.
    public let code: String
    /// AWS's message text.
    public let message: String
    /// The HTTP status AWS answers with (400 for every code here, as AWS's JSON services do).
    public let httpStatus: Int

    /// Creates a failure.
    public init(code: String, message: String, httpStatus: Int = 400) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    /// `CODE: message`.
    public var description: String { "\(code): \(message)" }
}

extension AuthFailure {
    /// No `Authorization` header, or one that is not AWS Signature Version 4.
    public static let missingAuthenticationTokenCode = "MissingAuthenticationTokenException"
    /// The `Authorization` header lacks a part, or a part is malformed.
    public static let incompleteSignatureCode = "IncompleteSignatureException"
    /// The signature, its scope, its time or the payload hash is wrong.
    public static let invalidSignatureCode = "InvalidSignatureException"
    /// The access key id is unknown or revoked (or a session token was sent).
    public static let unrecognizedClientCode = "UnrecognizedClientException"
    /// The principal's role does not allow the operation.
    public static let accessDeniedCode = "AccessDeniedException"

    static func missingAuthenticationToken() -> AuthFailure {
        AuthFailure(code: missingAuthenticationTokenCode, message: "Request is missing Authentication Token")
    }

    static func incompleteSignature(_ message: String) -> AuthFailure {
        AuthFailure(code: incompleteSignatureCode, message: message)
    }

    static func invalidSignature(_ message: String) -> AuthFailure {
        AuthFailure(code: invalidSignatureCode, message: message)
    }

    static func unrecognizedClient() -> AuthFailure {
        AuthFailure(code: unrecognizedClientCode, message: "The security token included in the request is invalid.")
    }

    static func accessDenied(_ message: String) -> AuthFailure {
        AuthFailure(code: accessDeniedCode, message: message)
    }
}
