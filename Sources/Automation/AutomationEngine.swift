public import Daemon
import EventBus
import Foundation
public import Logging
public import Parameters
import Runbooks
public import SchedulerCore
public import ServiceLifecycle
public import Store

/// The automation engine: starts executions of runbooks, runs them step by step (each step's
/// progress persisted with its status-change events), rate-controls executions on targets,
/// and takes stop requests and signals. As a `Service` it resumes, at start, every execution
/// the daemon left unfinished, then runs each new one as it is started. Everything waits on
/// the daemon's `WallClock`.
public final class AutomationEngine: Service, Sendable {
    let environment: EngineEnvironment
    private let launches: AsyncStream<String>
    private let launch: AsyncStream<String>.Continuation
    /// What the engine is running, by execution id. An id is `loading` from the moment it is
    /// known to be run (inserted, or found unfinished at start) until its handle exists, so a
    /// stop or a signal never slips between the database and the handle: it waits instead.
    /// A `BlockingLock`: at a 10,000-child launch every one of the executor's threads takes it.
    private let runs = BlockingLock<Registry>(Registry())

    struct Registry {
        enum Slot {
            /// Known to be run; no task has picked it up yet. With the record when it was
            /// just inserted (Pending, no steps): the task need not read it back.
            case loading(AutomationExecutionRecord?)
            /// A task is loading it.
            case claimed
            case running(any ExecutionHandle)
        }

        var slots: [String: Slot] = [:]
        /// Set once `run()` has claimed every unfinished execution.
        var started = false
    }

    /// - Parameters:
    ///   - resources: answers `ec2` and `rds` (and any service but `ssm`, which the engine
    ///     answers itself from `state`'s calendars).
    ///   - parameters: resolves `{{ssm:}}` and `{{ssm-secure:}}` references; without it they
    ///     are refused.
    public init(database: SchedulerDatabase, state: RuntimeState, clock: any WallClock, resources: any AWSAPICaller,
                parameters: ParameterStore? = nil, account: String, region: String, logger: Logger,
                options: AutomationOptions = AutomationOptions()) {
        let clock = AnyWallClock(clock)
        environment = EngineEnvironment(
            database: database, clock: clock,
            caller: ServiceRouter(ssm: CalendarStateCaller(state: state, clock: clock), resources: resources),
            catalog: RunbookCatalog(database: database), options: options,
            events: AutomationEvents(state: state, account: account, region: region),
            commands: LocalCommandRunner(outputLimit: max(options.commandOutputLimit, 16_384)), logger: logger,
            account: account, region: region, activity: Broadcast(), runbooks: RunbookCache(),
            references: ParameterReferences(store: parameters))
        (launches, launch) = AsyncStream.makeStream(of: String.self)
    }

    // MARK: Service

