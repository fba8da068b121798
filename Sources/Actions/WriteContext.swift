import Foundation
import Store

/// One write of the simulator, inside its transaction: the faults in force, the events to
/// record, and what changed. The state machines' effects (`enter`, `complete`) are applied
/// here to the stored records, so a state, its next transition and its event always go
/// together.
struct WriteContext {
    let transaction: ResourceTransaction
    let now: Date
    let times: TransitionTimes
    let names: ResourceEvents
    private(set) var faults: [Fault]
    private(set) var events: EventBatch
    let random: @Sendable () -> Double
    private(set) var changed: Set<String> = []
    private(set) var scheduled = false
    /// Resources this write gave a transition that is due already (one that takes no time).
    private var dueNow: [ResourceID] = []
    private(set) var usedFaults: [Fault] = []

    init(transaction: ResourceTransaction, now: Date, times: TransitionTimes, names: ResourceEvents, faults: [Fault],
         events: EventBatch, random: @escaping @Sendable () -> Double) {
        self.transaction = transaction
        self.now = now
        self.times = times
        self.names = names
        self.faults = faults
        self.events = events
        self.random = random
    }

    /// What the simulator does after the transaction commits.
    struct Summary {
        var events: [(source: String, deliveries: Int, state: String)]
        var changed: Set<String>
        var scheduled: Bool
        var usedFaults: [Fault]
    }

    var summary: Summary { Summary(events: events.recorded, changed: changed, scheduled: scheduled, usedFaults: usedFaults) }

    /// Notes that a transition was scheduled outside `enter` (the transition service replans).
    mutating func markScheduled() { scheduled = true }

    private mutating func schedule(_ resource: ResourceID, at time: Double) {
        scheduled = true
        if time <= now.timeIntervalSince1970 { dueNow.append(resource) }
    }

    /// Completes the transitions this write scheduled that are due already, and those they
    /// lead to, as `completeDue` would but without looking for them: they are known.
    mutating func completeScheduledDue() throws {
        while !dueNow.isEmpty {
            let resources = dueNow
            dueNow = []
            let time = now.timeIntervalSince1970
            var instanceIds: [String] = []
            var identifiers: [String] = []
            for resource in resources {
                switch resource {
                case .instance(let id): instanceIds.append(id)
                case .database(let identifier): identifiers.append(identifier)
                }
            }
            let instances = try transaction.instances(ids: instanceIds).filter { ($0.nextStateAt ?? .infinity) <= time }
            for var instance in instances.sorted(by: { ($0.nextStateAt!, $0.id) < ($1.nextStateAt!, $1.id) }) { try complete(&instance) }
            for identifier in Set(identifiers).sorted() {
                if var database = try transaction.dbInstance(identifier), (database.nextStatusAt ?? .infinity) <= time {
                    try complete(&database)
                }
            }
        }
    }

    // MARK: Faults

    /// The first fault of `kind` that applies, used up once (its count lowered, or the fault
    /// removed when it reaches zero; a `hang` fault stays at zero to keep holding what it hung).
    mutating func use(_ kind: Fault.Kind, service: Fault.Service, resources: [String], operation: String?) throws -> Fault? {
        guard let index = faults.firstIndex(where: { fault in
            fault.applies(kind: kind, service: service, resources: resources, operation: operation)
                && (fault.remaining ?? 1) > 0 && (fault.probability >= 1 || random() < fault.probability)
        }) else { return nil }
        var fault = faults[index]
        if let remaining = fault.remaining, let id = fault.id {
            fault.remaining = remaining - 1
            faults[index] = fault
            if remaining == 1 && kind != .hang {
                try transaction.deleteFault(id: id)
            } else {
                try transaction.setFaultRemaining(id: id, remaining - 1)
            }
        }
        usedFaults.append(fault)
        return fault
    }

    /// Whether a `hang` fault still holds this hung instance's transition.
    func holds(_ instance: InstanceRecord) -> Bool {
        faults.contains { $0.applies(kind: .hang, service: .ec2, resources: [instance.id], operation: instance.transitionCause) }
    }

    func holds(_ database: DBInstanceRecord) -> Bool {
        faults.contains { $0.applies(kind: .hang, service: .rds, resources: [database.identifier],
                                     operation: Self.hangOperation(database.transitionCause)) }
    }

    /// The auto-start is a start as far as `hang` faults go.
    static func hangOperation(_ cause: String?) -> String? {
        cause == "auto-start" ? "start" : cause
    }

    // MARK: Due transitions

    /// Completes the transitions due at or before `time`, earliest first, following chains,
    /// until none is due or `atMost` resources have changed. Returns how many did.
    @discardableResult
    mutating func completeDue(at time: Date, atMost limit: Int) throws -> Int {
        var done = 0
        while done < limit {
            let batch = min(ResourceSimulator.batchSize, limit - done)
            let instances = try transaction.dueInstances(at: time.timeIntervalSince1970, limit: batch)
            for var instance in instances { try complete(&instance) }
            let databases = try transaction.dueDBInstances(at: time.timeIntervalSince1970, limit: batch)
            for var database in databases { try complete(&database) }
            if instances.isEmpty && databases.isEmpty { break }
            done += instances.count + databases.count
        }
        return done
    }

    // MARK: EC2

