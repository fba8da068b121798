import Foundation
import Store

extension ResourceSimulator {
    /// Engines the simulator accepts, with the version and port a new instance gets.
    static let engines: [String: (version: String, port: Int, user: String)] = [
        "postgres": ("16.3", 5432, "postgres"), "mysql": ("8.0.39", 3306, "admin"), "mariadb": ("10.11.9", 3306, "admin"),
        "oracle-ee": ("19.0.0.0.ru-2024-07.rur-2024-07.r1", 1521, "admin"), "oracle-se2": ("19.0.0.0.ru-2024-07.rur-2024-07.r1", 1521, "admin"),
        "sqlserver-ex": ("16.00.4135.4.v1", 1433, "admin"), "sqlserver-web": ("16.00.4135.4.v1", 1433, "admin"),
        "sqlserver-se": ("16.00.4135.4.v1", 1433, "admin"), "sqlserver-ee": ("16.00.4135.4.v1", 1433, "admin"),
    ]

    public func describeDBInstances(_ query: DBInstanceQuery, page: PageRequest) async throws -> Page<DBInstance> {
        let identifier = try query.identifier.map(Self.identifier(fromReference:))
        let databases = try read(.rds, "DescribeDBInstances", resources: identifier.map { [$0] } ?? []) { transaction -> [DBInstance] in
            for filter in query.filters {
                guard DBInstanceFilter.names.contains(filter.name) else {
                    throw ResourceError.invalidParameterValue("Unrecognized filter name: \(filter.name)")
                }
            }
            let records: [DBInstanceRecord]
            if let identifier {
                guard let record = try transaction.dbInstance(identifier) else { throw ResourceError.dbInstanceNotFound(identifier) }
                records = [record]
            } else {
                records = try transaction.allDBInstances()
            }
            let tags = Dictionary(grouping: try transaction.tags(type: "db", ids: identifier.map { [$0] }), by: \.resourceId)
            return records.map { dbInstance($0, tags: tags[$0.identifier] ?? []) }
        }
        let filters = query.filters.map { DBInstanceFilter(filter: $0, resolve: { try? Self.identifier(fromReference: $0) }) }
        let selected = databases.filter { database in filters.allSatisfy { $0.matches(database) } }
        return try Self.page(selected, page, listing: "databases", key: \.identifier)
    }

    public func createDBInstance(_ request: CreateDBInstanceRequest) async throws -> DBInstance {
        let identifier = request.identifier.lowercased()
        try Self.checkIdentifier(identifier)
        guard let engine = Self.engines[request.engine] else {
            throw ResourceError.invalidParameterValue("Invalid DB engine: \(request.engine)")
        }
        guard request.instanceClass.hasPrefix("db."), request.instanceClass.count > 3 else {
            throw ResourceError.invalidParameterValue("Invalid DB Instance class: \(request.instanceClass)")
        }
        if let storage = request.allocatedStorage, !(20...65_536).contains(storage) {
            throw ResourceError.invalidParameterValue("Invalid storage size for engine name \(request.engine) and storage type gp2: \(storage)")
        }
        if let zone = request.availabilityZone, !zones.contains(zone) {
            throw ResourceError.invalidParameterValue("Invalid availability zone: \(zone)")
        }
        try Self.checkTags(request.tags)
        return try mutate(.rds, "CreateDBInstance", resources: [identifier]) { context -> Result<DBInstance, ResourceError> in
            if try context.transaction.dbInstance(identifier) != nil { return .failure(.dbInstanceAlreadyExists) }
            let zone = request.availabilityZone ?? zones[0]
            if try context.use(.insufficientCapacity, service: .rds, resources: [identifier], operation: nil) != nil {
                return .failure(.insufficientDBInstanceCapacity(identifier, instanceClass: request.instanceClass, zone: zone))
            }
            var record = DBInstanceRecord(identifier: identifier, engine: request.engine, engineVersion: request.engineVersion ?? engine.version,
                                          instanceClass: request.instanceClass, status: DBInstanceStatus.creating.rawValue,
                                          allocatedStorage: request.allocatedStorage ?? 20, masterUsername: request.masterUsername ?? engine.user,
                                          dbName: request.dbName, availabilityZone: zone, port: request.port ?? engine.port,
                                          resourceId: Self.dbiResourceId("\(identifier)/\(context.now.timeIntervalSince1970)"),
                                          createdAt: context.now.timeIntervalSince1970, changedAt: context.now.timeIntervalSince1970,
                                          origin: "api")
            try context.transaction.save(record)
            for tag in request.tags { try context.transaction.setTag(type: "db", id: identifier, key: tag.key, value: tag.value) }
            try context.enter(&record, .creating, at: context.now, cause: "launch")
            return .success(dbInstance(record, tags: try context.transaction.tags(type: "db", ids: [identifier])))
        }
    }

