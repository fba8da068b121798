internal import Glibc

/// Where `NOTIFY_SOCKET` points: a filesystem path or a Linux abstract socket name.
///
/// Parsing follows libsystemd's `sd_pid_notify_with_fds()`: a value starting with `/` is
/// a path, one starting with `@` is an abstract name (the `@` becomes the leading NUL of
/// `sun_path`). Both must leave room in the 108-byte `sun_path`, so at most 107 bytes of
/// name. systemd 254 added `vsock:CID:PORT` (and `vsock-stream:`, ...) for virtual
/// machines; it is refused with a clear error rather than misread as a path.
struct NotifySocketAddress: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case path
        case abstract
    }

    /// The most bytes of path or abstract name that `sun_path` can hold (108 minus the
    /// terminating NUL of a path, or minus the leading NUL of an abstract name).
    static let maximumNameLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    let kind: Kind
    /// The path, or the abstract name without its `@`, as bytes.
    let name: [UInt8]
    /// `NOTIFY_SOCKET` exactly as found, for error messages.
    let rawValue: String

    init(parsing value: String) throws(NotifyError) {
        rawValue = value
        if value.hasPrefix("/") {
            kind = .path
            name = Array(value.utf8)
        } else if value.hasPrefix("@"), value.utf8.count > 1 {
            kind = .abstract
            name = Array(value.utf8.dropFirst())
        } else if value.hasPrefix("vsock") {
            throw NotifyError(
                code: .unsupportedAddress,
                message: "NOTIFY_SOCKET '\(value)' is an AF_VSOCK address, which schedulerd does not support; "
                    + "run it in the VM with a local service manager, or unset NOTIFY_SOCKET"
            )
        } else {
            throw NotifyError(
                code: .invalidAddress,
                message: "NOTIFY_SOCKET '\(value)' is neither an absolute socket path (/run/...) "
                    + "nor an abstract socket name (@name); fix the variable or unset it"
            )
        }
        if name.contains(0) {
            throw NotifyError(
                code: .invalidAddress,
                message: "NOTIFY_SOCKET '\(value)' contains a NUL byte; fix the variable or unset it"
            )
        }
        if name.count > Self.maximumNameLength {
            throw NotifyError(
                code: .addressTooLong,
                message: "NOTIFY_SOCKET '\(value)' is \(name.count) bytes long, more than the "
                    + "\(Self.maximumNameLength) an AF_UNIX address holds; use a shorter path"
            )
        }
    }

    /// Calls `body` with this address as a `sockaddr_un` and its exact length.
    ///
    /// The length matters for abstract names: the kernel compares all `length` bytes, so
    /// it must end right after the name, with no trailing NUL, exactly as systemd binds it.
    func withSocketAddress<Result>(
        _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result
    ) rethrows -> Result {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let nameOffset = kind == .abstract ? 1 : 0
        withUnsafeMutableBytes(of: &address.sun_path) { pathBytes in
            // sockaddr_un() is zeroed, so the abstract name's leading NUL and a path's
            // terminating NUL are already in place.
            for (index, byte) in name.enumerated() {
                pathBytes[nameOffset + index] = byte
            }
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        let length: Int
        switch kind {
        case .path: length = pathOffset + name.count + 1
        case .abstract: length = pathOffset + 1 + name.count
        }
        return try withUnsafePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                try body(socketAddress, socklen_t(length))
            }
        }
    }
}
