internal import Foundation
internal import Glibc

/// Tells systemd how the service is doing, through the sd_notify protocol.
///
/// A `Type=notify` service is started when it says `READY=1`, is restarted when it stops
/// sending `WATCHDOG=1` within `WatchdogSec=`, and shows its `STATUS=` text in
/// `systemctl status`. systemd passes the socket to talk to in `NOTIFY_SOCKET`; this type
/// writes the same datagrams as libsystemd's `sd_notify()`, in Swift, without linking
/// libsystemd.
///
/// Outside systemd (a terminal, `make run`, the tests) `NOTIFY_SOCKET` is unset and every
/// method does nothing, so the daemon calls them unconditionally:
///
/// ```swift
/// let notifier = SystemdNotifier()
/// try notifier.ready(status: "next transition 2026-12-24T18:00:00Z")
/// if let interval = notifier.watchdogInterval {
///     // ping from the timer loop at least this often
/// }
/// ```
///
/// Every method throws ``NotifyError`` when a message cannot be delivered; none traps.
/// The notifier is a value that reads its environment once, so it is `Sendable` and cheap
/// to copy into services.
public struct SystemdNotifier: Sendable {
    /// The environment variables systemd sets for the notify protocol.
    ///
    /// Remove them from the environment of commands the daemon starts: a child that
    /// inherits `NOTIFY_SOCKET` could otherwise speak for the service (`NotifyAccess=main`
    /// makes systemd ignore it, but the child would still see the variables).
    public static let environmentVariables: Set<String> = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]

    /// `NOTIFY_SOCKET`, or nil when unset or empty.
    let notifySocket: String?
    /// `WATCHDOG_USEC`, as set by systemd when the unit has `WatchdogSec=`.
    let watchdogMicroseconds: String?
    /// `WATCHDOG_PID`, the process the watchdog settings are meant for.
    let watchdogProcessID: String?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from this process's
    /// environment.
    public init() {
        self.init(environment: ProcessInfo.processInfo.environment)
    }

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    ///
    /// An empty `NOTIFY_SOCKET` counts as unset, so `NOTIFY_SOCKET= schedulerd serve`
    /// turns notifications off.
    public init(environment: [String: String]) {
        let socket = environment["NOTIFY_SOCKET"]
        notifySocket = socket?.isEmpty == false ? socket : nil
        watchdogMicroseconds = environment["WATCHDOG_USEC"]
        watchdogProcessID = environment["WATCHDOG_PID"]
    }

    /// Whether a service manager is listening: `NOTIFY_SOCKET` is set. When false, every
    /// method returns without doing anything.
    public var isEnabled: Bool {
        notifySocket != nil
    }

    /// Says the service has finished starting (`READY=1`), with an optional `STATUS=`.
    ///
    /// systemd holds back units ordered after this one, and `systemctl start` waits, until
    /// this arrives. Send it once the daemon can do its work; send it again after a reload
    /// to end the reloading state that ``reloading()`` began.
    public func ready(status: String? = nil) throws(NotifyError) {
        var message = NotifyMessage()
        message.append("READY", "1")
        if let status {
            message.append("STATUS", status)
        }
        try send(message)
    }

    /// Sets the one-line text that `systemctl status` shows (`STATUS=`).
    public func status(_ text: String) throws(NotifyError) {
        var message = NotifyMessage()
        message.append("STATUS", text)
        try send(message)
    }

    /// Tells the watchdog the service is alive (`WATCHDOG=1`).
    ///
    /// Send it at least every ``watchdogInterval``, from the code whose progress matters
    /// (the timer loop), not from a separate timer that would keep pinging while the loop
    /// is stuck.
    public func watchdog() throws(NotifyError) {
        var message = NotifyMessage()
        message.append("WATCHDOG", "1")
        try send(message)
    }

    /// Says the service is reloading its configuration (`RELOADING=1`), stamped with the
    /// current `CLOCK_MONOTONIC` time in `MONOTONIC_USEC=`.
    ///
    /// systemd 253 and later require the timestamp for `Type=notify-reload`, to tell this
    /// reload from an earlier one; older versions and `Type=notify` ignore it. Call
    /// ``ready(status:)`` when the reload has finished, whether it succeeded or not.
    public func reloading(status: String? = nil) throws(NotifyError) {
        var message = NotifyMessage()
        message.append("RELOADING", "1")
        message.append("MONOTONIC_USEC", String(Self.monotonicMicroseconds()))
        if let status {
            message.append("STATUS", status)
        }
        try send(message)
    }

    /// Says the service is shutting down (`STOPPING=1`), so `systemctl status` shows
    /// "deactivating" while in-flight work drains.
    public func stopping(status: String? = nil) throws(NotifyError) {
        var message = NotifyMessage()
        message.append("STOPPING", "1")
        if let status {
            message.append("STATUS", status)
        }
        try send(message)
    }

    /// Sends `message`, or does nothing when `NOTIFY_SOCKET` is unset.
    func send(_ message: NotifyMessage) throws(NotifyError) {
        guard let notifySocket else { return }
        let address = try NotifySocketAddress(parsing: notifySocket)
        try address.send(message.datagram)
    }

    /// `CLOCK_MONOTONIC` in microseconds, the clock systemd uses for `MONOTONIC_USEC=`.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        // Cannot fail for CLOCK_MONOTONIC with a valid pointer (clock_gettime(2)).
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
