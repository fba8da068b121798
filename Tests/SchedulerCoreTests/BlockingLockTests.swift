import SchedulerCore
import Testing

@Suite("BlockingLock")
struct BlockingLockTests {
    @Test("threads that take it at once never lose an update, and a throw leaves it unlocked")
    func exclusive() async throws {
        let counter = BlockingLock([Int: Int]())
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for step in 0..<5_000 { counter.withLock { $0[step % 7, default: 0] += 1 + task - task } }
                }
            }
        }
        #expect(counter.withLock { $0.values.reduce(0, +) } == 40_000)
        struct Refused: Error {}
        #expect(throws: Refused.self) { try counter.withLock { _ in throw Refused() } }
        #expect(counter.withLock { $0.count } == 7, "taken again after the throw")
    }
}
