import Foundation
import GRDB

/// The daemon's copy of the simulated fleet in memory, so that a read of it (every
/// DescribeInstances an automation makes: three per instance it stops) needs no read
/// transaction. In the fleet benchmark those transactions, mostly the hop to a pooled reader,
/// were a third of the daemon's CPU.
///
/// How it stays right:
/// - Every change the daemon writes goes through `ResourceTransaction`, which notes it here.
///   The notes are applied when SQLite reports the commit (a GRDB transaction observer, on the
///   writer, in commit order) and dropped on a rollback, so the copy never shows what was not
///   committed, and a group commit's writes land in the order they ran.
/// - Another process may write too (`schedulerd fleet fault add`). After each commit the
///   mirror records the database's data version as seen by a connection of its own
///   (`DataVersionWatch`); a read first asks that connection again, and answers from memory
///   only if nothing was committed since. Otherwise it reads the database, as without a
///   mirror. The writer's own data version (which only other connections change) tells the
///   mirror when a commit came from elsewhere: the copy is then loaded again, at the next
///   commit, which a read that finds the copy stale asks for.
final class ResourceMirror: TransactionObserver, @unchecked Sendable {
    private let watch: DataVersionWatch?
    private let lock = NSLock()
    // Guarded by `lock`.
    private var copy = FleetCopy()
    /// Whether the copy is as the database was at the last commit (false before it is loaded,
    /// and when a commit from elsewhere was seen), and the watch's data version then (nil
    /// without a watch: an in-memory database, which no other connection can write).
    private var trusted = false
    private var trustedVersion: Int64?
    /// Set when the copy must be read from the database again at the next commit.
    private var stale = true
    /// The last data version a read found different from `trustedVersion` (see `read`).
    private var lastMismatch: Int64?
    /// Reads answered from memory, and reads sent to the database (for tests and benchmarks).
    private var counts = (answered: 0, declined: 0)
    // Used on the writer only (inside a write, then in the commit's callbacks).
    private var pending: [ResourceChange] = []
    private var faultsChanged = false
    private var writerVersion: Int64?

    init(path: String) {
        watch = DataVersionWatch(path: path)
    }

    // MARK: Writes (on the writer)

    /// Notes a change of the transaction under way.
    func note(_ change: ResourceChange) {
        if case .faults = change { faultsChanged = true } else { pending.append(change) }
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }

    func databaseDidChange(with event: DatabaseEvent) {}

    func databaseDidRollback(_ db: Database) {
        pending = []
        faultsChanged = false
    }

    func databaseDidCommit(_ db: Database) {
        let changes = pending
        let reloadFaults = faultsChanged
        pending = []
        faultsChanged = false
        do {
            let before = try Self.dataVersion(db)
            lock.lock()
            defer { lock.unlock() }
            if let writerVersion, writerVersion != before { stale = true }   // another process committed
            if stale {
                copy = try Self.load(db)
                stale = false
            } else {
                for change in changes { copy.apply(change) }
                if reloadFaults { copy.replaceFaults(try ResourceTransaction(db: db, mirror: nil).faults()) }
            }
            // The watch first, the writer after: a commit from elsewhere between the two shows
            // in the writer's version, and the copy is not trusted with it.
            let seen = watch?.version()
            let after = try Self.dataVersion(db)
            writerVersion = after
            if after != before || (watch != nil && seen == nil) {
                stale = true
                trusted = false
            } else {
                trustedVersion = seen
                trusted = true
            }
        } catch {
            lock.lock()
            stale = true
            trusted = false
            lock.unlock()
        }
    }

    // MARK: Reads

    enum ReadOutcome<T> {
        case answered(T)
        /// The copy may be behind: read the database. `resync`: ask for a commit, which brings
        /// the copy up to date (it was found stale, or behind twice at the same version).
        case unavailable(resync: Bool)
    }

    /// Runs `body` on the copy, under the lock, if the copy is as the database is now. `body`
    /// must only read what it is given: a call into the database from it could wait for the
    /// writer, which waits for this lock to apply its commit.
    func read<T>(_ body: (any ResourceReading) throws -> T) rethrows -> ReadOutcome<T> {
        let seen = watch?.version()
        lock.lock()
        defer { lock.unlock() }
        guard trusted, !stale, watch == nil || (seen != nil && seen == trustedVersion) else {
            // A commit in flight makes the versions differ for a moment and fixes itself; the
            // same difference seen twice means a commit from elsewhere nobody has followed.
            let resync = stale || (seen != nil && seen == lastMismatch)
            lastMismatch = seen
            counts.declined += 1
            return .unavailable(resync: resync)
        }
        counts.answered += 1
        return .answered(try body(FleetCopyReader(copy: copy)))
    }

    /// How many reads the copy answered, and how many it sent to the database.
    var readCounts: (answered: Int, declined: Int) {
        lock.lock()
        defer { lock.unlock() }
        return counts
    }

    // MARK: Loading

    private static func load(_ db: Database) throws -> FleetCopy {
        let tables = ResourceTransaction(db: db, mirror: nil)
        return FleetCopy(instances: try tables.allInstances(), dbInstances: try tables.allDBInstances(),
                         tags: try tables.tags(type: "instance", ids: nil) + tables.tags(type: "db", ids: nil), faults: try tables.faults())
    }

    private static func dataVersion(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
    }
}
