import SchedulerCore

/// Tasks waiting for particular resources to change. `fire` wakes those watching any of the
/// keys changed; a cancelled waiter is woken at once. Many waiters may watch one key.
///
/// Changes are numbered (`mark`), and each key remembers its last, so a waiter that read a
/// resource after taking a mark never misses a change made between its read and its wait.
final class ChangeWatchers: Sendable {
    private struct Watcher {
        let keys: Set<String>
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var watchers: [UInt64: Watcher] = [:]
        var nextID: UInt64 = 0
        var cancelledEarly: Set<UInt64> = []
        /// The number of the last change, and of the last change of each key.
        var generation: UInt64 = 0
        var lastChange: [String: UInt64] = [:]
    }

    /// Every resource write and every waiting step takes it (see `BlockingLock`).
    private let state = BlockingLock(State())

    /// Wakes every waiter watching one of `keys`.
    func fire(_ keys: Set<String>) {
        guard !keys.isEmpty else { return }
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation += 1
            for key in keys { state.lastChange[key] = state.generation }
            let ids = state.watchers.filter { !$0.value.keys.isDisjoint(with: keys) }.map(\.key)
            return ids.compactMap { state.watchers.removeValue(forKey: $0)?.continuation }
        }
        for continuation in woken { continuation.resume() }
    }

    /// The number of the last change so far.
    var mark: UInt64 { state.withLock { $0.generation } }

    /// Returns after a `fire` naming one of `keys` (at once if one came after `mark`), or when
    /// the task is cancelled.
    func wait(for keys: Set<String>, since mark: UInt64 = .max) async {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.cancelledEarly.remove(id) != nil || Task.isCancelled { return true }
                    if mark != .max, keys.contains(where: { (state.lastChange[$0] ?? 0) > mark }) { return true }
                    state.watchers[id] = Watcher(keys: keys, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let watcher = state.withLock { state -> Watcher? in
                guard let watcher = state.watchers.removeValue(forKey: id) else {
                    state.cancelledEarly.insert(id)
                    return nil
                }
                return watcher
            }
            watcher?.continuation.resume()
        }
        // A cancellation racing a fire may have left the id behind; nothing can add it any more.
        state.withLock { _ = $0.cancelledEarly.remove(id) }
    }

    /// How many tasks are waiting (for tests).
    var count: Int { state.withLock { $0.watchers.count } }

    static func key(_ resource: ResourceID) -> String {
        switch resource {
        case .instance(let id): "instance:\(id)"
        case .database(let identifier): "db:\(identifier)"
        }
    }
}
