import GRDB
import Foundation

extension SchedulerDatabase {
    /// The tables of the EC2 and RDS simulators (migration "v5: resources").
    static func createResourceTables(_ db: Database) throws {
        try db.create(table: "ec2Instance") { t in
            t.primaryKey("id", .text)
            t.column("reservationId", .text).notNull()
            t.column("imageId", .text).notNull()
            t.column("instanceType", .text).notNull()
            t.column("availabilityZone", .text).notNull()
            t.column("privateIpAddress", .text).notNull()
            t.column("keyName", .text)
            t.column("launchIndex", .integer).notNull()
            t.column("launchTime", .double).notNull()
            t.column("state", .text).notNull()
            t.column("stateTransitionReason", .text).notNull()
            t.column("stateReasonCode", .text)
            t.column("stateReasonMessage", .text)
            t.column("nextState", .text)
            t.column("nextStateAt", .double)
            t.column("transitionCause", .text)
            t.column("changedAt", .double).notNull()
            t.column("origin", .text).notNull()
            t.column("configKey", .text)
            t.column("clientToken", .text)
        }
        try db.create(index: "ec2Instance_due", on: "ec2Instance", columns: ["nextStateAt"])
        try db.create(index: "ec2Instance_clientToken", on: "ec2Instance", columns: ["clientToken"])
        try db.create(table: "dbInstance") { t in
            t.primaryKey("identifier", .text)
            t.column("engine", .text).notNull()
            t.column("engineVersion", .text).notNull()
            t.column("instanceClass", .text).notNull()
            t.column("status", .text).notNull()
            t.column("allocatedStorage", .integer).notNull()
            t.column("masterUsername", .text).notNull()
            t.column("dbName", .text)
            t.column("availabilityZone", .text).notNull()
            t.column("port", .integer).notNull()
            t.column("resourceId", .text).notNull()
            t.column("createdAt", .double).notNull()
            t.column("nextStatus", .text)
            t.column("nextStatusAt", .double)
            t.column("transitionCause", .text)
            t.column("changedAt", .double).notNull()
            t.column("origin", .text).notNull()
        }
        try db.create(index: "dbInstance_due", on: "dbInstance", columns: ["nextStatusAt"])
        try db.create(table: "resourceTag") { t in
            t.column("resourceType", .text).notNull()
            t.column("resourceId", .text).notNull()
            t.column("key", .text).notNull()
            t.column("value", .text).notNull()
            t.column("position", .integer).notNull()
            t.primaryKey(["resourceType", "resourceId", "key"])
        }
        try db.create(index: "resourceTag_key", on: "resourceTag", columns: ["resourceType", "key", "value"])
        try db.create(table: "resourceFault") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("kind", .text).notNull()
            t.column("service", .text)
            t.column("resourceId", .text)
            t.column("operation", .text)
            t.column("remaining", .integer)
            t.column("probability", .double).notNull().defaults(to: 1)
            t.column("origin", .text).notNull()
            t.column("createdAt", .double).notNull()
        }
    }

    /// Migration "v7": the transitions a `hang` fault holds (a state ahead, no time) are found
    /// through these partial indexes. Without them, the check the transition service makes at
    /// every wake scanned the whole fleet (every settled instance has no time either). The
    /// queries name them (`INDEXED BY`): SQLite's planner, without statistics, would take the
    /// index on the due time and walk every settled row.
    static func createHungTransitionIndexes(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX ec2Instance_hung ON ec2Instance(id) WHERE nextStateAt IS NULL AND nextState IS NOT NULL")
        try db.execute(sql: """
            CREATE INDEX dbInstance_hung ON dbInstance(identifier) WHERE nextStatusAt IS NULL AND nextStatus IS NOT NULL
            """)
    }

    /// Runs `body` in one write transaction over the simulators' tables (and the outbox, for
    /// the events their changes emit): everything it writes is committed together or not at all.
    ///
    /// The transaction may be shared with other writes made at the same time (group commit,
    /// as the automations' steps are): ten thousand instances stopped at once are then a few
    /// hundred commits, not ten thousand. `body` may run twice (when a shared transaction
    /// fails, each write is tried alone), so it must only write to the database; what it
    /// returns is that of the run that was committed.
    public func resourceWrite<T>(_ body: (ResourceTransaction) throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            var result: T?
            try groupCommit.write { [resourceMirror] db in
                result = try body(ResourceTransaction(db: db, mirror: resourceMirror, written: WrittenInstances()))
            }
            guard let result else { preconditionFailure("a committed group write ran its body") }
            return result
        }
    }

    /// Runs `body` on the simulators' tables as they are now: on the daemon's copy in memory
    /// when it is up to date (`ResourceMirror`), else in one read transaction.
    public func resourceRead<T>(_ body: (any ResourceReading) throws -> T) throws -> T {
        if let resourceMirror {
            switch try resourceMirror.read(body) {
            case .answered(let value):
                return value
            case .unavailable(let resync):
                // The commit of an empty write brings the copy up to date for the next read.
                if resync { try groupCommit.write { _ in } }
            }
        }
        return try writer.read { db in try body(ResourceTransaction(db: db, mirror: nil)) }
    }

    /// `body` on the daemon's copy of the fleet only (`ResourceMirror`): nil when there is no
    /// copy or it may be behind the database. It touches no connection, so a write may ask it
    /// (to skip a query whose answer it knows); the copy holds what was committed before the
    /// write began, not what an earlier write of the same group commit did.
    public func resourceMirrorRead<T>(_ body: (any ResourceReading) throws -> T) rethrows -> T? {
        guard let resourceMirror, case .answered(let value) = try resourceMirror.read(body) else { return nil }
        return value
    }

    /// The faults in force, oldest first.
    public func resourceFaults() throws -> [ResourceFaultRecord] {
        try resourceRead { try $0.faults() }
    }

    /// Adds a fault; returns it with its id.
    public func addResourceFault(_ fault: ResourceFaultRecord) throws -> ResourceFaultRecord {
        try resourceWrite { try $0.insert(fault) }
    }

    /// Removes faults: the one with `id`, or every fault of `origin` when `id` is nil. Returns
    /// how many were removed.
    @discardableResult
    public func removeResourceFaults(id: Int64?, origin: String? = nil) throws -> Int {
        try resourceWrite { transaction in
            var request = ResourceFaultRecord.all()
            if let id { request = request.filter(Column("id") == id) }
            if let origin { request = request.filter(Column("origin") == origin) }
            transaction.mirror?.note(.faults)
            return try request.deleteAll(transaction.db)
        }
    }
}

