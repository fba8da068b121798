import ChangeCalendar
import EventBus
import Foundation
import Logging
import Runbooks
import SchedulerMetrics
import Store

/// One execution of a runbook, run step by step. The actor owns the execution's records: it
/// is the only writer, so signals and stop requests (which arrive while a step awaits) and the
/// step's own progress never overwrite each other. Every change is persisted, with its
/// status-change events, before the next thing happens.
actor ExecutionRun: ExecutionHandle, StepHost {
    enum AttemptResult: Sendable {
        case success(ActionSuccess)
        case failure(StepFailure)
        case timedOut
        /// StopAutomationExecution interrupted the step.
        case stopped
        /// The task was cancelled: the daemon is stopping; nothing more is written.
        case interrupted
    }

    let environment: EngineEnvironment
    nonisolated let changes = Broadcast()
    private var execution: AutomationExecutionRecord
    private var steps: [AutomationStepRecord]
    private let runbook: Runbook
    private let flow: StepFlow
    private let values: [String: JSONValue]
    /// The statuses last written, to emit an event exactly when one changes.
    private var committedStatus: String
    private var committedStepStatus: [Int: String]
    /// Step records changed but not yet written: a step's end, when the next step starts at
    /// once. The next commit writes them, so a step's end and its successor's start are one
    /// transaction (no await lies between them; a daemon stopping writes them on its way out).
    private var unsaved: [Int: AutomationStepRecord] = [:]

    init(environment: EngineEnvironment, execution: AutomationExecutionRecord, steps: [AutomationStepRecord]) throws {
        self.environment = environment
        self.execution = execution
        self.steps = steps
        runbook = try environment.runbooks.runbook(execution.content, format: execution.contentFormat)
        flow = StepFlow(runbook: runbook)
        values = (try? JSONValue(json: execution.values))?.objectValue ?? [:]
        committedStatus = execution.status
        committedStepStatus = Dictionary(uniqueKeysWithValues: steps.map { ($0.sequence, $0.status) })
    }

    private var now: Date { environment.clock.now() }
    private var status: AutomationStatus { AutomationStatus(rawValue: execution.status) ?? .failed }
    private var stopType: AutomationStopType? { execution.stopType.flatMap(AutomationStopType.init) }
    private var logMetadata: Logger.Metadata {
        ["execution.id": "\(execution.id)", "document.name": "\(execution.documentName)"]
    }

    // MARK: Running

    func run() async {
        do {
            try await drive()
        } catch is CancellationError {
            if !unsaved.isEmpty { try? commit([]) }
            environment.logger.debug("automation left for the next start", metadata: logMetadata)
        } catch {
            environment.logger.error("automation failed unexpectedly", metadata: logMetadata.merging(["error": "\(error)"]) { $1 })
            try? finish(.failed, message: "schedulerd could not carry on with this automation: \(error)")
            try? commit([])
        }
    }

    private func drive() async throws {
        // Written with the first step's start (or the end, when no step runs).
        if status == .pending { execution.status = AutomationStatus.inProgress.rawValue }
        if let last = steps.last, !(AutomationStatus(rawValue: last.status)?.isTerminal ?? true) {
            try await resume(last)
        }
        while !status.isTerminal {
            try Task.checkCancellation()
            if let stopType, !inCancelWorkflow {
                try finish(stopType == .cancel ? .cancelled : aggregate(), message: stopType == .cancel ? nil : aggregateMessage())
                try commit([])
                return
            }
            guard let name = steps.isEmpty ? flow.first : execution.nextStep else {
                try finish(inCancelWorkflow ? .cancelled : aggregate(), message: inCancelWorkflow ? nil : aggregateMessage())
                try commit([])
                return
            }
            try await runStep(named: name, resuming: nil)
        }
    }

    /// A step that was in flight when the daemon stopped: run again if that is safe
    /// (`ResumePolicy`), else failed with the reason.
    private func resume(_ record: AutomationStepRecord) async throws {
        guard let step = runbook.step(named: record.stepName) else {
            try finish(.failed, message: "step \(record.stepName) is not in the runbook")
            return try commit([])
        }
        var record = record
        if stopType != nil, !record.isCancelWorkflow { return try stopped(&record, step) }
        let inputs = Self.object(record.inputs)
        if ResumePolicy.mayRepeat(action: record.action, inputs: inputs) {
            environment.logger.notice("resuming the step in flight", metadata: logMetadata.merging(["step.name": "\(record.stepName)"]) { $1 })
            try await runStep(named: record.stepName, resuming: record)
        } else {
            let failure = StepFailure(ResumePolicy.refusal(action: record.action, inputs: inputs), retryable: false, type: "Internal")
            try end(&record, step, .failed, failure: failure)
        }
    }

    /// Whether the steps now running are an `onCancel` workflow: a Cancel was asked and the
    /// cancelled step named a step to go to.
    private var inCancelWorkflow: Bool {
        guard stopType == .cancel, let last = steps.last else { return false }
        return last.isCancelWorkflow || (last.status == AutomationStatus.cancelled.rawValue && last.nextStep != nil)
    }

    /// When the cancel workflow must be over: the cancelled step's end plus the limit.
    private var cancelWorkflowDeadline: Date? {
        guard inCancelWorkflow, let cancelled = steps.last(where: { !$0.isCancelWorkflow }) else { return nil }
        return Date(timeIntervalSince1970: (cancelled.endTime ?? cancelled.startTime) + environment.options.cancelWorkflowLimit)
    }

    private func runStep(named name: String, resuming existing: AutomationStepRecord?) async throws {
        guard let step = runbook.step(named: name) else {
            try finish(.failed, message: "step \(name) is not in the runbook")
            return try commit([])
        }
        let cancelWorkflow = inCancelWorkflow
        let workflowDeadline = cancelWorkflowDeadline
        var record: AutomationStepRecord
        if let existing {
            record = existing
        } else {
            guard steps.count < environment.options.maximumStepExecutions else {
                try finish(.failed, message: "The automation made \(steps.count) step executions, the most one may make; "
                           + "its onFailure or nextStep settings probably loop.")
                return try commit([])
            }
            // {{ssm:}} values are persisted with the inputs; {{ssm-secure:}} ones never are.
            let inputs = environment.references.resolveWhatResolves(Interpolation.resolve(.object(step.inputs), lookup), [.plain])
            record = AutomationStepRecord(executionId: execution.id, sequence: steps.count + 1, stepExecutionId: TimeOrderedID.next(),
                                          stepName: name, action: step.action, status: AutomationStatus.inProgress.rawValue,
                                          inputs: inputs.serialized(sortingKeys: true), startTime: now.timeIntervalSince1970,
                                          isCancelWorkflow: cancelWorkflow, updatedAt: now.timeIntervalSince1970)
            steps.append(record)
            execution.currentStepName = name
            execution.currentAction = step.action
            execution.nextStep = nil
        }
        let inputs: [String: JSONValue]
        do {
            // Decrypted into memory for this run of the step only.
            inputs = try environment.references.resolve(.object(Self.object(record.inputs)), [.plain, .secure]).objectValue ?? [:]
        } catch {
            return try end(&record, step, .failed, failure: StepFailure(error.message, retryable: false, stage: "Verification", type: "Verification"))
        }
        var resumed = existing != nil && record.attempts > 0
        while true {
            if !resumed {
                record.attempts += 1
                record.state = Self.merging(record.state, ["AttemptStart": .number(now.timeIntervalSince1970)])
            }
            try commit([record])
            let attemptStart = Self.object(record.state)["AttemptStart"]?.numberValue ?? now.timeIntervalSince1970
            var deadline = (step.timeoutSeconds.map(TimeInterval.init) ?? AutomationOptions.defaultTimeout(step.action))
                .map { Date(timeIntervalSince1970: attemptStart + $0) }
            if let workflowDeadline { deadline = min(deadline ?? workflowDeadline, workflowDeadline) }
            let context = ActionContext(step: step, inputs: inputs, executionId: execution.id,
                                        stepStart: Date(timeIntervalSince1970: record.startTime), resumed: resumed,
                                        environment: environment, host: self)
            resumed = false
            let result = await attempt(context, deadline: deadline, watchStop: !cancelWorkflow)
            // Signals may have changed the record while the attempt ran.
            if let current = steps.last, current.sequence == record.sequence { record = current }
            switch result {
            case .interrupted:
                throw CancellationError()
            case .success(let success):
                return try end(&record, step, .success, success: success)
            case .failure(let failure):
                if failure.retryable, record.attempts < step.maxAttempts {
                    environment.logger.info("step attempt failed; trying again", metadata: logMetadata.merging([
                        "step.name": "\(name)", "step.attempt": "\(record.attempts)", "error": "\(failure.message)"]) { $1 })
                    continue
                }
                return try end(&record, step, .failed, failure: failure)
            case .timedOut:
                if record.attempts < step.maxAttempts { continue }
                let limit = step.timeoutSeconds ?? Int(AutomationOptions.defaultTimeout(step.action) ?? 0)
                return try end(&record, step, .timedOut,
                               failure: StepFailure("Step timed out after \(limit) seconds (attempt \(record.attempts) of \(step.maxAttempts)).",
                                                    type: "Action"))
            case .stopped:
                return try stopped(&record, step)
            }
        }
    }

    /// One attempt: the action, raced against the attempt's deadline and a stop request.
    private nonisolated func attempt(_ context: ActionContext, deadline: Date?, watchStop: Bool) async -> AttemptResult {
        await withTaskGroup(of: AttemptResult.self) { group in
            group.addTask { await Self.perform(context) }
            if let deadline {
                let clock = context.clock
                group.addTask {
                    do {
                        while clock.now() < deadline { try await clock.sleep(until: deadline) }
                        return .timedOut
                    } catch {
                        return .interrupted
                    }
                }
            }
            if watchStop { group.addTask { await self.waitForStop() } }
            let first = await group.next() ?? .interrupted
            group.cancelAll()
            return Task.isCancelled ? .interrupted : first
        }
    }

    private static func perform(_ context: ActionContext) async -> AttemptResult {
        do {
            let success: ActionSuccess
            switch context.step.action {
            case "aws:executeAwsApi": success = try await AWSAPIActions.executeAwsApi(context)
            case "aws:assertAwsResourceProperty": success = try await AWSAPIActions.assertProperty(context)
            case "aws:waitForAwsResourceProperty": success = try await AWSAPIActions.waitForProperty(context)
            case "aws:changeInstanceState": success = try await ChangeInstanceState.run(context)
            case "aws:sleep": success = try await FlowActions.sleep(context)
            case "aws:branch": success = try await FlowActions.branch(context)
            case "aws:approve": success = try await SignalActions.approve(context)
            case "aws:pause": success = try await SignalActions.pause(context)
            case "aws:runCommand": success = try await RunCommand.run(context)
            default: throw StepFailure("schedulerd cannot run \(context.step.action)", retryable: false, stage: "InputValidation")
            }
            return .success(success)
        } catch let failure as StepFailure {
            return .failure(failure)
        } catch is CancellationError {
            return .interrupted
        } catch {
            return .failure(StepFailure("\(error)"))
        }
    }

    private nonisolated func waitForStop() async -> AttemptResult {
        while !Task.isCancelled {
            let seen = changes.version
            if await stopType != nil { return .stopped }
            await changes.wait(after: seen)
        }
        return .interrupted
    }

    // MARK: Step and execution ends

    /// Records how a step ended and applies the flow: the next step, or the execution's end.
    private func end(_ record: inout AutomationStepRecord, _ step: Step, _ outcome: StepOutcome, success: ActionSuccess? = nil,
                     failure: StepFailure? = nil) throws {
        record.status = outcome.status.rawValue
        record.endTime = now.timeIntervalSince1970
        let outputs = success?.outputs ?? failure?.outputs ?? [:]
        if !outputs.isEmpty { record.outputs = JSONValue.object(outputs).serialized(sortingKeys: true) }
        record.response = success?.response
        record.responseCode = success?.responseCode ?? outputs["ResponseCode"].map(PropertySelector.text)
        if let failure {
            record.failureMessage = failure.message
            record.failureDetails = JSONValue.object(["FailureStage": .string(failure.stage), "FailureType": .string(failure.type),
                                                      "Details": .object([:])]).serialized(sortingKeys: true)
        }
        replace(record)
        execution.currentStepName = nil
        execution.currentAction = nil
        if execution.status == AutomationStatus.waiting.rawValue { execution.status = AutomationStatus.inProgress.rawValue }
        let decision = flow.next(after: step, outcome: outcome, chosen: success?.chosenStep)
        switch decision {
        case .run(let next):
            record.nextStep = next
            execution.nextStep = next
            replace(record)
        case .finish where record.isCancelWorkflow, .abort where record.isCancelWorkflow:
            try finish(.cancelled, message: nil)
        case .finish:
            try finish(aggregate(), message: aggregateMessage())
        case .abort(let status):
            let what = status == .timedOut ? "timed out" : "failed"
            try finish(status, message: "Step \(step.name) \(what): \(failure?.message ?? "no reason given")")
        }
        environment.logger.info("step ended", metadata: logMetadata.merging([
            "step.name": "\(step.name)", "step.status": "\(record.status)", "step.next": "\(record.nextStep ?? "")"]) { $1 })
        if case .run = decision, !status.isTerminal {
            unsaved[record.sequence] = record   // written with the next step's start
        } else {
            try commit([record])
        }
    }

    /// A stop request interrupted the step: Cancelled, then its `onCancel` workflow, or the end.
    private func stopped(_ record: inout AutomationStepRecord, _ step: Step) throws {
        record.status = AutomationStatus.cancelled.rawValue
        record.endTime = now.timeIntervalSince1970
        execution.currentStepName = nil
        execution.currentAction = nil
        if stopType == .cancel, case .step(let target) = step.onCancel, !record.isCancelWorkflow {
            record.nextStep = target
            execution.nextStep = target
        } else if stopType == .complete {
            try finish(aggregate(), message: aggregateMessage())
        } else {
            try finish(.cancelled, message: nil)
        }
        replace(record)
        try commit([record])
    }

    /// The status of an execution that ran to its end (or was completed early).
    private func aggregate() -> AutomationStatus {
        flow.finalStatus(steps.compactMap { record in
            AutomationStatus(rawValue: record.status).map { (record.stepName, $0) }
        })
    }

    private func aggregateMessage() -> String? {
        let critical = steps.first { record in
            (record.status == "Failed" || record.status == "TimedOut") && (runbook.step(named: record.stepName)?.isCritical ?? true)
        }
        return critical.map { "Step \($0.stepName) \($0.status == "TimedOut" ? "timed out" : "failed"): \($0.failureMessage ?? "no reason given")" }
    }

    private func finish(_ final: AutomationStatus, message: String?) throws {
        execution.status = final.rawValue
        execution.endTime = now.timeIntervalSince1970
        execution.currentStepName = nil
        execution.currentAction = nil
        execution.nextStep = nil
        execution.failureMessage = final == .success ? nil : message
        var outputs: [String: JSONValue] = [:]
        for name in runbook.outputs {
            let list = lookup(name).map(OutputValues.apiList) ?? ["No output available yet because the step is not successfully executed"]
            outputs[name] = .array(list.map { .string($0) })
        }
        execution.outputs = JSONValue.object(outputs).serialized(sortingKeys: true)
        environment.events.state.metrics.increment(DaemonMetrics.automationExecutions, .init(["status": final.rawValue]))
        environment.logger.notice("automation ended", metadata: logMetadata.merging(["execution.status": "\(final.rawValue)"]) { $1 })
    }

    // MARK: Signals and stops (arrive while a step awaits)

    func requestStop(_ type: AutomationStopType) throws(AutomationError) {
        guard !status.isTerminal else { throw .invalidStatusUpdate("the execution has already ended (\(status.rawValue)).") }
        guard execution.stopType == nil else { return }
        execution.stopType = type.rawValue
        if type == .cancel { execution.status = AutomationStatus.cancelling.rawValue }
        do {
            try commit([])
        } catch {
            throw AutomationError("InternalServerError", "The stop request could not be recorded: \(error)")
        }
        changes.fire()
    }

    func signal(_ signal: AutomationSignal, payload: [String: [String]], caller: String) throws(AutomationError) {
        guard !status.isTerminal else { throw .invalidSignal("the execution has ended (\(status.rawValue)).") }
        guard var record = steps.last, record.status == "InProgress" || record.status == "Waiting" else {
            throw .invalidSignal("no step of the execution is waiting for a signal.")
        }
        var state = Self.object(record.state)
        switch signal {
        case .approve, .reject:
            guard record.action == "aws:approve" else {
                throw .invalidSignal("the step in progress, \(record.stepName), is \(record.action), not aws:approve.")
            }
            var decision: [String: JSONValue] = [
                "Approver": .string(caller), "Decision": .string(signal == .approve ? "Approved" : "Rejected"),
                "DecisionTime": .string(CalendarTime.format(now)),
            ]
            if let comment = payload["Comment"], !comment.isEmpty { decision["Comment"] = .string(comment.joined(separator: " ")) }
            state["Decisions"] = .array((state["Decisions"]?.arrayValue ?? []) + [.object(decision)])
        case .resume:
            guard record.action == "aws:pause" else {
                throw .invalidSignal("the step in progress, \(record.stepName), is \(record.action), not aws:pause.")
            }
            state["Resumed"] = true
        case .startStep, .stopStep:
            throw .invalidSignal("\(signal.rawValue) is for executions in Interactive mode; schedulerd runs automations in Auto mode.")
        case .revoke:
            throw .invalidSignal("Revoke applies to change requests, not to automation executions.")
        }
        record.state = JSONValue.object(state).serialized(sortingKeys: true)
        replace(record)
        do {
            try commit([record])
        } catch {
            throw AutomationError("InternalServerError", "The signal could not be recorded: \(error)")
        }
        changes.fire()
    }

    func childFinished(_ child: String, status: AutomationStatus) {}

    func persistedStatus() -> AutomationStatus? { AutomationStatus(rawValue: committedStatus) }

    // MARK: StepHost

    func markWaiting() throws {
        guard var record = steps.last, record.status != AutomationStatus.waiting.rawValue else { return }
        record.status = AutomationStatus.waiting.rawValue
        replace(record)
        if execution.status == AutomationStatus.inProgress.rawValue { execution.status = AutomationStatus.waiting.rawValue }
        try commit([record])
    }

    func stepState() -> JSONValue? {
        steps.last?.state.flatMap { try? JSONValue(json: $0) }
    }

    // MARK: Records

    private func replace(_ record: AutomationStepRecord) {
        if let index = steps.lastIndex(where: { $0.sequence == record.sequence }) { steps[index] = record }
    }

    /// Persists the execution, the unsaved step records and `records`, with an event for every
    /// status that changed: the execution's first when it is under way, last when it ended.
    private func commit(_ records: [AutomationStepRecord]) throws {
        let time = now
        execution.updatedAt = time.timeIntervalSince1970
        var outbox: [OutboxEntry] = []
        var written: [AutomationStepRecord] = []
        let given = Set(records.map(\.sequence))
        let earlier = unsaved.values.filter { !given.contains($0.sequence) }.sorted { $0.sequence < $1.sequence }
        for var record in earlier + records {
            record.updatedAt = time.timeIntervalSince1970
            replace(record)
            written.append(record)
            if committedStepStatus[record.sequence] != record.status {
                outbox.append(try environment.events.step(record, of: execution, now: time))
            }
        }
        if committedStatus != execution.status {
            let event = try environment.events.execution(execution, now: time)
            if status.isTerminal { outbox.append(event) } else { outbox.insert(event, at: 0) }
        }
        try environment.save(execution, written, outbox)
        unsaved = [:]
        committedStatus = execution.status
        for record in written { committedStepStatus[record.sequence] = record.status }
        if status.isTerminal { changes.fire() }
    }

    var record: AutomationExecutionRecord { execution }

    // MARK: Interpolation

    /// A `{{ name }}`'s value: a parameter, a system variable, or `step.Output` of the last
    /// successful run of that step.
    private func lookup(_ name: String) -> JSONValue? {
        if let value = values[name] { return value }
        let stamp = CalendarTime.format(now)
        switch name {
        case "automation:EXECUTION_ID": return .string(execution.id)
        case "automation:DOCUMENT_NAME": return .string(execution.documentName)
        case "global:ACCOUNT_ID": return .string(environment.account)
        case "global:REGION": return .string(environment.region)
        case "global:AWS_PARTITION": return "aws"
        case "global:AWS_URL_SUFFIX": return "amazonaws.com"
        case "global:DATE": return .string(String(stamp.prefix(10)))
        case "global:DATE_TIME":
            return .string(String(stamp.prefix(19)).replacingOccurrences(of: "T", with: "_").replacingOccurrences(of: ":", with: "."))
        default: break
        }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2,
              let source = steps.last(where: { $0.stepName == parts[0] && $0.status == AutomationStatus.success.rawValue }) else { return nil }
        return Self.object(source.outputs)[parts[1]]
    }

    static func object(_ json: String?) -> [String: JSONValue] {
        json.flatMap { try? JSONValue(json: $0) }?.objectValue ?? [:]
    }

    static func merging(_ json: String?, _ members: [String: JSONValue]) -> String {
        JSONValue.object(object(json).merging(members) { $1 }).serialized(sortingKeys: true)
    }
}