    /// Puts `instance` in `state` at `time`: its reasons, the transition that follows (held by
    /// a `hang` fault, unless `unhangable`), its event. Saves it.
    mutating func enter(_ instance: inout InstanceRecord, _ state: InstanceStateName, at time: Date, cause: String?,
                        unhangable: Bool = false) throws {
        instance.state = state.rawValue
        instance.changedAt = time.timeIntervalSince1970
        switch state {
        case .pending, .running:
            instance.stateTransitionReason = ""
            instance.stateReasonCode = nil
            instance.stateReasonMessage = nil
        case .stopping, .shuttingDown:
            instance.stateTransitionReason = "User initiated (\(ModelTime.reasonTime(time)))"
            instance.stateReasonCode = StateReason.userInitiatedShutdown.code
            instance.stateReasonMessage = StateReason.userInitiatedShutdown.message
        case .stopped, .terminated:
            break   // the reasons of the stop or termination stay
        }
        if let next = state.settlesInto {
            instance.nextState = next.rawValue
            instance.transitionCause = cause
            var hung = false
            if !unhangable { hung = try use(.hang, service: .ec2, resources: [instance.id], operation: cause) != nil }
            instance.nextStateAt = hung ? nil : time.timeIntervalSince1970 + times.duration(of: state)
            if let due = instance.nextStateAt { schedule(.instance(instance.id), at: due) }
        } else if state == .terminated {
            instance.nextState = "gone"
            instance.transitionCause = "purge"
            instance.nextStateAt = time.timeIntervalSince1970 + times.terminatedVisible
            schedule(.instance(instance.id), at: time.timeIntervalSince1970 + times.terminatedVisible)
        } else {
            instance.nextState = nil
            instance.nextStateAt = nil
            instance.transitionCause = nil
        }
        try transaction.updateState(instance)
        try events.record(names.instanceStateChange(instance.id, state: state, at: time), state: state.rawValue, in: transaction)
        changed.insert(ChangeWatchers.key(.instance(instance.id)))
    }

    /// Completes the transition `instance` has due.
    mutating func complete(_ instance: inout InstanceRecord) throws {
        guard let next = instance.nextState, let at = instance.nextStateAt else { return }
        if next == "gone" {
            try transaction.deleteInstance(id: instance.id)
            changed.insert(ChangeWatchers.key(.instance(instance.id)))
            return
        }
        guard let state = InstanceStateName(rawValue: next) else {
            instance.nextState = nil
            instance.nextStateAt = nil
            try transaction.save(instance)
            return
        }
        try enter(&instance, state, at: Date(timeIntervalSince1970: at), cause: nil)
    }

    /// Gives a hung instance transition its normal duration from now.
    mutating func release(_ instance: inout InstanceRecord) {
        guard let state = InstanceStateName(rawValue: instance.state) else { return }
        instance.nextStateAt = now.timeIntervalSince1970 + times.duration(of: state)
        schedule(.instance(instance.id), at: now.timeIntervalSince1970 + times.duration(of: state))
    }

    // MARK: RDS

    /// Puts `database` in `status` at `time`, with the transition that follows and its event.
    /// Saves it.
    mutating func enter(_ database: inout DBInstanceRecord, _ status: DBInstanceStatus, at time: Date, cause: String?) throws {
        let previous = DBInstanceStatus(rawValue: database.status)
        database.status = status.rawValue
        database.changedAt = time.timeIntervalSince1970
        switch status {
        case .creating, .starting, .stopping, .deleting:
            database.nextStatus = status.settlesInto?.rawValue ?? "gone"
            database.transitionCause = cause
            let hung = try use(.hang, service: .rds, resources: [database.identifier], operation: Self.hangOperation(cause)) != nil
            database.nextStatusAt = hung ? nil : time.timeIntervalSince1970 + times.duration(of: status)
            if let due = database.nextStatusAt { schedule(.database(database.identifier), at: due) }
        case .stopped:
            database.nextStatus = DBInstanceStatus.starting.rawValue
            database.transitionCause = "auto-start"
            database.nextStatusAt = time.timeIntervalSince1970 + times.databaseAutoStart
            schedule(.database(database.identifier), at: time.timeIntervalSince1970 + times.databaseAutoStart)
        case .available:
            database.nextStatus = nil
            database.nextStatusAt = nil
            database.transitionCause = nil
        }
        try transaction.updateStatus(database)
        if let event = ResourceEvents.dbEvent(entering: status, from: previous, cause: cause) {
            try recordDBEvent(database.identifier, event, at: time, state: status.rawValue)
        }
        changed.insert(ChangeWatchers.key(.database(database.identifier)))
    }

    /// Completes the transition `database` has due.
    mutating func complete(_ database: inout DBInstanceRecord) throws {
        guard let next = database.nextStatus, let at = database.nextStatusAt else { return }
        let time = Date(timeIntervalSince1970: at)
        if next == "gone" {
            if let event = ResourceEvents.dbEvent(entering: nil, from: .deleting, cause: nil) {
                try recordDBEvent(database.identifier, event, at: time, state: "deleted")
            }
            try transaction.deleteDBInstance(database.identifier)
            changed.insert(ChangeWatchers.key(.database(database.identifier)))
            return
        }
        guard let status = DBInstanceStatus(rawValue: next) else {
            database.nextStatus = nil
            database.nextStatusAt = nil
            try transaction.save(database)
            return
        }
        // The automatic start keeps its cause; every other completion just settles.
        let cause = status == .starting ? database.transitionCause : nil
        try enter(&database, status, at: time, cause: cause)
    }

    mutating func release(_ database: inout DBInstanceRecord) {
        guard let status = DBInstanceStatus(rawValue: database.status) else { return }
        database.nextStatusAt = now.timeIntervalSince1970 + times.duration(of: status)
        schedule(.database(database.identifier), at: now.timeIntervalSince1970 + times.duration(of: status))
    }

    private mutating func recordDBEvent(_ identifier: String, _ event: ResourceEvents.DBEvent, at time: Date, state: String) throws {
        let tags = try transaction.tags(type: "db", ids: [identifier]).map { Tag($0.key, $0.value) }
        try events.record(names.dbInstanceEvent(identifier, event: event, tags: tags, at: time), state: state, in: transaction)
    }
}
