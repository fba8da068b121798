import EventBus

/// What a restarted daemon does with a step that was in flight when it stopped (a crash, a
/// SIGKILL, a shutdown in the middle of a step). Completed steps never run again; a step in
/// flight runs again only when running it twice has the effect of running it once:
///
/// - `aws:changeInstanceState`: idempotent by desired state (it reads the instances' states
///   first and only starts or stops those not yet on their way).
/// - `aws:assertAwsResourceProperty`, `aws:waitForAwsResourceProperty`, `aws:branch`: they
///   only read.
/// - `aws:sleep`, `aws:approve`, `aws:pause`: they carry on waiting, to the same deadline (the
///   step's recorded start plus its duration or timeout), with the approvals already recorded.
/// - `aws:executeAwsApi`: when the API only reads (`Describe*`, `Get*`, `List*`) or is one of
///   `idempotentAPIs`. A re-sent `StartDBInstance`/`StopDBInstance` that AWS refuses with
///   `InvalidDBInstanceState` counts as done: the first call took effect.
/// - Anything else (`aws:runCommand`: a shell script may not be safe to run twice;
///   `RunInstances`...) is not repeated: the step fails with a message saying why, and its
///   `onFailure` decides what follows.
enum ResumePolicy {
    static let idempotentAPIs: Set<String> = [
        "StartInstances", "StopInstances", "TerminateInstances", "CreateTags", "DeleteTags",
        "StartDBInstance", "StopDBInstance", "AddTagsToResource", "RemoveTagsFromResource",
    ]

    /// The error a repeated call gets when the first one already took effect.
    static let alreadyDoneCodes: [String: String] = [
        "StartDBInstance": "InvalidDBInstanceState", "StopDBInstance": "InvalidDBInstanceState",
    ]

    static let repeatableActions: Set<String> = [
        "aws:changeInstanceState", "aws:assertAwsResourceProperty", "aws:waitForAwsResourceProperty", "aws:branch",
        "aws:sleep", "aws:approve", "aws:pause",
    ]

    /// Whether a step of `action` with these resolved `inputs`, interrupted, may run again.
    static func mayRepeat(action: String, inputs: [String: JSONValue]) -> Bool {
        if repeatableActions.contains(action) { return true }
        guard action == "aws:executeAwsApi", let api = inputs["Api"]?.stringValue else { return false }
        return ["Describe", "Get", "List"].contains { api.hasPrefix($0) } || idempotentAPIs.contains(api)
    }

    static func refusal(action: String, inputs: [String: JSONValue]) -> String {
        let what = action == "aws:executeAwsApi" ? "\(inputs["Service"]?.stringValue ?? "?").\(inputs["Api"]?.stringValue ?? "?")" : action
        return "The daemon stopped while this step was in flight; it was not run again because \(what) is not safe to repeat."
    }
}
