/// An error as the AWS JSON protocols report it: `{"__type": code, "message": message}` with
/// the HTTP status AWS uses (400 for the caller's mistakes, 500 for ours).
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String
    public let status: Int

    public init(_ code: String, _ message: String, status: Int = 400) {
        self.code = code
        self.message = message
        self.status = status
    }

    public var description: String { "\(code): \(message)" }

    /// AWS's constraint-violation text: "1 validation error detected: Value 'x' at 'name'
    /// failed to satisfy constraint: Member must ...".
    public static func validation(member: String, value: String?, constraint: String) -> APIError {
        let shown = value.map { "'\($0)'" } ?? "null"
        return APIError("ValidationException",
                        "1 validation error detected: Value \(shown) at '\(lowerFirst(member))' failed to satisfy constraint: \(constraint)")
    }

    /// A value of the wrong JSON type, which AWS's deserializer rejects before validation.
    public static func serialization(member: String, expected: String) -> APIError {
        APIError("SerializationException", "Unexpected value type for '\(member)': expected \(expected)")
    }

    public static func `internal`(_ service: ServiceKind) -> APIError {
        switch service {
        case .events: APIError("InternalException", "An internal error occurred; the request was not applied.", status: 500)
        case .ec2: APIError("InternalError", "An internal error has occurred", status: 500)
        case .rds: APIError("InternalFailure", "An internal error has occurred", status: 500)
        case .ssm: APIError("InternalServerError", "An internal error occurred; the request was not applied.", status: 500)
        }
    }

    /// AWS names members in validation messages with a lower-case first letter.
    static func lowerFirst(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.lowercased() + name.dropFirst()
    }
}

/// The services behind the one listener; each has its own error vocabulary for faults.
public enum ServiceKind: String, Sendable {
    case ssm, events, ec2, rds
}
