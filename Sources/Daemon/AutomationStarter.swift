/// What a rule's `automation` target needs: something that starts executions (the Automation
/// module's engine; the daemon passes it to the delivery service).
public protocol AutomationStarter: Sendable {
    /// Starts the target's runbook with `parameters`; `clientToken` is the delivery's key
    /// (`EVENT_ID:TARGET_ID`), which with `rule` names the execution, so a redelivered event
    /// finds the execution its first delivery started. Returns the execution id.
    func start(for target: TargetDefinition.Automation, parameters: [String: [String]], clientToken: String,
               rule: String) async throws(AutomationStartRefused) -> String
}

/// Why an automation target did not start: `permanent` when delivering again cannot help (the
/// runbook does not exist, its parameters do not fit).
public struct AutomationStartRefused: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let permanent: Bool

    public init(_ message: String, permanent: Bool) {
        self.message = message
        self.permanent = permanent
    }

    public var description: String { message }
}
