import Foundation
import Glibc

/// The service manager's side of sd_notify, for tests: an `AF_UNIX` `SOCK_DGRAM` socket
/// bound to a path or an abstract name, from which the test reads what the notifier sent.
///
/// Delivery on a Unix datagram socket is synchronous: when `sendto()` has returned in
/// the notifier, the datagram is already queued here, so ``receive()`` needs no wait and
/// never sleeps; it returns nil at once when nothing was sent.
public final class NotifyListener {
    /// The value to put in `NOTIFY_SOCKET` to reach this listener.
    public let notifySocket: String
    private var descriptor: Int32
    private let path: String?

    /// Binds a socket at `path` in the filesystem.
    public convenience init(path: String) throws {
        try self.init(notifySocket: path, sunPath: Array(path.utf8), path: path)
    }

    /// Binds an abstract socket; `NOTIFY_SOCKET` is `@` followed by `name`.
    public convenience init(abstractName name: String) throws {
        try self.init(notifySocket: "@" + name, sunPath: [0] + Array(name.utf8), path: nil)
    }

    private init(notifySocket: String, sunPath: [UInt8], path: String?) throws {
        self.notifySocket = notifySocket
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in sunPath.enumerated() {
                bytes[index] = byte
            }
        }
        // Abstract names are compared over the whole length, so it ends right after the
        // name, as systemd binds its own notify socket.
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        let length = socklen_t(pathOffset + sunPath.count + (path == nil ? 0 : 1))
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard result == 0 else {
            let error = errno
            close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: error) ?? .EIO)
        }
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
        }
        if let path {
            unlink(path)
        }
    }

    /// The next datagram as raw bytes, or nil when none is queued.
    public func receiveBytes() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        return count < 0 ? nil : Array(buffer[..<count])
    }

    /// The next datagram as text, or nil when none is queued.
    public func receive() -> String? {
        receiveBytes().map { String(decoding: $0, as: UTF8.self) }
    }

    /// Closes the socket but leaves its file in place, so sends fail with ECONNREFUSED.
    public func closeKeepingFile() {
        close(descriptor)
        // Never close twice: the number may already belong to another test's socket.
        descriptor = -1
    }
}
