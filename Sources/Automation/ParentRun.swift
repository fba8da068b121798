import EventBus
import Foundation
import Logging
import Runbooks
import SchedulerMetrics
import Store

/// What a rate-controlled parent needs from the engine: children started and stopped.
protocol ChildLauncher: Sendable {
    /// Starts (or finds, after a restart) the child for `target`; returns its id.
    func launchChildren(of parent: AutomationExecutionRecord, targets: [String]) throws -> [String]
    func stopChild(_ id: String) async
}

/// A rate-controlled execution (started with `Targets`): it resolves the targets, then runs
/// one child execution per target value, at most `MaxConcurrency` at once, and stops starting
/// new ones once more than `MaxErrors` children did not succeed (those running may finish).
/// It ends Success when every child succeeded, Failed otherwise, Cancelled when stopped.
actor ParentRun: ExecutionHandle {
    struct Child {
        let id: String
        var status: AutomationStatus
    }

    let environment: EngineEnvironment
    let launcher: any ChildLauncher
    nonisolated let changes = Broadcast()
    private var execution: AutomationExecutionRecord
    private let runbook: Runbook
    private let rate: RateControl
    private var children: [String: Child] = [:]
    private var targetOfChild: [String: String] = [:]
    private var running = 0
    private var errors = 0
    private var stopsSent = false
    private var committedStatus: String

    init(environment: EngineEnvironment, execution: AutomationExecutionRecord, launcher: any ChildLauncher) throws {
        self.environment = environment
        self.execution = execution
        self.launcher = launcher
        runbook = try environment.runbooks.runbook(execution.content, format: execution.contentFormat)
        rate = RateControl(concurrency: execution.maxConcurrency.flatMap(RateControl.Limit.init) ?? RateControl.defaultConcurrency,
                           errors: execution.maxErrors.flatMap(RateControl.Limit.init) ?? RateControl.defaultErrors)
        committedStatus = execution.status
    }

    private var status: AutomationStatus { AutomationStatus(rawValue: execution.status) ?? .failed }

    func persistedStatus() -> AutomationStatus? { AutomationStatus(rawValue: committedStatus) }
    private var stopType: AutomationStopType? { execution.stopType.flatMap(AutomationStopType.init) }
    private var now: Date { environment.clock.now() }

    func run() async {
        do {
            try await drive()
        } catch is CancellationError {
            environment.logger.debug("rate-controlled automation left for the next start", metadata: ["execution.id": "\(execution.id)"])
        } catch {
            environment.logger.error("rate-controlled automation failed unexpectedly", metadata: ["execution.id": "\(execution.id)", "error": "\(error)"])
            finish(.failed, message: "schedulerd could not carry on with this automation: \(error)")
            try? commit()
        }
    }

    private func drive() async throws {
        if status == .pending {
            execution.status = AutomationStatus.inProgress.rawValue
            try commit()
        }
        if execution.resolvedTargets == nil, stopType == nil {
            let targets = (try? JSONValue(json: execution.targets ?? "[]"))?.arrayValue?.map { target in
                AutomationTarget(key: target["Key"]?.stringValue ?? "", values: target["Values"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            } ?? []
            let resolver = TargetResolver(caller: environment.caller, clock: environment.clock)
            let kind = TargetResolver.kind(of: execution.targetParameterName ?? "", in: runbook)
            do {
                let values = try await resolver.resolve(targets, kind: kind)
                execution.resolvedTargets = JSONValue.array(values.map { .string($0) }).serialized()
                try commit()
            } catch let error as AWSAPIError {
                finish(.failed, message: "The targets could not be resolved: \(error.code): \(error.message)")
                return try commit()
            }
        }
        let targets = (try? JSONValue(json: execution.resolvedTargets ?? "[]"))?.arrayValue?.compactMap(\.stringValue) ?? []
        for child in try environment.database.automationChildren(parentId: execution.id) {
            guard let target = child.target else { continue }
            let status = AutomationStatus(rawValue: child.status) ?? .failed
            record(Child(id: child.id, status: status), for: target)
        }
        var cursor = 0   // targets before it all have a child
        while !status.isTerminal {
            try Task.checkCancellation()
            let seen = changes.version
            if let stopType {
                // Cancel stops the children in flight; Complete lets them finish. Neither starts more.
                if stopType == .cancel, !stopsSent {
                    stopsSent = true
                    for id in children.values.filter({ !$0.status.isTerminal }).map(\.id) { await launcher.stopChild(id) }
                }
                if running == 0 {
                    finish(stopType == .cancel ? .cancelled : aggregate(total: targets.count),
                           message: stopType == .cancel ? nil : message(total: targets.count))
                    return try commit()
                }
            } else {
                var launches = rate.launches(total: targets.count, started: children.count, running: running, errors: errors)
                var batch: [String] = []
                var inBatch: Set<String> = []
                while launches > 0, cursor < targets.count {
                    let target = targets[cursor]
                    cursor += 1
                    guard children[target] == nil, inBatch.insert(target).inserted else { continue }
                    batch.append(target)
                    launches -= 1
                }
                if !batch.isEmpty {
                    for (target, id) in zip(batch, try launcher.launchChildren(of: execution, targets: batch)) {
                        record(Child(id: id, status: .pending), for: target)
                    }
                }
                if running == 0, children.count == targets.count || errors > rate.toleratedErrors(of: targets.count) {
                    finish(aggregate(total: targets.count), message: message(total: targets.count))
                    return try commit()
                }
            }
            await changes.wait(after: seen)
        }
    }

    private func record(_ child: Child, for target: String) {
        if let previous = children[target], !previous.status.isTerminal { running -= 1 }
        if let previous = children[target], previous.status.isTerminal, previous.status != .success { errors -= 1 }
        children[target] = child
        targetOfChild[child.id] = target
        if !child.status.isTerminal { running += 1 } else if child.status != .success { errors += 1 }
    }

    func childFinished(_ child: String, status: AutomationStatus) {
        guard let target = targetOfChild[child], let known = children[target], !known.status.isTerminal else { return }
        record(Child(id: child, status: status), for: target)
        changes.fire()
    }

    private func aggregate(total: Int) -> AutomationStatus {
        let succeeded = children.values.filter { $0.status == .success }.count
        return succeeded == total ? .success : .failed
    }

    private func message(total: Int) -> String? {
        let succeeded = children.values.filter { $0.status == .success }.count
        guard succeeded < total else { return nil }
        var text = "\(total - succeeded) of \(total) targets did not succeed (\(errors) failed, timed out or cancelled"
        let notStarted = total - children.count
        if notStarted > 0 {
            text += "; \(notStarted) not started: more than MaxErrors \(execution.maxErrors ?? RateControl.defaultErrors.description) errors"
        }
        return text + ")."
    }

    private func finish(_ final: AutomationStatus, message: String?) {
        execution.status = final.rawValue
        execution.endTime = now.timeIntervalSince1970
        execution.failureMessage = final == .success ? nil : message
        execution.outputs = "{}"
        environment.events.state.metrics.increment(DaemonMetrics.automationExecutions, .init(["status": final.rawValue]))
        environment.logger.notice("rate-controlled automation ended", metadata: [
            "execution.id": "\(execution.id)", "execution.status": "\(final.rawValue)", "execution.targets": "\(children.count)"])
    }

    private func commit() throws {
        let time = now
        execution.updatedAt = time.timeIntervalSince1970
        var outbox: [OutboxEntry] = []
        if committedStatus != execution.status { outbox.append(try environment.events.execution(execution, now: time)) }
        try environment.save(execution, [], outbox)
        committedStatus = execution.status
    }

    func requestStop(_ type: AutomationStopType) throws(AutomationError) {
        guard !status.isTerminal else { throw .invalidStatusUpdate("the execution has already ended (\(status.rawValue)).") }
        guard execution.stopType == nil else { return }
        execution.stopType = type.rawValue
        if type == .cancel { execution.status = AutomationStatus.cancelling.rawValue }
        do {
            try commit()
        } catch {
            throw AutomationError("InternalServerError", "The stop request could not be recorded: \(error)")
        }
        changes.fire()
    }

    func signal(_ signal: AutomationSignal, payload: [String: [String]], caller: String) throws(AutomationError) {
        throw .invalidSignal("\(execution.id) runs the runbook on its targets through child executions; signal a child instead.")
    }
}