    /// Resumes the unfinished executions, then runs new ones until graceful shutdown. At
    /// shutdown the steps in flight are abandoned, not failed: the next start resumes them
    /// (`ResumePolicy`).
    public func run() async throws {
        let launches = self.launches
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                do {
                    let unfinished = try self.environment.database.unfinishedAutomationExecutions()
                    if !unfinished.isEmpty {
                        self.environment.logger.notice("resuming automations", metadata: ["automation.count": "\(unfinished.count)"])
                    }
                    self.runs.withLock { registry in
                        for record in unfinished where registry.slots[record.id] == nil { registry.slots[record.id] = .loading(nil) }
                        registry.started = true
                    }
                    self.environment.activity.fire()
                    for record in unfinished { group.addTask(executorPreference: AutomationExecutor.shared) { await self.drive(record.id) } }
                } catch {
                    self.environment.logger.error("cannot read the unfinished automations", metadata: ["error": "\(error)"])
                }
                for await id in launches { group.addTask(executorPreference: AutomationExecutor.shared) { await self.drive(id) } }
            }
        }
    }

    private func drive(_ id: String) async {
        let claimed = runs.withLock { registry -> (Bool, AutomationExecutionRecord?) in
            switch registry.slots[id] {
            case .claimed?, .running?: return (false, nil)   // driven already
            case .loading(let inserted)?:
                registry.slots[id] = .claimed
                return (true, inserted)
            case nil:
                registry.slots[id] = .claimed
                return (true, nil)
            }
        }
        guard claimed.0 else { return }
        let handle: any ExecutionHandle
        let parent: String?
        do {
            // A stop or a signal waits while the slot is not running, so a record just inserted
            // is still what the database holds.
            let loaded = try claimed.1.map { ($0, [AutomationStepRecord]()) } ?? environment.database.automationExecutionWithSteps(id: id)
            guard let (record, steps) = loaded, !(AutomationStatus(rawValue: record.status)?.isTerminal ?? true) else {
                release(id)
                return
            }
            parent = record.parentId
            if record.targets != nil, record.parentId == nil {
                handle = try ParentRun(environment: environment, execution: record, launcher: self)
            } else {
                handle = try ExecutionRun(environment: environment, execution: record, steps: steps)
            }
        } catch {
            environment.logger.error("cannot load an automation", metadata: ["execution.id": "\(id)", "error": "\(error)"])
            release(id)
            return
        }
        runs.withLock { $0.slots[id] = .running(handle) }
        environment.activity.fire()
        await handle.run()
        let status = await handle.persistedStatus()
        release(id)
        if let parent, let status, status.isTerminal, let parentHandle = await runningHandle(for: parent) {
            await parentHandle.childFinished(id, status: status)
        }
    }

    private func release(_ id: String) {
        _ = runs.withLock { $0.slots.removeValue(forKey: id) }
        environment.activity.fire()
    }

    /// The handle running `id`, once it has one; nil when the engine does not run it (it has
    /// ended, or is unknown). Waits while the execution is being loaded, or while the service
    /// has not yet claimed the unfinished executions.
    private func runningHandle(for id: String) async -> (any ExecutionHandle)? {
        while true {
            let seen = environment.activity.version
            let (slot, started) = runs.withLock { ($0.slots[id], $0.started) }
            switch slot {
            case .running(let handle)?: return handle
            case .loading?, .claimed?: break
            case nil:
                guard !started else { return nil }
                let active = (try? environment.database.automationExecution(id: id)).flatMap { $0 }
                    .map { !(AutomationStatus(rawValue: $0.status)?.isTerminal ?? true) } ?? false
                if !active { return nil }
            }
            if Task.isCancelled { return nil }
            await environment.activity.wait(after: seen)
        }
    }

    // MARK: Starting

    /// Starts an execution (or, for a client token seen before with the same request, returns
    /// that execution's id). The execution is persisted `Pending` before this returns.
    public func start(_ request: AutomationStartRequest) throws(AutomationError) -> String {
        let database = environment.database
        if let token = request.clientToken, let existing = try read({ try database.automationExecution(clientToken: token) }) {
            guard existing.requestFingerprint == request.fingerprint else { throw .idempotentMismatch }
            return existing.id
        }
        guard request.mode == "Auto" else {
            throw .invalidParameters("Mode \(request.mode): schedulerd runs automations in Auto mode only.")
        }
        let resolved = try environment.catalog.runbook(request.documentName, version: request.documentVersion)
        var runbook = resolved.runbook
        var targetParameter: String?
        if !request.targets.isEmpty {
            guard let name = request.targetParameterName else {
                throw .invalidParameters("TargetParameterName is required with Targets: name the runbook parameter each target value fills.")
            }
            guard runbook.parameter(named: name) != nil else {
                throw .invalidParameters("TargetParameterName \(name) is not a parameter of \(resolved.name).")
            }
            guard request.parameters[name] == nil else {
                throw .invalidParameters("Parameter \(name) is the TargetParameterName: the targets give its values, so leave it out of Parameters.")
            }
            for target in request.targets {
                if let problem = AutomationTarget.check(target.key) { throw AutomationError("InvalidTarget", problem) }
                if target.values.isEmpty { throw AutomationError("InvalidTarget", "Target \(target.key) has no values.") }
            }
            if let text = request.maxConcurrency, !RateControl.validConcurrency(text) {
                throw .invalidParameters("MaxConcurrency \(text) is not a number of targets or a percentage (1-100%).")
            }
            if let text = request.maxErrors, !RateControl.validErrors(text) {
                throw .invalidParameters("MaxErrors \(text) is not a number of errors or a percentage (0-100%).")
            }
            runbook.parameters.removeAll { $0.name == name }
            targetParameter = name
        }
        let given = try Self.expandReferences(request.parameters, for: runbook, references: environment.references)
        var values: [String: JSONValue]
        do {
            values = try ParameterValues.resolve(given.checked, for: runbook)
            if !given.secret.isEmpty {
                // Persist the references, not the plaintext they were checked with.
                let stored = try ParameterValues.resolve(given.stored, for: runbook, checking: false)
                for name in given.secret { values[name] = stored[name] }
            }
        } catch {
            throw .invalidParameters(error.message)
        }
        // Parameters as GetAutomationExecution shows them: {{ssm:}} values resolved (which
        // AMI a run used is worth seeing), {{ssm-secure:}} ones as written.
        var shown: [String: JSONValue] = [:]
        for spec in runbook.parameters {
            shown[spec.name] = .array((given.stored[spec.name] ?? spec.defaultValue.map(Self.strings) ?? []).map { .string($0) })
        }
        let now = environment.clock.now().timeIntervalSince1970
        let targeted = targetParameter != nil
        let record = AutomationExecutionRecord(
            id: TimeOrderedID.next(), documentName: resolved.name, documentVersion: resolved.version,
            status: AutomationStatus.pending.rawValue, mode: request.mode, parameters: JSONValue.object(shown).serialized(sortingKeys: true),
            values: JSONValue.object(values).serialized(sortingKeys: true), startTime: now, clientToken: request.clientToken,
            requestFingerprint: request.fingerprint, executedBy: request.executedBy, targetParameterName: targetParameter,
            targets: targeted ? JSONValue.array(request.targets.map(\.json)).serialized() : nil,
            maxConcurrency: targeted ? request.maxConcurrency ?? RateControl.defaultConcurrency.description : nil,
            maxErrors: targeted ? request.maxErrors ?? RateControl.defaultErrors.description : nil,
            content: resolved.content, contentFormat: resolved.format, tags: JSONValue.array(request.tags).serialized(), updatedAt: now)
        let id = try insert(record)
        environment.logger.info("automation started", metadata: [
            "execution.id": "\(id)", "document.name": "\(resolved.name)", "document.version": "\(resolved.version)",
            "execution.executed_by": "\(request.executedBy)"])
        return id
    }

    /// Inserts a Pending execution with its event and hands it to the service; an execution
    /// with the same client token is returned instead (when it asked for the same).
    private func insert(_ record: AutomationExecutionRecord) throws(AutomationError) -> String {
        let events = environment.events
        let outcome = try read {
            try environment.database.insertAutomationExecution(record, outbox: [try events.execution(record, now: environment.clock.now())])
        }
        switch outcome {
        case .inserted:
            events.state.deliveriesRecorded()
            runs.withLock { registry in
                if registry.slots[record.id] == nil { registry.slots[record.id] = .loading(record) }
            }
            environment.activity.fire()
            launch.yield(record.id)
            return record.id
        case .existing(let existing):
            guard existing.requestFingerprint == record.requestFingerprint else { throw .idempotentMismatch }
            return existing.id
        }
    }

    private func read<T>(_ body: () throws -> T) throws(AutomationError) -> T {
        do {
            return try body()
        } catch {
            throw AutomationError("InternalServerError", "The automation store cannot be used: \(error)")
        }
    }

    /// A parameter value as the API lists it.
    static func strings(_ value: JSONValue) -> [String] {
        switch value {
        case .array(let items): return items.map { $0.stringValue ?? $0.serialized(sortingKeys: true) }
        case .string(let text): return [text]
        case .bool(let flag): return [flag ? "true" : "false"]
        case .number: return [PropertySelector.text(of: value)]
        default: return [value.serialized(sortingKeys: true)]
        }
    }

    // MARK: Stopping and signalling

    /// StopAutomationExecution.
    public func stop(_ id: String, type: AutomationStopType) async throws(AutomationError) {
        if let handle = await runningHandle(for: id) { return try await handle.requestStop(type) }
        guard var record = try read({ try environment.database.automationExecution(id: id) }) else { throw .executionNotFound(id) }
        guard let status = AutomationStatus(rawValue: record.status), !status.isTerminal else {
            throw .invalidStatusUpdate("the execution has already ended (\(record.status)).")
        }
        // Active but not run by this engine (it could not be loaded): the request is recorded,
        // and read when the execution runs.
        guard record.stopType == nil else { return }
        record.stopType = type.rawValue
        var outbox: [OutboxEntry] = []
        if type == .cancel {
            record.status = AutomationStatus.cancelling.rawValue
            outbox.append(try read { try environment.events.execution(record, now: environment.clock.now()) })
        }
        let update = record
        try read { try environment.save(update, [], outbox) }
    }

    /// SendAutomationSignal. `caller` is recorded as the approver.
    public func signal(_ id: String, _ signal: AutomationSignal, payload: [String: [String]], caller: String) async throws(AutomationError) {
        if let handle = await runningHandle(for: id) { return try await handle.signal(signal, payload: payload, caller: caller) }
        guard let record = try read({ try environment.database.automationExecution(id: id) }) else { throw .executionNotFound(id) }
        if AutomationStatus(rawValue: record.status)?.isTerminal ?? true {
            throw .invalidSignal("the execution has ended (\(record.status)).")
        }
        throw .invalidSignal("the execution is not running on this daemon (it could not be loaded; see the log).")
    }

    // MARK: Waiting (tests, tools)

    /// Returns the execution once `predicate` holds for it (re-checked after every change any
    /// execution persists).
    public func execution(_ id: String, when predicate: (AutomationExecutionRecord) -> Bool) async throws -> AutomationExecutionRecord {
        while true {
            let seen = environment.activity.version
            if let record = try environment.database.automationExecution(id: id), predicate(record) { return record }
            try Task.checkCancellation()
            await environment.activity.wait(after: seen)
        }
    }

    /// Returns the execution once it has ended.
    public func finished(_ id: String) async throws -> AutomationExecutionRecord {
        try await execution(id) { AutomationStatus(rawValue: $0.status)?.isTerminal ?? true }
    }
}