    public func deleteDBInstance(_ identifier: String, skipFinalSnapshot: Bool, finalSnapshotIdentifier: String?) async throws -> DBInstance {
        if !skipFinalSnapshot, finalSnapshotIdentifier == nil {
            throw ResourceError.invalidParameterCombination("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
        }
        if skipFinalSnapshot, finalSnapshotIdentifier != nil {
            throw ResourceError.invalidParameterCombination("Cannot specify a final snapshot identifier while skipping the final snapshot.")
        }
        return try changeDBInstance(identifier, action: "DeleteDBInstance", cause: "terminate") { record throws(ResourceError) in
            switch DBInstanceStatus(rawValue: record.status) {
            case .available?, .stopped?: return .deleting
            case .deleting?: throw .invalidDBInstanceState("Instance \(record.identifier) is already being deleted.")
            default: throw .invalidDBInstanceState("Instance \(record.identifier) is currently \(record.status) - it cannot be deleted.")
            }
        }
    }

    public func startDBInstance(_ identifier: String) async throws -> DBInstance {
        try changeDBInstance(identifier, action: "StartDBInstance", cause: "start") { record throws(ResourceError) in
            guard record.status == DBInstanceStatus.stopped.rawValue else {
                throw .invalidDBInstanceState("Instance \(record.identifier) is not stopped, it cannot be started.")
            }
            return .starting
        } capacity: { context, record in
            guard try context.use(.insufficientCapacity, service: .rds, resources: [record.identifier], operation: nil) != nil else { return nil }
            return .insufficientDBInstanceCapacity(record.identifier, instanceClass: record.instanceClass, zone: record.availabilityZone)
        }
    }

    public func stopDBInstance(_ identifier: String) async throws -> DBInstance {
        try changeDBInstance(identifier, action: "StopDBInstance", cause: "stop") { record throws(ResourceError) in
            guard record.status == DBInstanceStatus.available.rawValue else {
                throw .invalidDBInstanceState("Instance \(record.identifier) is not in available state.")
            }
            return .stopping
        }
    }

    /// The shared shape of Start/Stop/DeleteDBInstance: the instance must exist and accept
    /// the action (`decide` gives the status it enters, or AWS's refusal).
    private func changeDBInstance(
        _ reference: String, action: String, cause: String,
        decide: (DBInstanceRecord) throws(ResourceError) -> DBInstanceStatus,
        capacity: (inout WriteContext, DBInstanceRecord) throws -> ResourceError? = { _, _ in nil }
    ) throws -> DBInstance {
        let identifier = try Self.identifier(fromReference: reference)
        // The answer is the instance as the call left it (`stopping`), even when the transition
        // takes no time and completes before the commit.
        return try mutate(.rds, action, resources: [identifier]) { context -> Result<DBInstance, ResourceError> in
            guard var record = try context.transaction.dbInstance(identifier) else { return .failure(.dbInstanceNotFound(identifier)) }
            let status: DBInstanceStatus
            do {
                status = try decide(record)
            } catch let error as ResourceError {
                return .failure(error)
            }
            if let refusal = try capacity(&context, record) { return .failure(refusal) }
            try context.enter(&record, status, at: context.now, cause: cause)
            return .success(dbInstance(record, tags: try context.transaction.tags(type: "db", ids: [identifier])))
        }
    }

    public func addTags(_ tags: [Tag], toDBInstance reference: String) async throws {
        let identifier = try Self.identifier(fromReference: reference)
        try Self.checkTags(tags)
        try mutate(.rds, "AddTagsToResource", resources: [identifier]) { context -> Result<Void, ResourceError> in
            guard try context.transaction.dbInstance(identifier) != nil else { return .failure(.dbInstanceNotFound(identifier)) }
            let keys = Set(try context.transaction.tags(type: "db", ids: [identifier]).map(\.key)).union(tags.map(\.key))
            if keys.count > 50 {
                return .failure(ResourceError("TagQuotaPerResourceExceeded", "Cannot add more than 50 tags to resource \(identifier)."))
            }
            for tag in tags { try context.transaction.setTag(type: "db", id: identifier, key: tag.key, value: tag.value) }
            return .success(())
        }
    }

    public func tags(ofDBInstance reference: String) async throws -> [Tag] {
        let identifier = try Self.identifier(fromReference: reference)
        return try read(.rds, "ListTagsForResource", resources: [identifier], catchingUp: false) { transaction in
            guard try transaction.dbInstance(identifier) != nil else { throw ResourceError.dbInstanceNotFound(identifier) }
            return try transaction.tags(type: "db", ids: [identifier]).map { Tag($0.key, $0.value) }
        }
    }

    public func removeTags(_ keys: [String], fromDBInstance reference: String) async throws {
        let identifier = try Self.identifier(fromReference: reference)
        try mutate(.rds, "RemoveTagsFromResource", resources: [identifier]) { context -> Result<Void, ResourceError> in
            guard try context.transaction.dbInstance(identifier) != nil else { return .failure(.dbInstanceNotFound(identifier)) }
            for key in keys { try context.transaction.deleteTag(type: "db", id: identifier, key: key) }
            return .success(())
        }
    }

    // MARK: - Checks and conversions

    /// A DB identifier from an identifier or a DB instance ARN, lower-cased as RDS keeps them.
    static func identifier(fromReference reference: String) throws -> String {
        if reference.hasPrefix("arn:") {
            let parts = reference.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false)
            guard parts.count == 7, parts[2] == "rds", parts[5] == "db", !parts[6].isEmpty else {
                throw ResourceError.invalidParameterValue("The specified resource name does not match an RDS resource in this region.")
            }
            return parts[6].lowercased()
        }
        return reference.lowercased()
    }

