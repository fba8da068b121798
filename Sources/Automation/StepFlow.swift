import Runbooks

/// How a step ended, as the flow between steps sees it.
enum StepOutcome: Sendable, Equatable {
    case success
    case failed
    case timedOut
    case cancelled

    var status: AutomationStatus {
        switch self {
        case .success: .success
        case .failed: .failed
        case .timedOut: .timedOut
        case .cancelled: .cancelled
        }
    }
}

/// The flow between a runbook's steps, as a pure function of the runbook and what happened:
/// which step runs next, or how the execution ends. No I/O; the execution runner applies it.
struct StepFlow: Sendable {
    enum Decision: Sendable, Equatable {
        case run(String)
        /// Stop here; the execution's status comes from the steps that ran (`finalStatus`).
        case finish
        /// Stop here with this status (`onFailure: Abort`).
        case abort(AutomationStatus)
    }

    let runbook: Runbook

    /// The step after `name` in the document, if any.
    func following(_ name: String) -> String? {
        guard let index = runbook.mainSteps.firstIndex(where: { $0.name == name }), index + 1 < runbook.mainSteps.count else { return nil }
        return runbook.mainSteps[index + 1].name
    }

    var first: String? { runbook.mainSteps.first?.name }

    /// After `step` ended with `outcome` (a branch's choice in `chosen`):
    /// - success: `isEnd` stops; else the branch's choice, `nextStep`, the following step.
    /// - failure or timeout: `onFailure: Abort` stops with Failed or TimedOut; `isEnd` stops;
    ///   `Continue` goes to the following step; `step:X` to X.
    /// Cancellation is not decided here: the runner handles `onCancel`.
    func next(after step: Step, outcome: StepOutcome, chosen: String? = nil) -> Decision {
        switch outcome {
        case .success:
            if step.isEnd { return .finish }
            if let target = chosen ?? step.nextStep ?? following(step.name) { return .run(target) }
            return .finish
        case .failed, .timedOut:
            switch step.onFailure {
            case .abort: return .abort(outcome.status)
            case _ where step.isEnd: return .finish
            case .continue: return following(step.name).map(Decision.run) ?? .finish
            case .step(let target): return .run(target)
            }
        case .cancelled:
            return .abort(.cancelled)
        }
    }

    /// The status of an execution that ran to its end: Failed when a critical step failed,
    /// TimedOut when one timed out (and none failed), else Success. `outcomes` are the step
    /// executions in order (name and status).
    func finalStatus(_ outcomes: [(step: String, status: AutomationStatus)]) -> AutomationStatus {
        let critical = outcomes.filter { runbook.step(named: $0.step)?.isCritical ?? true }
        if critical.contains(where: { $0.status == .failed }) { return .failed }
        if critical.contains(where: { $0.status == .timedOut }) { return .timedOut }
        return .success
    }
}
