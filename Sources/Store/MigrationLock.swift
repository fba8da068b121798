#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// An exclusive `flock` on a file, held while a process migrates the database. Locks taken
/// through different opens of the file exclude each other, across processes and threads alike.
struct MigrationLock {
    struct Failed: Error, CustomStringConvertible {
        let path: String
        let code: Int32
        var description: String { "cannot lock \(path): \(String(cString: strerror(code)))" }
    }

    private let descriptor: Int32

    /// Blocks until the lock is held.
    init(path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failed(path: path, code: errno) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let code = errno
                close(descriptor)
                throw Failed(path: path, code: code)
            }
        }
        self.descriptor = descriptor
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
