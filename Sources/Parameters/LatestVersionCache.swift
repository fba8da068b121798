import Store
import Synchronization

/// The latest version of recently read parameters, so the common read (GetParameter by name)
/// needs no database round trip. Holds what the database holds (a SecureString's ciphertext,
/// never its value).
///
/// Correct under concurrent writers because every change invalidates its key after it has
/// committed, and a reader may store what it read only if no invalidation of that key came
/// between taking its `token` (before reading the database) and storing: a read that raced a
/// write is simply not cached. The Parameter Store is the only writer of its tables.
final class LatestVersionCache: Sendable {
    typealias Entry = (parameter: ParameterRecord, latest: ParameterVersionRecord)

    struct Token: Equatable {
        fileprivate let epoch: UInt64
        fileprivate let generation: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Bumped by each invalidation of a key; a key never invalidated is at 0.
        var generations: [String: UInt64] = [:]
        var counter: UInt64 = 0
        /// Bumped when everything is dropped, so no older token matches again.
        var epoch: UInt64 = 0
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The cached entry, if any, and the token to store a fresh read with.
    func lookup(_ key: String) -> (entry: Entry?, token: Token) {
        state.withLock { state in
            (state.entries[key], Token(epoch: state.epoch, generation: state.generations[key] ?? 0))
        }
    }

    /// Keeps `entry` unless `key` changed since `token` was taken.
    func store(_ key: String, _ entry: Entry, token: Token) {
        state.withLock { state in
            guard token == Token(epoch: state.epoch, generation: state.generations[key] ?? 0) else { return }
            if state.entries.count >= capacity || state.generations.count >= 4 * capacity {
                state.entries.removeAll(keepingCapacity: true)
                state.generations.removeAll(keepingCapacity: true)
                state.epoch += 1
                return
            }
            state.entries[key] = entry
        }
    }

    /// Forgets `key`: call after every committed change to it.
    func invalidate(_ key: String) {
        state.withLock { state in
            state.counter += 1
            state.generations[key] = state.counter
            state.entries[key] = nil
        }
    }

    /// Forgets everything.
    func invalidateAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.generations.removeAll()
            state.epoch += 1
        }
    }
}
