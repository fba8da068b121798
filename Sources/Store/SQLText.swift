import GRDB

/// SQL the store builds once from column lists and runs through cached statements.
enum SQLText {
    /// `INSERT … ON CONFLICT(key) DO UPDATE SET` every other column: one statement, compiled
    /// once per connection, where GRDB's `save` runs an UPDATE and then, for a new row, an INSERT.
    static func upsert(table: String, columns: [String], key: [String]) -> String {
        let assignments = columns.filter { !key.contains($0) }.map { "\"\($0)\" = excluded.\"\($0)\"" }
        return insert(table: table, columns: columns)
            + " ON CONFLICT(\(key.map { "\"\($0)\"" }.joined(separator: ", "))) DO UPDATE SET \(assignments.joined(separator: ", "))"
    }

    /// `UPDATE table SET columns… WHERE key…`: the columns' values, then the key's.
    static func update(table: String, columns: [String], key: [String]) -> String {
        "UPDATE \"\(table)\" SET \(columns.map { "\"\($0)\" = ?" }.joined(separator: ", ")) WHERE "
            + key.map { "\"\($0)\" = ?" }.joined(separator: " AND ")
    }

    static func insert(table: String, columns: [String]) -> String {
        let quoted = columns.map { "\"\($0)\"" }
        return "INSERT INTO \"\(table)\" (\(quoted.joined(separator: ", "))) VALUES (\(placeholders(columns.count)))"
    }

    /// `?, ?, ?` for `count` values.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// SQLite limits the variables of one statement; 500 stays far below every limit.
    static func chunks(_ values: [String]) -> [ArraySlice<String>] {
        stride(from: 0, to: values.count, by: 500).map { values[$0..<min($0 + 500, values.count)] }
    }
}
