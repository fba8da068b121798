/// A Parameter Store request refused, as AWS refuses it: the error code AWS uses (its error
/// shape name, such as `ParameterNotFound`) and a message saying what and why.
///
/// The API turns it into the wire error once, at the edge: HTTP 400, or 500 for
/// `InternalServerError` (a fault of ours, such as damaged ciphertext).
public struct ParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// AWS's error shape name.
    public let code: String
    /// What failed and how to fix it; empty where AWS sends no message (`ParameterNotFound`
    /// from GetParameter).
    public let message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message.isEmpty ? code : "\(code): \(message)" }

    /// Whether the fault is ours (HTTP 500) rather than the caller's.
    public var isServerFault: Bool { code == "InternalServerError" }

    // MARK: The errors, in AWS's words where AWS has published them

    /// AWS's constraint text: "1 validation error detected: Value 'x' at 'name' failed to
    /// satisfy constraint: ...".
    static func validation(member: String, value: String?, constraint: String) -> ParameterError {
        let shown = value.map { "'\($0)'" } ?? "null"
        let lowered = (member.first.map { $0.lowercased() } ?? "") + member.dropFirst()
        return ParameterError("ValidationException",
                              "1 validation error detected: Value \(shown) at '\(lowered)' failed to satisfy constraint: \(constraint)")
    }

    static func validation(_ message: String) -> ParameterError { ParameterError("ValidationException", message) }

    /// GetParameter, DeleteParameter and GetParameterHistory answer a missing parameter with
    /// no message at all (awscli prints nothing after the colon).
    static let notFound = ParameterError("ParameterNotFound", "")

    static func notFound(_ name: String) -> ParameterError {
        ParameterError("ParameterNotFound", "Parameter \(name) not found.")
    }

    static func versionNotFound(_ name: String, _ version: String) -> ParameterError {
        ParameterError("ParameterVersionNotFound", "Systems Manager could not find version \(version) of \(name). Verify the version and try again.")
    }

    /// AWS's message, verbatim.
    static let alreadyExists = ParameterError(
        "ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")

    /// The API reference's description of the exception.
    static let hierarchyTooDeep = ParameterError(
        "HierarchyLevelLimitExceededException",
        "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and constraints for parameter names in the AWS Systems Manager User Guide.")

    /// The API reference's description of the exception.
    static let typeMismatch = ParameterError(
        "HierarchyTypeMismatchException",
        "Parameter Store doesn't support changing a parameter type in a hierarchy. For example, you can't change a parameter from a String type to a SecureString type. You must create a new, unique parameter.")

    static func invalidKeyId(_ message: String) -> ParameterError { ParameterError("InvalidKeyId", message) }

    static func `internal`(_ message: String) -> ParameterError { ParameterError("InternalServerError", message) }
}
