#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a pthread mutex, for state that many threads touch at once.
///
/// `Synchronization.Mutex` on Linux spins 1,000 `pause` instructions before it sleeps (tens of
/// microseconds), then takes a priority-inheriting futex. The automation executor runs 64
/// threads on a machine with far fewer cores: a waiter spinning there mostly burns the time
/// slice the holder needs to finish. During a 10,000-instance stop that spin was 4-5 % of the
/// daemon's CPU. A plain pthread mutex puts the waiter to sleep at once.
///
/// Keep the critical section short, and return anything expensive to release out of it.
public final class BlockingLock<Value> {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

/// The mutex makes every access exclusive; the value itself must be safe to hand between threads.
extension BlockingLock: @unchecked Sendable where Value: Sendable {}
