/// AWS's `AutomationExecutionStatus` values an execution or a step of schedulerd takes.
public enum AutomationStatus: String, Sendable, CaseIterable, Codable {
    case pending = "Pending"
    case inProgress = "InProgress"
    case waiting = "Waiting"
    case success = "Success"
    case timedOut = "TimedOut"
    case cancelling = "Cancelling"
    case cancelled = "Cancelled"
    case failed = "Failed"

    /// Success, TimedOut, Cancelled or Failed: nothing more happens.
    public var isTerminal: Bool {
        switch self {
        case .success, .timedOut, .cancelled, .failed: true
        case .pending, .inProgress, .waiting, .cancelling: false
        }
    }

    /// Every value of AWS's enum, including those only Change Manager uses (accepted in
    /// filters, never taken by schedulerd's executions).
    public static let awsValues: Set<String> = [
        "Pending", "InProgress", "Waiting", "Success", "TimedOut", "Cancelling", "Cancelled", "Failed", "PendingApproval",
        "Approved", "Rejected", "Scheduled", "RunbookInProgress", "PendingChangeCalendarOverride", "ChangeCalendarOverrideApproved",
        "ChangeCalendarOverrideRejected", "CompletedWithSuccess", "CompletedWithFailure", "Exited",
    ]
}
