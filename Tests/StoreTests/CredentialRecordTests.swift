import Foundation
import GRDB
import Store
import Testing

@Suite("Credential records")
struct CredentialRecordTests {
    @Test("the migration adds the credential table with a unique name among active credentials")
    func migration() throws {
        let database = try SchedulerDatabase(DatabaseQueue())
        let columns = try database.writer.read { db in try db.columns(in: "credential").map(\.name) }
        #expect(columns == ["accessKeyId", "name", "role", "sealedSecret", "createdAt", "revokedAt", "origin"])
        let record = CredentialRecord(accessKeyId: "AKIA1", name: "n", role: "admin", sealedSecret: Data([1]),
                                      createdAt: 1, origin: .cli)
        #expect(try database.insertCredential(record))
        var second = record
        second.accessKeyId = "AKIA2"
        #expect(try !database.insertCredential(second))
        #expect(try database.revokeCredential(accessKeyId: "AKIA1", at: Date()))
        #expect(try !database.revokeCredential(accessKeyId: "AKIA1", at: Date()))
        #expect(try database.insertCredential(second))
        let applied = try database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
        }
        #expect(applied.contains("v2: credentials"))
    }
}
