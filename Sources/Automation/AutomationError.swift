/// Why the engine refused a request, with the AWS error code the API answers with
/// (`AutomationDefinitionNotFoundException`, `InvalidAutomationSignalException`...).
public struct AutomationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func definitionNotFound(_ name: String) -> AutomationError {
        AutomationError("AutomationDefinitionNotFoundException",
                        "An Automation runbook with the specified name couldn't be found: \(name). Use an Automation document of this account "
                        + "or one of AWS's (\(BuiltInDocuments.runbookNames.joined(separator: ", "))).")
    }

    static func versionNotFound(_ name: String, _ version: String) -> AutomationError {
        AutomationError("AutomationDefinitionVersionNotFoundException",
                        "An Automation runbook with the specified name and version couldn't be found: \(name) version \(version).")
    }

    static func invalidParameters(_ message: String) -> AutomationError {
        AutomationError("InvalidAutomationExecutionParametersException", message)
    }

    static func executionNotFound(_ id: String) -> AutomationError {
        AutomationError("AutomationExecutionNotFoundException",
                        "There is no automation execution information for the requested automation execution ID: \(id).")
    }

    static func invalidSignal(_ message: String) -> AutomationError {
        AutomationError("InvalidAutomationSignalException", "The signal isn't valid for the current Automation execution: \(message)")
    }

    static func invalidStatusUpdate(_ message: String) -> AutomationError {
        AutomationError("InvalidAutomationStatusUpdateException", "The specified update status operation isn't valid: \(message)")
    }

    static let idempotentMismatch = AutomationError(
        "IdempotentParameterMismatch",
        "Error returned when an idempotent operation is retried and the parameters don't match the original call to the API with the same idempotency token.")
}
