public import Foundation
public import SchedulerCore
import Synchronization

/// A clock that moves only when a test moves it. Sleepers wake when `advance(to:)` passes
/// their deadline; `waitForSleepers(_:)` lets a test wait until the code under test is
/// asleep again, so no test ever sleeps for real.
public final class ManualWallClock: WallClock {
    private struct Sleeper {
        let id: UUID
        let deadline: Date
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [Sleeper] = []
        var cancelledBeforeSleeping: Set<UUID> = []
    }

    private let state: Mutex<State>

    public init(now: Date) {
        state = Mutex(State(now: now))
    }

    public func now() -> Date { state.withLock { $0.now } }

    public func sleep(until deadline: Date) async throws {
        try Task.checkCancellation()
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Cancellation may have come before the sleeper was registered.
                var cancelled = Task.isCancelled
                let wakeNow = state.withLock { state -> Bool in
                    if state.cancelledBeforeSleeping.remove(id) != nil { cancelled = true }
                    if deadline <= state.now || cancelled { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if cancelled {
                    continuation.resume(throwing: CancellationError())
                } else if wakeNow {
                    continuation.resume()
                }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else {
                    state.cancelledBeforeSleeping.insert(id)
                    return nil
                }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock to `date` and wakes every sleeper whose deadline has come.
    public func advance(to date: Date) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = max(state.now, date)
            let due = state.sleepers.filter { $0.deadline <= state.now }
            state.sleepers.removeAll { $0.deadline <= state.now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Wakes every sleeper with `CancellationError` (used to stop a loop under test).
    public func cancelSleepers() {
        let all = state.withLock { state -> [Sleeper] in
            defer { state.sleepers.removeAll() }
            return state.sleepers
        }
        for sleeper in all { sleeper.continuation.resume(throwing: CancellationError()) }
    }

    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline anyone is sleeping until.
    public var nextDeadline: Date? { state.withLock { $0.sleepers.map(\.deadline).min() } }

    /// Returns once at least `count` tasks are asleep on this clock.
    public func waitForSleepers(_ count: Int = 1) async {
        while sleeperCount < count { await Task.yield() }
    }
}
