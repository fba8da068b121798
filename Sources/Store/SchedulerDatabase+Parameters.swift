import GRDB
import Foundation

/// Parameter Store persistence. Every change is one write transaction that also records its
/// events in the outbox, so a change and its `Parameter Store Change` event are committed
/// together or not at all. The rules (versions, labels, policies) are the `Parameters`
/// module's; it decides inside the transaction through the closures these methods take.
extension SchedulerDatabase {
    /// The rows an event becomes in the outbox.
    public typealias OutboxRows = (event: StoredEvent, deliveries: [DeliveryRecord])

    /// What a change sees of a parameter before it decides.
    public struct ParameterSnapshot: Sendable {
        public let parameter: ParameterRecord
        public let latest: ParameterVersionRecord
        public let versionCount: Int
        public let oldestVersion: Int
        public let oldestIsLabelled: Bool
    }

    /// A new version, as PutParameter decided it.
    public struct ParameterWrite: Sendable {
        public var version: ParameterVersionRecord
        public var tier: String
        public var nextPolicyAt: Double?
        /// Tags of a new parameter.
        public var tags: [ParameterTagRecord]
        /// Delete the oldest version (the 101st is being written).
        public var dropOldest: Bool
        public var outbox: [OutboxRows]

        public init(version: ParameterVersionRecord, tier: String, nextPolicyAt: Double?, tags: [ParameterTagRecord],
                    dropOldest: Bool, outbox: [OutboxRows]) {
            self.version = version
            self.tier = tier
            self.nextPolicyAt = nextPolicyAt
            self.tags = tags
            self.dropOldest = dropOldest
            self.outbox = outbox
        }
    }

