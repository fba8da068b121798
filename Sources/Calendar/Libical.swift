import CLibical
import Foundation

/// The one door into libical.
///
/// libical 3.0.16 keeps process-wide mutable state (the builtin time-zone list, which it
/// scans and appends to without a lock; the zone-coverage year; the error state), so every
/// call into it, from any module or thread, goes through `serialized`. The lock is
/// recursive because compiling a calendar resolves zones, which is itself serialized.
enum Libical {
    private static let lock = NSRecursiveLock()

    static func serialized<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Copies a C string libical returned (often from its ring buffer, which is reused)
    /// into a Swift string at once.
    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
