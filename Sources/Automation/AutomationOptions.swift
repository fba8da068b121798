import Foundation

/// The engine's knobs, all in the daemon's (possibly simulated) seconds.
public struct AutomationOptions: Sendable {
    /// How often `aws:changeInstanceState` and `aws:waitForAwsResourceProperty` look again
    /// (AWS does not document its interval).
    public var pollInterval: TimeInterval
    /// Step executions one execution may make before it fails (a loop through `onFailure`).
    public var maximumStepExecutions: Int
    /// Characters of a command's output kept in `Output` (AWS keeps 2,500 in the step's output).
    public var commandOutputLimit: Int
    /// How long an `onCancel` workflow may run (AWS: 2 minutes).
    public var cancelWorkflowLimit: TimeInterval

    public init(pollInterval: TimeInterval = 5, maximumStepExecutions: Int = 500, commandOutputLimit: Int = 2500,
                cancelWorkflowLimit: TimeInterval = 120) {
        self.pollInterval = pollInterval
        self.maximumStepExecutions = maximumStepExecutions
        self.commandOutputLimit = commandOutputLimit
        self.cancelWorkflowLimit = cancelWorkflowLimit
    }

    /// The timeout of a step that sets none, by action (AWS's documented defaults).
    static func defaultTimeout(_ action: String) -> TimeInterval? {
        switch action {
        case "aws:changeInstanceState", "aws:waitForAwsResourceProperty", "aws:runCommand": 3600
        case "aws:approve": 604_800
        default: nil
        }
    }
}
