import Foundation
import GRDB

/// Group commit: writes asked for by many threads at about the same time are committed in one
/// transaction, the way a database's log writer batches commits.
///
/// The first caller to find no commit under way becomes the leader: it takes every write
/// waiting (its own included), runs them in one transaction and wakes their callers; writes
/// that arrive meanwhile wait for the next round, which one of their callers leads. Each caller
/// returns only once its write is committed (or has failed), exactly as with its own
/// transaction. When a shared transaction fails, its writes are tried again one transaction
/// each, so one bad write never fails another.
///
/// It pays when thousands of automation executions persist their steps at once: a transaction
/// costs far more than the rows it writes (SQLite's commit, the WAL frames of every page
/// touched), and the callers block anyway while they wait for SQLite's single writer.
final class GroupCommit: @unchecked Sendable {
    private final class Ticket {
        let work: (Database) throws -> Void
        /// Signalled once: when the write is committed (or failed), or when this caller is to
        /// lead the next round. One wake-up per waiting caller, never a broadcast: with dozens
        /// of callers waiting, waking them all at every commit cost more than the commit.
        let wake = DispatchSemaphore(value: 0)
        // Guarded by `GroupCommit.lock`.
        var done = false
        var leads = false
        var error: (any Error)?

        init(_ work: @escaping (Database) throws -> Void) {
            self.work = work
        }
    }

    private let writer: any DatabaseWriter
    private let lock = NSLock()
    // Guarded by `lock`.
    private var waiting: [Ticket] = []
    private var leading = false

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Runs `work` in a write transaction, possibly shared with other callers' writes; returns
    /// once it is committed. `work` may run twice (a shared transaction that failed is rolled
    /// back and each write tried alone), so it must only write to the database.
    func write(_ work: @escaping (Database) throws -> Void) throws {
        let ticket = Ticket(work)
        lock.lock()
        waiting.append(ticket)
        if leading {
            lock.unlock()
            ticket.wake.wait()
            lock.lock()
        } else {
            leading = true
            ticket.leads = true
        }
        // Either done (another caller committed it) or leading: each round takes every write
        // waiting, this one among them.
        while !ticket.done {
            precondition(ticket.leads, "a group-commit caller woke neither done nor leading")
            let batch = waiting
            waiting = []
            lock.unlock()
            let errors = commit(batch)
            lock.lock()
            for (index, member) in batch.enumerated() {
                member.error = errors[index]
                member.done = true
            }
            // Hand the lead to the first write that arrived meanwhile, or put it down.
            ticket.leads = false
            if let next = waiting.first {
                next.leads = true
                next.wake.signal()
            } else {
                leading = false
            }
            for member in batch where member !== ticket { member.wake.signal() }
        }
        lock.unlock()
        if let error = ticket.error { throw error }
    }

    /// Each write's error (nil: committed).
    private func commit(_ batch: [Ticket]) -> [(any Error)?] {
        do {
            try writer.write { db in
                for ticket in batch { try ticket.work(db) }
            }
            return Array(repeating: nil, count: batch.count)
        } catch {
            if batch.count == 1 { return [error] }
            return batch.map { ticket in
                do {
                    try writer.write { db in try ticket.work(db) }
                    return nil
                } catch {
                    return error
                }
            }
        }
    }
}
