import Foundation
import Store

extension ResourceSimulator {
    /// What a reconciliation did.
    public struct ReconcileSummary: Sendable, Equatable, CustomStringConvertible {
        public var instancesAdded = 0
        public var instancesUpdated = 0
        public var instancesRemoved = 0
        public var databasesAdded = 0
        public var databasesUpdated = 0
        public var databasesRemoved = 0
        public var faults = 0

        public var description: String {
            "instances +\(instancesAdded) ~\(instancesUpdated) -\(instancesRemoved), databases +\(databasesAdded) "
                + "~\(databasesUpdated) -\(databasesRemoved), \(faults) configured faults"
        }
    }

    /// Makes the configuration's part of the fleet match `declaration`, keeping the state of
    /// every resource it already has (a restart never starts or stops anything):
    ///
    /// - a declared instance or database that is missing is registered in its initial state
    ///   (`running`/`available`, or `stopped`), without an event: nothing changed state;
    /// - one that exists gets its declared type, image and tags (tags added at run time stay);
    /// - one no longer declared is terminated (instances) or deleted (databases), with events;
    /// - the configuration's faults replace the previous ones; faults added at run time stay;
    /// - the transition times are those declared.
    ///
    /// Instances and databases made through the API are never touched.
    @discardableResult
    public func reconcile(_ declaration: FleetDeclaration) throws -> ReconcileSummary {
        times = declaration.times
        try catchUp()
        return try write { context -> Result<ReconcileSummary, ResourceError> in
            var summary = ReconcileSummary()
            try reconcileInstances(declaration.groups, context: &context, summary: &summary)
            try reconcileDatabases(declaration.databases, context: &context, summary: &summary)
            try context.transaction.deleteFaults(origin: "config")
            for fault in declaration.expandedFaults {
                _ = try context.transaction.insert(fault.record(origin: "config", at: context.now))
                summary.faults += 1
            }
            return .success(summary)
        }
    }

    private func reconcileInstances(_ groups: [FleetDeclaration.InstanceGroup], context: inout WriteContext,
                                    summary: inout ReconcileSummary) throws {
        let now = context.now
        let idsByGroup = groups.map(\.instanceIds)
        let declared = Set(idsByGroup.joined())
        let existing = Dictionary(uniqueKeysWithValues: try context.transaction.instances(ids: Array(declared)).map { ($0.id, $0) })
        var tags: [String: [String: String]] = [:]
        for tag in try context.transaction.tags(type: "instance", ids: Array(existing.keys)) {
            tags[tag.resourceId, default: [:]][tag.key] = tag.value
        }
        for (group, ids) in zip(groups, idsByGroup) {
            let reservation = "r-" + Self.derivedHex("schedulerd/ec2/\(group.name)")
            let zone = group.availabilityZone ?? zones[0]
            for (index, id) in ids.enumerated() {
                if var record = existing[id], record.state != InstanceStateName.terminated.rawValue,
                   record.state != InstanceStateName.shuttingDown.rawValue {
                    let before = record
                    record.instanceType = group.instanceType
                    record.imageId = group.imageId
                    record.availabilityZone = zone
                    record.origin = "config"
                    record.configKey = "\(group.name)/\(index)"
                    if record != before {
                        try context.transaction.save(record)
                        summary.instancesUpdated += 1
                    }
                } else {
                    // New, or terminated and declared again: registered afresh in its initial state.
                    if existing[id] != nil {
                        try context.transaction.deleteInstance(id: id)
                        tags[id] = nil
                    }
                    let stopped = group.initialState == .stopped
                    let record = InstanceRecord(id: id, reservationId: reservation, imageId: group.imageId, instanceType: group.instanceType,
                                                availabilityZone: zone, privateIpAddress: Self.privateAddress(id), launchIndex: index,
                                                launchTime: now.timeIntervalSince1970, state: group.initialState.rawValue,
                                                stateTransitionReason: stopped ? "User initiated (\(ModelTime.reasonTime(now)))" : "",
                                                stateReasonCode: stopped ? StateReason.userInitiatedShutdown.code : nil,
                                                stateReasonMessage: stopped ? StateReason.userInitiatedShutdown.message : nil,
                                                changedAt: now.timeIntervalSince1970, origin: "config", configKey: "\(group.name)/\(index)")
                    try context.transaction.insert(record)
                    summary.instancesAdded += 1
                }
                for tag in group.tags where tags[id]?[tag.key] != tag.value {
                    try context.transaction.setTag(type: "instance", id: id, key: tag.key, value: tag.value)
                }
            }
        }
        // Declared before, not any more: terminated, as an operator would.
        for var record in try context.transaction.configInstances() where !declared.contains(record.id) {
            guard let state = InstanceStateName(rawValue: record.state), state != .terminated, state != .shuttingDown else { continue }
            try context.enter(&record, .shuttingDown, at: now, cause: "terminate", unhangable: true)
            summary.instancesRemoved += 1
        }
    }

    private func reconcileDatabases(_ databases: [FleetDeclaration.Database], context: inout WriteContext,
                                    summary: inout ReconcileSummary) throws {
        let now = context.now
        let declared = Set(databases.map { $0.identifier.lowercased() })
        for database in databases {
            let identifier = database.identifier.lowercased()
            let engine = Self.engines[database.engine] ?? (version: "1.0", port: 5432, user: "admin")
            if var record = try context.transaction.dbInstance(identifier), record.status != DBInstanceStatus.deleting.rawValue {
                let before = record
                record.engine = database.engine
                record.engineVersion = database.engineVersion ?? record.engineVersion
                record.instanceClass = database.instanceClass
                record.allocatedStorage = database.allocatedStorage ?? record.allocatedStorage
                record.origin = "config"
                if record != before {
                    try context.transaction.save(record)
                    summary.databasesUpdated += 1
                }
            } else {
                if try context.transaction.dbInstance(identifier) != nil { try context.transaction.deleteDBInstance(identifier) }
                var record = DBInstanceRecord(identifier: identifier, engine: database.engine,
                                              engineVersion: database.engineVersion ?? engine.version, instanceClass: database.instanceClass,
                                              status: database.initialStatus.rawValue, allocatedStorage: database.allocatedStorage ?? 20,
                                              masterUsername: engine.user, availabilityZone: database.availabilityZone ?? zones[0],
                                              port: engine.port, resourceId: Self.dbiResourceId("schedulerd/rds/\(identifier)"),
                                              createdAt: now.timeIntervalSince1970, changedAt: now.timeIntervalSince1970, origin: "config")
                if database.initialStatus == .stopped {
                    // Declared stopped counts as stopped now: RDS would start it 7 days from here.
                    record.nextStatus = DBInstanceStatus.starting.rawValue
                    record.transitionCause = "auto-start"
                    record.nextStatusAt = now.timeIntervalSince1970 + context.times.databaseAutoStart
                    context.markScheduled()
                }
                try context.transaction.save(record)
                summary.databasesAdded += 1
            }
            for tag in database.tags { try context.transaction.setTag(type: "db", id: identifier, key: tag.key, value: tag.value) }
        }
        for var record in try context.transaction.allDBInstances() where record.origin == "config" && !declared.contains(record.identifier) {
            guard record.status != DBInstanceStatus.deleting.rawValue else { continue }
            try context.enter(&record, .deleting, at: now, cause: "terminate")
            summary.databasesRemoved += 1
        }
    }
}
