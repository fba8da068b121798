import Foundation

/// The threads automations run on: a `TaskExecutor` of its own, so that their blocking work
/// (every persisted change waits for SQLite's single writer through GRDB, which blocks the
/// calling thread) never occupies the global executor's threads, which are as many as the
/// cores. With thousands of executions at once (a fleet stopped at 100% concurrency) those
/// threads would otherwise all be waiting on the writer and an API request would wait behind
/// them for seconds; on these threads the API keeps answering in milliseconds.
///
/// One pool for the process (`shared`); its threads live as long as the process. Jobs run in
/// the order they were enqueued.
final class AutomationExecutor: TaskExecutor, @unchecked Sendable {
    /// More threads than cores on purpose: most of the time a thread waits for SQLite (the
    /// writer, or a reader of the pool), and every waiting thread is an operation in flight.
    /// With only as many threads as cores, two executions at a time could talk to the
    /// database and the writer would sit idle between them.
    static let shared = AutomationExecutor(threads: threadCount, name: "automation")
    static let threadCount = Int(ProcessInfo.processInfo.environment["SCHEDULERD_AUTOMATION_THREADS"] ?? "") ?? 64

    private let condition = NSCondition()
    // A FIFO: jobs[head...] are waiting (guarded by `condition`).
    private var jobs: [UnownedJob] = []
    private var head = 0

    private init(threads: Int, name: String) {
        for index in 0..<threads {
            let thread = Thread { [self] in work() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 4096 && head * 2 >= jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
