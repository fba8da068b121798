/// The signals SendAutomationSignal carries.
public enum AutomationSignal: String, Sendable, CaseIterable {
    case approve = "Approve"
    case reject = "Reject"
    case startStep = "StartStep"
    case stopStep = "StopStep"
    case resume = "Resume"
    case revoke = "Revoke"
}

/// StopAutomationExecution's `Type`.
public enum AutomationStopType: String, Sendable, CaseIterable {
    /// The step in flight is cancelled, its `onCancel` workflow runs, the execution ends Cancelled.
    case cancel = "Cancel"
    /// The step in flight is stopped and no other runs: the execution ends with the status its
    /// steps so far give (Success unless a critical step failed).
    case complete = "Complete"
}

/// An execution being run by the engine, as the engine talks to it.
protocol ExecutionHandle: Sendable {
    func run() async
    func requestStop(_ type: AutomationStopType) async throws(AutomationError)
    func signal(_ signal: AutomationSignal, payload: [String: [String]], caller: String) async throws(AutomationError)
    /// A child of a rate-controlled parent ended.
    func childFinished(_ child: String, status: AutomationStatus) async
    /// The status last persisted (what the database says now).
    func persistedStatus() async -> AutomationStatus?
}
