internal import Glibc

extension NotifySocketAddress {
    /// Sends one datagram to this address from a fresh, unbound `AF_UNIX` `SOCK_DGRAM`
    /// socket, closed again before returning.
    ///
    /// A socket per message is what libsystemd does too: notifications are rare (a
    /// watchdog ping every few seconds at most), there is no descriptor to leak into
    /// children or to share between threads, and the notifier stays a plain value.
    ///
    /// The send does not block (`MSG_DONTWAIT`): if the service manager's queue is full
    /// the caller gets `EAGAIN` as an error instead of a stalled thread, which matters when
    /// the caller is an async task on the cooperative pool. `MSG_NOSIGNAL` keeps a vanished
    /// peer from raising `SIGPIPE`.
    func send(_ datagram: [UInt8]) throws(NotifyError) {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            let error = errno
            throw NotifyError(
                code: .socketFailed,
                message: "cannot create an AF_UNIX datagram socket to notify systemd at '\(rawValue)': "
                    + "\(Self.describe(errno: error)); check the descriptor limit (LimitNOFILE=) "
                    + "and that RestrictAddressFamilies= allows AF_UNIX",
                errorNumber: error
            )
        }
        defer { close(descriptor) }

        var sent: Int
        var error: Int32 = 0
        repeat {
            sent = datagram.withUnsafeBytes { bytes in
                withSocketAddress { address, length in
                    sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT), address, length)
                }
            }
            error = sent < 0 ? errno : 0
        } while sent < 0 && error == EINTR

        guard sent >= 0 else {
            throw NotifyError(
                code: .sendFailed,
                message: "cannot notify systemd at NOTIFY_SOCKET '\(rawValue)': "
                    + "\(Self.describe(errno: error)); \(Self.hint(errno: error))",
                errorNumber: error
            )
        }
        // A datagram is sent whole or not at all; a short count would mean the kernel
        // changed its contract, and systemd would read a truncated message.
        guard sent == datagram.count else {
            throw NotifyError(
                code: .sendFailed,
                message: "cannot notify systemd at NOTIFY_SOCKET '\(rawValue)': only \(sent) of "
                    + "\(datagram.count) bytes were sent"
            )
        }
    }

    /// `strerror` text and the number, such as "No such file or directory (errno 2)".
    /// glibc's `strerror` is thread-safe since 2.32 for known error numbers.
    static func describe(errno error: Int32) -> String {
        "\(String(cString: strerror(error))) (errno \(error))"
    }

    /// What a person should check for the errors a notify socket actually produces.
    static func hint(errno error: Int32) -> String {
        switch error {
        case ENOENT:
            "no socket exists at that path: the service manager that set NOTIFY_SOCKET has "
                + "gone, or the variable leaked into a process it did not start; unset it"
        case ECONNREFUSED:
            "nothing is listening on that socket: the service manager that set NOTIFY_SOCKET "
                + "has gone, or the variable leaked into a process it did not start; unset it"
        case EACCES, EPERM:
            "permission denied: the socket's directory or the socket itself is not writable "
                + "by this user"
        case EAGAIN:
            "the service manager's notification queue is full; the message is dropped and the "
                + "next one will be tried"
        case EMSGSIZE:
            "the message is larger than the socket accepts"
        default:
            "check that the service manager that set NOTIFY_SOCKET is running"
        }
    }
}
