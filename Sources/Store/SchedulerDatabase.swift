public import GRDB
import Foundation

/// The daemon's one SQLite database: documents and their versions, the state each calendar
/// last emitted, rules and targets, the event outbox and archive, deliveries, API
/// credentials (secrets sealed), Parameter Store parameters (SecureString values sealed),
/// automation executions with their step executions, and the simulated EC2 and RDS fleet with
/// its faults.
///
/// Production opens a `DatabasePool` (WAL mode: readers never block the writer) in the data
/// directory; tests may pass any `DatabaseWriter`. Migrations are append-only.
public final class SchedulerDatabase: Sendable {
    public let writer: any DatabaseWriter
    /// Shares transactions among writes made at once (automation steps, thousands at a time).
    let groupCommit: GroupCommit
    /// The simulated fleet in memory, for reads without a transaction (the daemon's; nil for
    /// the command line's short reads).
    let resourceMirror: ResourceMirror?

    /// - Parameter mirrorResources: Keep the simulated fleet in memory too (`ResourceMirror`):
    ///   for the daemon, whose automations read it thousands of times a second.
    public init(_ writer: any DatabaseWriter, mirrorResources: Bool = false) throws {
        self.writer = writer
        groupCommit = GroupCommit(writer: writer)
        try Self.migrator.migrate(writer)
        if mirrorResources {
            let mirror = ResourceMirror(path: writer.path)
            writer.add(transactionObserver: mirror, extent: .databaseLifetime)
            resourceMirror = mirror
        } else {
            resourceMirror = nil
        }
    }

    /// Opens (creating if needed) `schedulerd.sqlite` in `directory`, in WAL mode.
    /// `mirrorResources`: as for `init`.
    public static func open(directory: String, mirrorResources: Bool = false) throws -> SchedulerDatabase {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // A daemon with one writer and a few readers: two reader connections and a 1 MB page
        // cache each keep idle memory small (SQLite's default is 2 MB a connection).
        configuration.maximumReaderCount = 2
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")   // durable at checkpoints under WAL; see docs
            try db.execute(sql: "PRAGMA cache_size = -1024")
        }
        // Migrations run under an exclusive lock on a file beside the database: a second
        // process opening the same directory at that moment (`schedulerd events` while the
        // daemon starts, say) must wait and then find them applied, not apply them again.
        let lock = try MigrationLock(path: (directory as NSString).appendingPathComponent("schedulerd.sqlite.lock"))
        defer { lock.release() }
        let pool = try DatabasePool(path: (directory as NSString).appendingPathComponent("schedulerd.sqlite"),
                                    configuration: configuration)
        return try SchedulerDatabase(pool, mirrorResources: mirrorResources)
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: documents, calendar states, rules, outbox") { db in
            try db.create(table: "document") { t in
                t.primaryKey("name", .text)
                t.column("documentType", .text).notNull()
                t.column("documentFormat", .text).notNull()
                t.column("defaultVersion", .integer).notNull()
                t.column("latestVersion", .integer).notNull()
                t.column("createdAt", .double).notNull()
                /// "config" (reconciled from the configuration) or "api".
                t.column("origin", .text).notNull()
                t.column("sourcePath", .text)
            }
            try db.create(table: "documentVersion") { t in
                t.column("name", .text).notNull().references("document", onDelete: .cascade)
                t.column("version", .integer).notNull()
                t.column("content", .text).notNull()
                t.column("contentHash", .text).notNull()
                t.column("createdAt", .double).notNull()
                t.primaryKey(["name", "version"])
            }
            try db.create(table: "calendarState") { t in
                t.primaryKey("calendar", .text)
                t.column("state", .text).notNull()
                t.column("since", .double).notNull()
                t.column("eventId", .text)
            }
            try db.create(table: "rule") { t in
                t.primaryKey("name", .text)
                t.column("description", .text).notNull().defaults(to: "")
                t.column("state", .text).notNull()
                t.column("eventPattern", .text)
                t.column("scheduleExpression", .text)
                t.column("origin", .text).notNull()
                t.column("targets", .text).notNull()   // JSON array of target definitions
            }
            try db.create(table: "event") { t in
                t.primaryKey("id", .text)
                /// One event per (calendar, instant): the key that makes emission exactly-once.
                t.column("dedupeKey", .text).notNull().unique()
                t.column("time", .double).notNull()
                t.column("source", .text).notNull()
                t.column("detailType", .text).notNull()
                t.column("body", .text).notNull()
                t.column("recordedAt", .double).notNull()
                t.column("deliverable", .boolean).notNull()
            }
            try db.create(index: "event_time", on: "event", columns: ["time"])
            try db.create(table: "delivery") { t in
                t.column("eventId", .text).notNull().references("event", onDelete: .cascade)
                t.column("rule", .text).notNull()
                t.column("targetId", .text).notNull()
                /// pending, delivered, failed (will retry), dead (gave up: the dead-letter record).
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .double).notNull()
                t.column("lastError", .text)
                t.column("output", .text)
                t.column("updatedAt", .double).notNull()
                t.primaryKey(["eventId", "rule", "targetId"])
            }
            try db.create(index: "delivery_due", on: "delivery", columns: ["status", "nextAttemptAt"])
        }
        migrator.registerMigration("v2: credentials", migrate: createCredentialTable)
        migrator.registerMigration("v3: document API fields") { db in
            try db.alter(table: "document") { t in
                t.add(column: "tags", .text).notNull().defaults(to: "[]")
            }
            try db.alter(table: "documentVersion") { t in
                t.add(column: "versionName", .text)
            }
        }
        migrator.registerMigration("v4: parameters", migrate: createParameterTables)
        migrator.registerMigration("v5: resources", migrate: createResourceTables)
        migrator.registerMigration("v6: automation", migrate: createAutomationTables)
        migrator.registerMigration("v7: hung-transition indexes", migrate: createHungTransitionIndexes)
        migrator.registerMigration("v8: children by parent", migrate: createChildrenIndex)
        return migrator
    }
}
