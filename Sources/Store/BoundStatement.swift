import Foundation
import GRDB
import GRDBSQLite

extension Statement {
    /// Binds `values` to the statement's parameters, in order, and runs it to its end with
    /// SQLite's own calls.
    ///
    /// Why: GRDB's `execute(arguments:)` converts every value through `StatementArguments`
    /// (an existential per value), checks them against the statement, and binds them in nested
    /// closures. For the writes a fleet stop makes by the hundred thousand (events, deliveries,
    /// execution and step progress, instance states) that was 12 % of the daemon's CPU, more
    /// than SQLite's own work on those rows.
    ///
    /// Only for INSERT, UPDATE and DELETE statements run inside a transaction the caller holds,
    /// on tables no `TransactionObserver` watches row by row (the resource mirror is told of
    /// changes, it does not observe them): GRDB's per-statement bookkeeping is skipped. An error
    /// is thrown as GRDB throws it (`DatabaseError` with SQLite's extended code), and the
    /// statement stays usable.
    func run(binding values: [DatabaseValue]) throws {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        precondition(Int(sqlite3_bind_parameter_count(handle)) == values.count,
                     "\(values.count) values for \(sqlite3_bind_parameter_count(handle)) parameters: \(sql)")
        for (offset, value) in values.enumerated() {
            let index = CInt(offset + 1)
            let code: CInt
            switch value.storage {
            case .null: code = sqlite3_bind_null(handle, index)
            case .int64(let number): code = sqlite3_bind_int64(handle, index, number)
            case .double(let number): code = sqlite3_bind_double(handle, index, number)
            case .string(let text):
                // Up to the first NUL, as GRDB binds text (so both paths store the same).
                code = text.withCString { sqlite3_bind_text(handle, index, $0, -1, Self.transient) }
            case .blob(let data):
                code = data.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, CInt($0.count), Self.transient) }
            }
            guard code == SQLITE_OK else { throw failure(code, handle) }
        }
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_DONE:
                sqlite3_reset(handle)
                return
            case SQLITE_ROW:
                continue
            case let code:
                throw failure(code, handle)
            }
        }
    }

    /// SQLite copies the bound text before the call returns (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func failure(_ code: CInt, _ handle: OpaquePointer) -> DatabaseError {
        let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
        sqlite3_reset(handle)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}
