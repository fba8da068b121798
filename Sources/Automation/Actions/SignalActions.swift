import EventBus
import Foundation

/// `aws:approve` and `aws:pause`: the step (and the execution) are `Waiting` until
/// SendAutomationSignal brings a decision. Decisions are persisted on the step as they arrive,
/// so a restart keeps the approvals already given.
enum SignalActions {
    /// Approved once `MinRequiredApprovals` (default 1) different callers approved; rejected at
    /// the first rejection (the step fails and is not tried again).
    static func approve(_ context: ActionContext) async throws -> ActionSuccess {
        let required = max(1, context.int("MinRequiredApprovals") ?? 1)
        try await context.host.markWaiting()
        while true {
            let seen = context.host.changes.version
            let decisions = await context.host.stepState()?["Decisions"]?.arrayValue ?? []
            if let rejection = decisions.first(where: { $0["Decision"]?.stringValue == "Rejected" }) {
                let approver = rejection["Approver"]?.stringValue ?? "an approver"
                let comment = rejection["Comment"]?.stringValue.map { ": \($0)" } ?? ""
                var failure = StepFailure("The step was rejected by \(approver)\(comment)", retryable: false)
                failure.outputs = outputs(status: "Rejected", decisions)
                throw failure
            }
            let approvers = Set(decisions.filter { $0["Decision"]?.stringValue == "Approved" }.compactMap { $0["Approver"]?.stringValue })
            if approvers.count >= required {
                return ActionSuccess(outputs: outputs(status: "Approved", decisions))
            }
            await context.host.changes.wait(after: seen)
            try Task.checkCancellation()
        }
    }

    static func outputs(status: String, _ decisions: [JSONValue]) -> [String: JSONValue] {
        ["ApprovalStatus": .string(status),
         "ApproverDecisions": .array(decisions.map { decision in
             .object(["Approver": decision["Approver"] ?? "", "Decision": decision["Decision"] ?? "",
                      "Comment": decision["Comment"] ?? "", "DecisionTime": decision["DecisionTime"] ?? ""])
         })]
    }

    /// Waits for a Resume signal.
    static func pause(_ context: ActionContext) async throws -> ActionSuccess {
        try await context.host.markWaiting()
        while true {
            let seen = context.host.changes.version
            if await context.host.stepState()?["Resumed"]?.boolValue == true { return ActionSuccess() }
            await context.host.changes.wait(after: seen)
            try Task.checkCancellation()
        }
    }
}