    /// RDS's identifier rules: 1 to 63 letters, digits and hyphens, starting with a letter,
    /// no two hyphens in a row, no hyphen at the end.
    static func checkIdentifier(_ identifier: String) throws {
        let valid = (1...63).contains(identifier.count) && identifier.first!.isASCII && identifier.first!.isLetter
            && identifier.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && !identifier.hasSuffix("-") && !identifier.contains("--")
        guard valid else {
            throw ResourceError.invalidParameterValue("The parameter DBInstanceIdentifier is not a valid identifier. Identifiers must "
                                                      + "begin with a letter; must contain only ASCII letters, digits, and hyphens; and "
                                                      + "must not end with a hyphen or contain two consecutive hyphens.")
        }
    }

    func dbInstance(_ record: DBInstanceRecord, tags: [ResourceTagRecord]) -> DBInstance {
        var transition: ResourceTransition<DBInstanceStatus>?
        if let next = record.nextStatus {
            transition = ResourceTransition(to: DBInstanceStatus(rawValue: next), at: record.nextStatusAt.map(Date.init(timeIntervalSince1970:)))
        }
        return DBInstance(identifier: record.identifier, engine: record.engine, engineVersion: record.engineVersion,
                          instanceClass: record.instanceClass, status: DBInstanceStatus(rawValue: record.status) ?? .available,
                          allocatedStorage: record.allocatedStorage, masterUsername: record.masterUsername, dbName: record.dbName,
                          availabilityZone: record.availabilityZone, port: record.port, resourceId: record.resourceId,
                          createdAt: Date(timeIntervalSince1970: record.createdAt), arn: names.dbARN(record.identifier),
                          tags: tags.sorted { $0.position < $1.position }.map { Tag($0.key, $0.value) }, transition: transition)
    }
}

/// A DescribeDBInstances filter: `db-instance-id` (identifiers or ARNs), `engine`,
/// `dbi-resource-id`; `db-cluster-id` and `domain` never match (the simulator has neither).
struct DBInstanceFilter {
    static let names = ["db-instance-id", "engine", "dbi-resource-id", "db-cluster-id", "domain"]

    let name: String
    let values: Set<String>

    init(filter: ResourceFilter, resolve: (String) -> String?) {
        name = filter.name
        values = Set(filter.name == "db-instance-id" ? filter.values.compactMap(resolve) : filter.values)
    }

    func matches(_ database: DBInstance) -> Bool {
        switch name {
        case "db-instance-id": values.contains(database.identifier)
        case "engine": values.contains(database.engine)
        case "dbi-resource-id": values.contains(database.resourceId)
        default: false
        }
    }
}
