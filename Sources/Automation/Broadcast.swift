import Synchronization

/// A change counter many tasks can wait on: `fire()` bumps it and wakes every waiter;
/// `wait(after:)` returns once the counter has passed the value the waiter last saw (at once
/// if it already has), or when the waiting task is cancelled. Nothing is lost between a check
/// and a wait: read `version`, check the state, then wait after that version.
final class Broadcast: Sendable {
    private struct State {
        var version: UInt64 = 0
        var waiters: [UInt64: (after: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextWaiter: UInt64 = 0
        /// Waiters between taking an id and registering their continuation.
        var unregistered: Set<UInt64> = []
        /// Of those, the ones cancelled in that gap.
        var cancelledEarly: Set<UInt64> = []
    }

    private let state = Mutex(State())

    var version: UInt64 { state.withLock { $0.version } }

    func fire() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.version += 1
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once `version` is greater than `seen`, or the task is cancelled.
    func wait(after seen: UInt64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            state.unregistered.insert(state.nextWaiter)
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let cancelled = Task.isCancelled
                let resumeNow = state.withLock { state -> Bool in
                    state.unregistered.remove(id)
                    if state.cancelledEarly.remove(id) != nil || state.version > seen || cancelled { return true }
                    state.waiters[id] = (seen, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    if state.unregistered.contains(id) { state.cancelledEarly.insert(id) }
                    return nil
                }
                return waiter.continuation
            }
            waiter?.resume()
        }
    }
}