extension AutomationEngine: ChildLauncher {
    /// Starts the children for `targets`, one transaction for all of them (a fleet of 10,000 is
    /// launched in a handful); a child that exists already (found after a restart) is made
    /// sure to run. Returns the children's ids, in the order of `targets`.
    func launchChildren(of parent: AutomationExecutionRecord, targets: [String]) throws -> [String] {
        guard let name = parent.targetParameterName else { throw AutomationError("InternalServerError", "the parent has no TargetParameterName") }
        let runbook = try environment.runbooks.runbook(parent.content, format: parent.contentFormat)
        let parameters = (try? JSONValue(json: parent.parameters))?.objectValue ?? [:]
        let values = (try? JSONValue(json: parent.values))?.objectValue ?? [:]
        let listParameter = runbook.parameter(named: name)?.type == .stringList
        let now = environment.clock.now()
        let events = environment.events
        var records: [(AutomationExecutionRecord, [OutboxEntry])] = []
        for target in targets {
            var childParameters = parameters
            childParameters[name] = [.string(target)]
            var childValues = values
            childValues[name] = listParameter ? [.string(target)] : .string(target)
            let record = AutomationExecutionRecord(
                id: TimeOrderedID.next(), documentName: parent.documentName, documentVersion: parent.documentVersion,
                status: AutomationStatus.pending.rawValue, mode: parent.mode,
                parameters: JSONValue.object(childParameters).serialized(sortingKeys: true),
                values: JSONValue.object(childValues).serialized(sortingKeys: true), startTime: now.timeIntervalSince1970,
                parentId: parent.id, target: target, clientToken: "\(parent.id):\(target)", requestFingerprint: "child:\(parent.id):\(target)",
                executedBy: parent.executedBy, content: parent.content, contentFormat: parent.contentFormat, tags: parent.tags,
                updatedAt: now.timeIntervalSince1970)
            records.append((record, [try read { try events.execution(record, now: now) }]))
        }
        let outcomes = try read { try environment.database.insertAutomationExecutions(records) }
        var ids: [String] = []
        for ((record, _), outcome) in zip(records, outcomes) {
            switch outcome {
            case .inserted:
                runs.withLock { registry in
                    if registry.slots[record.id] == nil { registry.slots[record.id] = .loading(record) }
                }
                ids.append(record.id)
            case .existing(let existing):
                ids.append(existing.id)
            }
            launch.yield(ids[ids.count - 1])   // an existing one too: found after a restart, make sure it runs
        }
        if outcomes.contains(.inserted) {
            events.state.deliveriesRecorded()
            environment.activity.fire()
        }
        return ids
    }

    func stopChild(_ id: String) async {
        try? await stop(id, type: .cancel)
    }
}
