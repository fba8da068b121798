import Foundation
import GRDB
@testable import Store
import Testing

/// `Statement.run(binding:)` binds by SQLite's own calls: it must store what GRDB's
/// `execute(arguments:)` stores, report errors as GRDB does, and leave the statement usable.
@Suite("Statements run with values bound directly")
struct BoundStatementTests {
    func queue() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, real REAL, flag BOOLEAN, data BLOB)")
        }
        return queue
    }

    @Test("every kind of value is stored as GRDB's execute(arguments:) stores it")
    func valuesAsGRDBStoresThem() throws {
        let queue = try queue()
        try queue.write { db in try db.execute(sql: "CREATE TABLE u (id INTEGER PRIMARY KEY, name TEXT UNIQUE, real REAL, flag BOOLEAN, data BLOB)") }
        let names: [String?] = ["plain", "", "naïve 東京 🚀", "nul\u{0}inside", String(repeating: "long ", count: 400), nil]
        try queue.write { db in
            let bound = try db.cachedStatement(sql: "INSERT INTO t (id, name, real, flag, data) VALUES (?, ?, ?, ?, ?)")
            let plain = try db.cachedStatement(sql: "INSERT INTO u (id, name, real, flag, data) VALUES (?, ?, ?, ?, ?)")
            for (index, name) in names.enumerated() {
                let real: Double? = index == 5 ? nil : Double(index) + 0.25
                let data = index == 4 ? Data() : Data([UInt8(index), 0, 255])
                try bound.run(binding: [index.databaseValue, name.databaseValue, real.databaseValue, (index % 2 == 0).databaseValue,
                                        data.databaseValue])
                try plain.execute(arguments: [index, name, real, index % 2 == 0, data])
            }
        }
        let columns = "id, name, typeof(name), length(CAST(name AS BLOB)), real, typeof(real), flag, typeof(flag), hex(data), typeof(data)"
        let (stored, expected) = try queue.read { db in
            (try Row.fetchAll(db, sql: "SELECT \(columns) FROM t ORDER BY id"), try Row.fetchAll(db, sql: "SELECT \(columns) FROM u ORDER BY id"))
        }
        #expect(stored.count == names.count)
        #expect(stored == expected)
        #expect(stored[2]["name"] as String == "naïve 東京 🚀")
    }

    @Test("a constraint violation throws SQLite's code and message; the statement and the transaction go on")
    func errors() throws {
        let queue = try queue()
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id, name) VALUES (?, ?)")
            try insert.run(binding: [1.databaseValue, "one".databaseValue])
            let error = #expect(throws: DatabaseError.self) { try insert.run(binding: [2.databaseValue, "one".databaseValue]) }
            #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE)
            #expect(error?.message?.contains("t.name") == true)
            #expect(error?.sql?.contains("INSERT INTO t") == true)
            try insert.run(binding: [2.databaseValue, "two".databaseValue])
            let update = try db.cachedStatement(sql: "UPDATE t SET name = ? WHERE id = ?")
            try update.run(binding: ["deux".databaseValue, 2.databaseValue])
            #expect(db.changesCount == 1)
            try update.run(binding: ["none".databaseValue, 7.databaseValue])
            #expect(db.changesCount == 0)
        }
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT name FROM t ORDER BY id") } == ["one", "deux"])
    }
}
