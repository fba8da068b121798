/// A notification that could not be delivered to the service manager.
///
/// `SystemdNotifier` never traps on a bad `NOTIFY_SOCKET` or a failed send: it throws
/// this error, whose ``message`` names the socket, the system error and what to check.
/// A daemon usually logs it and carries on; a missed `WATCHDOG=1` is retried at the
/// next ping, and systemd restarts the service if pings keep failing.
public struct NotifyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, stable across releases so callers can branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The name of the code, such as `sendFailed`.
        public let rawValue: String

        private init(_ rawValue: String) {
            self.rawValue = rawValue
        }

        /// `NOTIFY_SOCKET` is neither an absolute path nor an abstract name (`@name`).
        public static let invalidAddress = Code("invalidAddress")
        /// `NOTIFY_SOCKET` names a transport this notifier does not speak (`vsock:`).
        public static let unsupportedAddress = Code("unsupportedAddress")
        /// The socket path or abstract name does not fit in `sockaddr_un`.
        public static let addressTooLong = Code("addressTooLong")
        /// `socket(AF_UNIX, SOCK_DGRAM)` failed (descriptor limit, seccomp filter, ...).
        public static let socketFailed = Code("socketFailed")
        /// `sendto()` failed; ``NotifyError/errorNumber`` holds `errno`.
        public static let sendFailed = Code("sendFailed")

        /// The name of the code.
        public var description: String { rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// A sentence for a person: what failed, on which socket, and what to check.
    public let message: String
    /// The `errno` of the failed system call, when one failed.
    public let errorNumber: Int32?

    /// Creates an error; the notifier is the only producer outside tests.
    public init(code: Code, message: String, errorNumber: Int32? = nil) {
        self.code = code
        self.message = message
        self.errorNumber = errorNumber
    }

    /// The ``message``, so logging or printing the error shows the sentence.
    public var description: String { message }
}