    /// Writes one new version of parameter `key` in one transaction. `decide` sees the
    /// parameter as it is (nil when new) and a count of parameters by tier, and returns the
    /// version to write or throws to write nothing.
    public func putParameter(key: String, name: String,
                             _ decide: (ParameterSnapshot?, _ countInTier: (String) throws -> Int) throws -> ParameterWrite) throws -> ParameterWrite {
        try writer.write { db in
            let snapshot = try Self.parameterSnapshot(db, key: key)
            let write = try decide(snapshot) { tier in
                try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM parameter WHERE tier = ?"), arguments: [tier]) ?? 0
            }
            if write.dropOldest, let snapshot {
                try db.cachedStatement(sql: "DELETE FROM parameterVersion WHERE key = ? AND version = ?")
                    .execute(arguments: [key, snapshot.oldestVersion])
            }
            // The parameter row first: the version row's foreign key needs it. (An upsert, never
            // INSERT OR REPLACE: a replace would delete the row and cascade to its versions.)
            try db.cachedStatement(sql: """
                INSERT INTO parameter (key, name, latestVersion, tier, nextPolicyAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET latestVersion = excluded.latestVersion, tier = excluded.tier,
                    nextPolicyAt = excluded.nextPolicyAt
                """).execute(arguments: [key, snapshot?.parameter.name ?? name, write.version.version, write.tier, write.nextPolicyAt])
            let version = write.version
            try db.cachedStatement(sql: """
                INSERT INTO parameterVersion (key, version, type, value, ciphertext, keyId, description, allowedPattern, dataType,
                    tier, policies, modifiedAt, modifiedBy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [version.key, version.version, version.type, version.value, version.ciphertext, version.keyId,
                                         version.description, version.allowedPattern, version.dataType, version.tier, version.policies,
                                         version.modifiedAt, version.modifiedBy])
            for tag in write.tags { try tag.upsert(db) }
            try Self.insert(write.outbox, db)
            return write
        }
    }

    static func parameterSnapshot(_ db: Database, key: String) throws -> ParameterSnapshot? {
        guard let (parameter, latest) = try latest(db, key: key) else { return nil }
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*), MIN(version) FROM parameterVersion WHERE key = ?"), arguments: [key])
        let count: Int = row?[0] ?? 0
        let oldest: Int = row?[1] ?? parameter.latestVersion
        let labelled = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM parameterLabel WHERE key = ? AND version = ?)"),
                                         arguments: [key, oldest]) ?? false
        return ParameterSnapshot(parameter: parameter, latest: latest, versionCount: count, oldestVersion: oldest, oldestIsLabelled: labelled)
    }

    // The statements of the hot paths (every PutParameter and GetParameter) are prepared once per
    // connection: GRDB's query interface builds and authorizes a new statement on every call,
    // which was most of a request's CPU time.
    static func parameterRecord(_ db: Database, key: String) throws -> ParameterRecord? {
        try ParameterRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM parameter WHERE key = ?"), arguments: [key])
    }

    static func versionRecord(_ db: Database, key: String, version: Int) throws -> ParameterVersionRecord? {
        try ParameterVersionRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM parameterVersion WHERE key = ? AND version = ?"),
                                            arguments: [key, version])
    }

    static func insert(_ outbox: [OutboxRows], _ db: Database) throws {
        for (event, deliveries) in outbox { try db.recordOutbox(event, deliveries: deliveries) }
    }

    // MARK: Reads

    /// The parameter and its latest version.
    public func parameter(key: String) throws -> (ParameterRecord, ParameterVersionRecord)? {
        try writer.read { db in try Self.latest(db, key: key) }
    }

    static func latest(_ db: Database, key: String) throws -> (ParameterRecord, ParameterVersionRecord)? {
        guard let parameter = try parameterRecord(db, key: key),
              let version = try versionRecord(db, key: key, version: parameter.latestVersion) else { return nil }
        return (parameter, version)
    }

    /// One version by number, or the version a label names; nil version and label: the latest.
    /// `.some(nil)` version means the parameter exists but not that version.
    public func parameterVersion(key: String, version: Int?, label: String?) throws -> (ParameterRecord, ParameterVersionRecord?)? {
        try writer.read { db in
            guard let parameter = try Self.parameterRecord(db, key: key) else { return nil }
            var number = version ?? parameter.latestVersion
            if let label {
                guard let labelled = try Int.fetchOne(db.cachedStatement(sql: "SELECT version FROM parameterLabel WHERE key = ? AND label = ?"),
                                                      arguments: [key, label]) else { return (parameter, nil) }
                number = labelled
            }
            return (parameter, try Self.versionRecord(db, key: key, version: number))
        }
    }

    /// Versions in order after `after` (exclusive), at most `limit`.
    public func parameterVersions(key: String, after: Int, limit: Int) throws -> [ParameterVersionRecord] {
        try writer.read { db in
            try ParameterVersionRecord.filter(Column("key") == key && Column("version") > after)
                .order(Column("version")).limit(limit).fetchAll(db)
        }
    }

    /// Every label of a parameter.
    public func parameterLabels(key: String) throws -> [ParameterLabelRecord] {
        try writer.read { db in try ParameterLabelRecord.filter(Column("key") == key).order(Column("label")).fetchAll(db) }
    }

    /// The tags of a parameter, by key; nil when there is no such parameter.
    public func parameterTags(key: String) throws -> [ParameterTagRecord]? {
        try writer.read { db in
            guard try ParameterRecord.exists(db, key: key) else { return nil }
            return try ParameterTagRecord.filter(Column("key") == key).order(Column("tagKey")).fetchAll(db)
        }
    }

    /// Parameters in key order after `after` (exclusive), with their latest versions, at most
    /// `limit`; only keys starting with `keyPrefix` when given.
    public func parameterPage(after: String?, keyPrefix: String?, limit: Int) throws -> [(ParameterRecord, ParameterVersionRecord)] {
        try writer.read { db in
            var request = ParameterRecord.all()
            if let after { request = request.filter(Column("key") > after) }
            if let keyPrefix, !keyPrefix.isEmpty {
                request = request.filter(Column("key").like(Self.likePrefix(keyPrefix), escape: "\\"))
            }
            let parameters = try request.order(Column("key")).limit(limit).fetchAll(db)
            return try parameters.compactMap { parameter in
                try Self.versionRecord(db, key: parameter.key, version: parameter.latestVersion).map { (parameter, $0) }
            }
        }
    }

    /// Whether any version of any parameter holds a sealed SecureString value.
    public func hasSecureParameters() throws -> Bool {
        try writer.read { db in try ParameterVersionRecord.filter(Column("ciphertext") != nil).fetchCount(db) > 0 }
    }

    // MARK: Changes

    /// Deletes a parameter with every version, label and tag. `outbox` sees what is deleted.
    /// Returns nil when there is no such parameter.
    public func deleteParameter(key: String, outbox: (ParameterRecord, ParameterVersionRecord) throws -> [OutboxRows])
        throws -> (ParameterRecord, ParameterVersionRecord)? {
        try writer.write { db in
            guard let (parameter, latest) = try Self.latest(db, key: key) else { return nil }
            try ParameterRecord.deleteOne(db, key: key)
            try Self.insert(try outbox(parameter, latest), db)
            return (parameter, latest)
        }
    }

    /// What a label change sees: the parameter, its latest version, its labels, and which
    /// versions exist.
    public struct LabelContext {
        public let parameter: ParameterRecord
        public let latest: ParameterVersionRecord
        public let labels: [ParameterLabelRecord]
        let db: Database

        public func version(_ number: Int) throws -> ParameterVersionRecord? {
            try SchedulerDatabase.versionRecord(db, key: parameter.key, version: number)
        }
    }

    /// A label change: labels to set (moved when on another version) and to remove.
    public struct LabelChange {
        public var set: [ParameterLabelRecord]
        public var remove: [String]
        public var outbox: [OutboxRows]

        public init(set: [ParameterLabelRecord], remove: [String], outbox: [OutboxRows]) {
            self.set = set
            self.remove = remove
            self.outbox = outbox
        }
    }

    /// Changes the labels of parameter `key` in one transaction; nil when there is no such
    /// parameter (and `change` is not called).
    public func changeParameterLabels<Result>(key: String, _ change: (LabelContext) throws -> (LabelChange, Result)) throws -> Result? {
        try writer.write { db in
            guard let (parameter, latest) = try Self.latest(db, key: key) else { return nil }
            let labels = try ParameterLabelRecord.filter(Column("key") == key).fetchAll(db)
            let (labelChange, result) = try change(LabelContext(parameter: parameter, latest: latest, labels: labels, db: db))
            for label in labelChange.remove { try ParameterLabelRecord.deleteOne(db, key: ["key": key, "label": label]) }
            for label in labelChange.set { try label.upsert(db) }
            try Self.insert(labelChange.outbox, db)
            return result
        }
    }

    /// Changes the tags of parameter `key` in one transaction: `change` sees the tags now and
    /// returns the whole new set. Returns false when there is no such parameter.
    public func changeParameterTags(key: String, _ change: ([ParameterTagRecord]) throws -> [ParameterTagRecord]) throws -> Bool {
        try writer.write { db in
            guard try ParameterRecord.exists(db, key: key) else { return false }
            let tags = try change(try ParameterTagRecord.filter(Column("key") == key).fetchAll(db))
            try ParameterTagRecord.filter(Column("key") == key).deleteAll(db)
            for tag in tags { try tag.insert(db) }
            return true
        }
    }

    /// Replaces a version's sealed value, only if it is still `old` (lazy re-encryption under
    /// a newer master key must never undo a concurrent change). Returns whether it did.
    @discardableResult
    public func replaceCiphertext(key: String, version: Int, old: Data, new: Data) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "UPDATE parameterVersion SET ciphertext = ? WHERE key = ? AND version = ? AND ciphertext = ?",
                           arguments: [new, key, version, old])
            return db.changesCount > 0
        }
    }

    // MARK: Policies

    /// The earliest time a policy is due, of any parameter.
    public func nextParameterPolicyTime() throws -> Date? {
        try writer.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(nextPolicyAt) FROM parameter").map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// Keys of parameters with a policy due at or before `now`, earliest first.
    public func parametersWithPoliciesDue(at now: Date, limit: Int = 100) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db, sql: "SELECT key FROM parameter WHERE nextPolicyAt <= ? ORDER BY nextPolicyAt LIMIT ?",
                                arguments: [now.timeIntervalSince1970, limit])
        }
    }

    /// What carrying out a parameter's due policies does.
    public enum PolicyOutcome {
        /// Nothing is due (any more).
        case none
        /// New policy statuses on the latest version and the next due time, with events.
        case update(policies: String, nextPolicyAt: Double?, outbox: [OutboxRows])
        /// The parameter expired: delete it, with events.
        case delete(outbox: [OutboxRows])
    }

    /// Carries out a parameter's due policies in one transaction. Returns nil when the
    /// parameter no longer exists.
    public func applyParameterPolicies(key: String, _ decide: (ParameterRecord, ParameterVersionRecord) throws -> PolicyOutcome) throws -> PolicyOutcome? {
        try writer.write { db in
            guard let (parameter, latest) = try Self.latest(db, key: key) else { return nil }
            let outcome = try decide(parameter, latest)
            switch outcome {
            case .none:
                break
            case .update(let policies, let next, let outbox):
                try db.execute(sql: "UPDATE parameterVersion SET policies = ? WHERE key = ? AND version = ?",
                               arguments: [policies, key, latest.version])
                try db.execute(sql: "UPDATE parameter SET nextPolicyAt = ? WHERE key = ?", arguments: [next, key])
                try Self.insert(outbox, db)
            case .delete(let outbox):
                try ParameterRecord.deleteOne(db, key: key)
                try Self.insert(outbox, db)
            }
            return outcome
        }
    }

    // MARK: Schema

    static func createParameterTables(_ db: Database) throws {
        try db.create(table: "parameter") { t in
            t.primaryKey("key", .text)
            t.column("name", .text).notNull()
            t.column("latestVersion", .integer).notNull()
            t.column("tier", .text).notNull()
            t.column("nextPolicyAt", .double)
        }
        try db.create(index: "parameter_nextPolicyAt", on: "parameter", columns: ["nextPolicyAt"])
        try db.create(index: "parameter_tier", on: "parameter", columns: ["tier"])
        try db.create(table: "parameterVersion") { t in
            t.column("key", .text).notNull().references("parameter", onDelete: .cascade)
            t.column("version", .integer).notNull()
            t.column("type", .text).notNull()
            t.column("value", .text)
            t.column("ciphertext", .blob)
            t.column("keyId", .text)
            t.column("description", .text)
            t.column("allowedPattern", .text)
            t.column("dataType", .text).notNull()
            t.column("tier", .text).notNull()
            t.column("policies", .text).notNull().defaults(to: "[]")
            t.column("modifiedAt", .double).notNull()
            t.column("modifiedBy", .text).notNull()
            t.primaryKey(["key", "version"])
        }
        try db.create(table: "parameterLabel") { t in
            t.column("key", .text).notNull()
            t.column("label", .text).notNull()
            t.column("version", .integer).notNull()
            t.primaryKey(["key", "label"])
            t.foreignKey(["key", "version"], references: "parameterVersion", columns: ["key", "version"], onDelete: .cascade)
        }
        try db.create(index: "parameterLabel_version", on: "parameterLabel", columns: ["key", "version"])
        try db.create(table: "parameterTag") { t in
            t.column("key", .text).notNull().references("parameter", onDelete: .cascade)
            t.column("tagKey", .text).notNull()
            t.column("tagValue", .text).notNull()
            t.primaryKey(["key", "tagKey"])
        }
    }
}