/// The simulators' tables inside one transaction. Only `SchedulerDatabase.resourceWrite` and
/// `resourceRead` make one, and it must not outlive their closure.
public struct ResourceTransaction: ResourceReading {
    let db: Database
    /// Told of every change written, to follow it once committed (nil in reads).
    let mirror: ResourceMirror?
    /// The instances this write has written so far (nil in reads).
    var written: WrittenInstances? = nil

    // MARK: EC2 instances

    /// The instances with these ids, in no particular order; unknown ids are left out.
    public func instances(ids: [String]) throws -> [InstanceRecord] {
        guard !ids.isEmpty else { return [] }
        var found: [InstanceRecord] = []
        var unread = Set(ids)
        if let written, !written.records.isEmpty {
            for id in ids where unread.contains(id) {
                guard let record = written.records[id] else { continue }
                unread.remove(id)
                if let record { found.append(record) }
            }
        }
        for chunk in SQLText.chunks(Array(unread)) {
            let statement = try db.cachedStatement(sql: "SELECT * FROM ec2Instance WHERE id IN (\(SQLText.placeholders(chunk.count)))")
            found += try InstanceRecord.fetchAll(statement, arguments: StatementArguments(Array(chunk)))
        }
        return found
    }

    public func allInstances() throws -> [InstanceRecord] {
        try InstanceRecord.order(Column("id")).fetchAll(db)
    }

    public func instances(clientToken: String) throws -> [InstanceRecord] {
        try InstanceRecord.filter(Column("clientToken") == clientToken).order(Column("launchIndex")).fetchAll(db)
    }

    public func configInstances() throws -> [InstanceRecord] {
        try InstanceRecord.filter(Column("origin") == "config").fetchAll(db)
    }

    /// Instances whose transition is due at or before `time`, earliest first.
    public func dueInstances(at time: Double, limit: Int) throws -> [InstanceRecord] {
        let statement = try db.cachedStatement(sql: "SELECT * FROM ec2Instance WHERE nextStateAt <= ? ORDER BY nextStateAt, id LIMIT ?")
        return try InstanceRecord.fetchAll(statement, arguments: [time, limit])
    }

