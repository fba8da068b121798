import GRDB
public import Foundation

extension SchedulerDatabase {
    /// Migration "v2: credentials": the `credential` table. A name is unique among active
    /// credentials only, so a revoked name can be given again.
    static func createCredentialTable(_ db: Database) throws {
        try db.create(table: "credential") { t in
            t.primaryKey("accessKeyId", .text)
            t.column("name", .text).notNull()
            t.column("role", .text).notNull()
            t.column("sealedSecret", .blob).notNull()
            t.column("createdAt", .double).notNull()
            t.column("revokedAt", .double)
            /// "generated" (the bootstrap administrator) or "cli".
            t.column("origin", .text).notNull()
        }
        try db.execute(sql: "CREATE UNIQUE INDEX credential_active_name ON credential(name) WHERE revokedAt IS NULL")
    }

    /// Stores a new credential, unless an active one already has its name.
    ///
    /// - Returns: `false` when the name is taken (nothing is stored).
    public func insertCredential(_ record: CredentialRecord) throws -> Bool {
        try writer.write { db in
            let taken = try CredentialRecord
                .filter(Column("name") == record.name && Column("revokedAt") == nil)
                .fetchCount(db) > 0
            if taken { return false }
            try record.insert(db)
            return true
        }
    }

    /// Stored credentials ordered by creation, the revoked ones too unless `activeOnly`.
    public func credentialRecords(activeOnly: Bool) throws -> [CredentialRecord] {
        try writer.read { db in
            var request = CredentialRecord.all()
            if activeOnly { request = request.filter(Column("revokedAt") == nil) }
            return try request.order(Column("createdAt"), Column("accessKeyId")).fetchAll(db)
        }
    }

    /// The credential with this access key id, active or revoked.
    public func credentialRecord(accessKeyId: String) throws -> CredentialRecord? {
        try writer.read { db in try CredentialRecord.fetchOne(db, key: accessKeyId) }
    }

    /// The active credential with this name.
    public func activeCredentialRecord(name: String) throws -> CredentialRecord? {
        try writer.read { db in
            try CredentialRecord.filter(Column("name") == name && Column("revokedAt") == nil).fetchOne(db)
        }
    }

    /// Marks an active credential revoked at `date`.
    ///
    /// - Returns: `false` when no active credential has this id (unknown, or already revoked).
    public func revokeCredential(accessKeyId: String, at date: Date) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "UPDATE credential SET revokedAt = ? WHERE accessKeyId = ? AND revokedAt IS NULL",
                           arguments: [date.timeIntervalSince1970, accessKeyId])
            return db.changesCount > 0
        }
    }
}
