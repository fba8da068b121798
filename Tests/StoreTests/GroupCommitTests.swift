import Foundation
import Synchronization
import GRDB
@testable import Store
import Testing

@Suite("Group commit: writes made at once share a transaction")
struct GroupCommitTests {
    func pool() throws -> (DatabasePool, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("group-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: directory + "/db.sqlite")
        try pool.write { db in try db.execute(sql: "CREATE TABLE item (id INTEGER PRIMARY KEY, thread INTEGER NOT NULL)") }
        return (pool, directory)
    }

    @Test("64 threads writing 50 rows each: every write is committed, and visible, once it returns")
    func concurrentWriters() throws {
        let (pool, directory) = try pool()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let commit = GroupCommit(writer: pool)
        let transactions = CommitCounter()
        pool.add(transactionObserver: transactions, extent: .databaseLifetime)
        DispatchQueue.concurrentPerform(iterations: 64) { thread in
            for index in 0..<50 {
                let id = thread * 1000 + index
                try! commit.write { db in try db.execute(sql: "INSERT INTO item (id, thread) VALUES (?, ?)", arguments: [id, thread]) }
                // Committed when write returns: another connection sees it.
                let seen = try! pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE id = ?", arguments: [id]) }
                precondition(seen == 1, "row \(id) not visible after its write returned")
            }
        }
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item") } == 64 * 50)
        #expect(transactions.count.withLock { $0 } <= 64 * 50)
    }

    @Test("writes that wait while the writer is busy are committed together")
    func waitingWritesShareOneTransaction() throws {
        let (pool, directory) = try pool()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let commit = GroupCommit(writer: pool)
        let transactions = CommitCounter()
        pool.add(transactionObserver: transactions, extent: .databaseLifetime)
        // Someone else holds SQLite's writer while ten threads ask to write.
        let release = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        Thread { try! pool.writeWithoutTransaction { _ in holding.signal(); release.wait() } }.start()
        holding.wait()
        let done = DispatchGroup()
        for thread in 0..<10 {
            done.enter()
            Thread {
                try! commit.write { db in try db.execute(sql: "INSERT INTO item (id, thread) VALUES (?, ?)", arguments: [thread, thread]) }
                done.leave()
            }.start()
        }
        Thread.sleep(forTimeInterval: 0.3)   // all ten are waiting: one leads (alone), nine queue
        release.signal()
        done.wait()
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item") } == 10)
        #expect(transactions.count.withLock { $0 } == 2, "the leader's own write, then the nine that waited, together")
    }

    @Test("a write that fails fails alone: the others of its shared transaction are committed")
    func failureIsIsolated() throws {
        let (pool, directory) = try pool()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let commit = GroupCommit(writer: pool)
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 32) { thread in
            do {
                // Thread 7 inserts a duplicate primary key: its own write fails.
                let id = thread == 7 ? 0 : thread
                try commit.write { db in try db.execute(sql: "INSERT INTO item (id, thread) VALUES (?, ?)", arguments: [id, thread]) }
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 1)
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item") } == 31)
    }
}

/// Counts commits.
final class CommitCounter: TransactionObserver, Sendable {
    let count = Mutex(0)

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { count.withLock { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}