    /// Instances whose transition hangs (a state ahead, no time).
    public func hungInstances() throws -> [InstanceRecord] {
        try InstanceRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM ec2Instance INDEXED BY ec2Instance_hung WHERE nextStateAt IS NULL AND nextState IS NOT NULL"))
    }

    public func save(_ instance: InstanceRecord) throws {
        try instance.save(db)
        mirror?.note(.instance(instance))
        written?.records[instance.id] = instance
    }

    /// Writes what a state change changes (state, reasons, the transition ahead), with one
    /// cached statement: thousands of instances change state at once when a fleet stops.
    public func updateState(_ instance: InstanceRecord) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE ec2Instance SET state = ?, stateTransitionReason = ?, stateReasonCode = ?, stateReasonMessage = ?,
                nextState = ?, nextStateAt = ?, transitionCause = ?, changedAt = ? WHERE id = ?
            """)
        try statement.run(binding: [instance.state.databaseValue, instance.stateTransitionReason.databaseValue,
                                    instance.stateReasonCode.databaseValue, instance.stateReasonMessage.databaseValue,
                                    instance.nextState.databaseValue, instance.nextStateAt.databaseValue,
                                    instance.transitionCause.databaseValue, instance.changedAt.databaseValue, instance.id.databaseValue])
        mirror?.note(.instance(instance))
        written?.records[instance.id] = instance
    }

    /// Adds a new instance (faster than `save`, which tries an update first).
    public func insert(_ instance: InstanceRecord) throws {
        try instance.insert(db)
        mirror?.note(.instance(instance))
        written?.records[instance.id] = instance
    }

    public func deleteInstance(id: String) throws {
        _ = try InstanceRecord.deleteOne(db, key: id)
        try ResourceTagRecord.filter(Column("resourceType") == "instance" && Column("resourceId") == id).deleteAll(db)
        mirror?.note(.instanceDeleted(id))
        written?.records[id] = .some(nil)
    }

    // MARK: RDS DB instances

    public func dbInstance(_ identifier: String) throws -> DBInstanceRecord? {
        try DBInstanceRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM dbInstance WHERE identifier = ?"), arguments: [identifier])
    }

    public func allDBInstances() throws -> [DBInstanceRecord] {
        try DBInstanceRecord.order(Column("identifier")).fetchAll(db)
    }

    public func dueDBInstances(at time: Double, limit: Int) throws -> [DBInstanceRecord] {
        let statement = try db.cachedStatement(sql: """
            SELECT * FROM dbInstance WHERE nextStatusAt <= ? ORDER BY nextStatusAt, identifier LIMIT ?
            """)
        return try DBInstanceRecord.fetchAll(statement, arguments: [time, limit])
    }

    public func hungDBInstances() throws -> [DBInstanceRecord] {
        try DBInstanceRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM dbInstance INDEXED BY dbInstance_hung WHERE nextStatusAt IS NULL AND nextStatus IS NOT NULL"))
    }

    /// Whether any transition hangs (the partial indexes of migration v7 answer this).
    public func anyHung() throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS(SELECT 1 FROM ec2Instance INDEXED BY ec2Instance_hung WHERE nextStateAt IS NULL AND nextState IS NOT NULL)
                OR EXISTS(SELECT 1 FROM dbInstance INDEXED BY dbInstance_hung WHERE nextStatusAt IS NULL AND nextStatus IS NOT NULL)
            """)) ?? false
    }

    public func save(_ instance: DBInstanceRecord) throws {
        try instance.save(db)
        mirror?.note(.dbInstance(instance))
    }

    /// Writes what a status change changes, as `updateState` does for instances.
    public func updateStatus(_ database: DBInstanceRecord) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE dbInstance SET status = ?, nextStatus = ?, nextStatusAt = ?, transitionCause = ?, changedAt = ? WHERE identifier = ?
            """)
        try statement.execute(arguments: [database.status, database.nextStatus, database.nextStatusAt, database.transitionCause,
                                          database.changedAt, database.identifier])
        mirror?.note(.dbInstance(database))
    }

    public func deleteDBInstance(_ identifier: String) throws {
        _ = try DBInstanceRecord.deleteOne(db, key: identifier)
        try ResourceTagRecord.filter(Column("resourceType") == "db" && Column("resourceId") == identifier).deleteAll(db)
        mirror?.note(.dbInstanceDeleted(identifier))
    }

    /// The earliest transition due, of either kind.
    public func nextDueTime() throws -> Double? {
        let instance = try Double.fetchOne(db.cachedStatement(sql: "SELECT MIN(nextStateAt) FROM ec2Instance"))
        let database = try Double.fetchOne(db.cachedStatement(sql: "SELECT MIN(nextStatusAt) FROM dbInstance"))
        return [instance, database].compactMap { $0 }.min()
    }

    /// Whether any transition is due at or before `time`.
    public func anyDue(at time: Double) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS(SELECT 1 FROM ec2Instance WHERE nextStateAt <= ?1) OR EXISTS(SELECT 1 FROM dbInstance WHERE nextStatusAt <= ?1)
            """), arguments: [time]) ?? false
    }

    // MARK: Tags

    /// The tags of resources of `type` (`instance` or `db`): of `ids`, or of all when nil; each
    /// resource's tags in the order they were added.
    public func tags(type: String, ids: [String]?) throws -> [ResourceTagRecord] {
        let base = ResourceTagRecord.filter(Column("resourceType") == type)
        guard let ids else {
            return try base.order(Column("resourceId"), Column("position")).fetchAll(db)
        }
        var found: [ResourceTagRecord] = []
        for chunk in SQLText.chunks(Array(Set(ids))) {
            let statement = try db.cachedStatement(sql: "SELECT * FROM resourceTag WHERE resourceType = ? AND resourceId IN "
                                                   + "(\(SQLText.placeholders(chunk.count))) ORDER BY resourceId, position")
            found += try ResourceTagRecord.fetchAll(statement, arguments: StatementArguments([type] + Array(chunk)))
        }
        return found
    }

    /// Sets `key` to `value` on one resource: a new key goes last, an existing one keeps its place.
    /// (One cached statement: reconciling a fleet of thousands sets tens of thousands of tags.)
    public func setTag(type: String, id: String, key: String, value: String) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO resourceTag (resourceType, resourceId, key, value, position)
            VALUES (?1, ?2, ?3, ?4, COALESCE((SELECT MAX(position) + 1 FROM resourceTag WHERE resourceType = ?1 AND resourceId = ?2), 0))
            ON CONFLICT (resourceType, resourceId, key) DO UPDATE SET value = excluded.value
            """)
        try statement.execute(arguments: [type, id, key, value])
        mirror?.note(.tag(type: type, id: id, key: key, value: value))
    }

    public func deleteTag(type: String, id: String, key: String) throws {
        _ = try ResourceTagRecord.deleteOne(db, key: ["resourceType": type, "resourceId": id, "key": key])
        mirror?.note(.tagDeleted(type: type, id: id, key: key))
    }

    // MARK: Faults

    public func faults() throws -> [ResourceFaultRecord] {
        try ResourceFaultRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM resourceFault ORDER BY id"))
    }

    public func insert(_ fault: ResourceFaultRecord) throws -> ResourceFaultRecord {
        var fault = fault
        try fault.insert(db)
        mirror?.note(.faults)
        return fault
    }

    public func deleteFault(id: Int64) throws {
        _ = try ResourceFaultRecord.deleteOne(db, key: id)
        mirror?.note(.faults)
    }

    public func setFaultRemaining(id: Int64, _ remaining: Int?) throws {
        try db.execute(sql: "UPDATE resourceFault SET remaining = ? WHERE id = ?", arguments: [remaining, id])
        mirror?.note(.faults)
    }

    public func deleteFaults(origin: String) throws {
        _ = try ResourceFaultRecord.filter(Column("origin") == origin).deleteAll(db)
        mirror?.note(.faults)
    }

    // MARK: Outbox

    /// Records an event and its deliveries in this transaction, as the other outbox writes do.
    public func record(_ event: StoredEvent, deliveries: [DeliveryRecord]) throws {
        try db.recordOutbox(event, deliveries: deliveries)
    }
}

/// The instances one write has saved (nil: deleted), so that reading them back in the same
/// write costs no query. Every write to `ec2Instance` goes through `ResourceTransaction`'s
/// `insert`, `save`, `updateState` and `deleteInstance`, which keep it, as they keep the
/// mirror's notes; the record saved is then the row. A fleet stop with no transition time reads
/// every instance it just set stopping to complete its stop.
final class WrittenInstances {
    var records: [String: InstanceRecord?] = [:]
}
