import Foundation
import GRDBSQLite

/// A connection of its own to the database file that only answers `PRAGMA data_version`: a
/// number that changes whenever any other connection (the daemon's writer, another process)
/// commits. `ResourceMirror` compares it with the number it saw after its last update to know,
/// without a read transaction, that nothing was committed since.
///
/// A raw SQLite handle behind a lock, not a GRDB reader: the question is asked on every read
/// of the fleet, and a pooled reader's queue hop costs more than the answer.
final class DataVersionWatch: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var handle: OpaquePointer?
    private var statement: OpaquePointer?

    /// Opens `path` read-only; nil when it cannot (then the mirror trusts only the daemon's own
    /// writes, which is right for a database no other process can open: an in-memory one).
    init?(path: String) {
        guard !path.isEmpty, path != ":memory:", FileManager.default.fileExists(atPath: path) else { return nil }
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
              sqlite3_prepare_v2(handle, "PRAGMA data_version", -1, &statement, nil) == SQLITE_OK else {
            sqlite3_close_v2(handle)
            return nil
        }
        sqlite3_busy_timeout(handle, 10_000)
        self.handle = handle
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close_v2(handle)
    }

    /// The data version now; nil when SQLite cannot tell (a busy or failing file: the caller
    /// then reads the database instead).
    func version() -> Int64? {
        lock.lock()
        defer { lock.unlock() }
        defer { sqlite3_reset(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { return nil }
        return sqlite3_column_int64(statement, 0)
    }
}
