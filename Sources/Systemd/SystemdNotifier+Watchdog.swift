internal import Glibc

extension SystemdNotifier {
    /// How often to call ``watchdog()``: half of the unit's `WatchdogSec=`, or nil when
    /// the watchdog is off for this process.
    ///
    /// systemd sets `WATCHDOG_USEC` to `WatchdogSec=` in microseconds and recommends a ping
    /// at half that (sd_watchdog_enabled(3)), so one late ping is not fatal. The result is
    /// nil, as in libsystemd, when `WATCHDOG_USEC` is unset, not a positive integer, or when
    /// `WATCHDOG_PID` is set to another process (the variables were inherited from a
    /// parent that was the one being watched).
    public var watchdogInterval: Duration? {
        guard let watchdogMicroseconds,
              let microseconds = Int64(watchdogMicroseconds), microseconds > 0
        else { return nil }
        if let watchdogProcessID {
            guard let processID = pid_t(watchdogProcessID), processID == getpid() else { return nil }
        }
        return .microseconds(microseconds) / 2
    }
}
