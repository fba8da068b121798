import Glibc
import Systemd
import Testing

/// `watchdogInterval` is half of `WATCHDOG_USEC`, for this process only.
@Suite("watchdog interval")
struct WatchdogIntervalTests {
    @Test("WatchdogSec=30s (WATCHDOG_USEC=30000000) means a ping every 15 s")
    func halfOfWatchdogSec() {
        let notifier = SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000"])
        #expect(notifier.watchdogInterval == .seconds(15))
    }

    @Test("an odd number of microseconds is halved exactly")
    func oddMicroseconds() {
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "3"]).watchdogInterval == .nanoseconds(1_500))
    }

    @Test("WATCHDOG_PID naming this process keeps the watchdog on")
    func matchingProcess() {
        let notifier = SystemdNotifier(environment: ["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": String(getpid())])
        #expect(notifier.watchdogInterval == .seconds(10))
    }

    @Test("WATCHDOG_PID naming another process (inherited from a parent) turns it off")
    func otherProcess() {
        let notifier = SystemdNotifier(environment: ["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": String(getpid() + 1)])
        #expect(notifier.watchdogInterval == nil)
    }

    @Test(
        "no interval when WATCHDOG_USEC is missing or not a positive integer, or WATCHDOG_PID is garbage",
        arguments: [
            [:],
            ["WATCHDOG_PID": "1"],
            ["WATCHDOG_USEC": ""],
            ["WATCHDOG_USEC": "0"],
            ["WATCHDOG_USEC": "-30000000"],
            ["WATCHDOG_USEC": "30s"],
            ["WATCHDOG_USEC": "99999999999999999999"],
            ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "self"],
            ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": ""],
        ]
    )
    func disabled(environment: [String: String]) {
        #expect(SystemdNotifier(environment: environment).watchdogInterval == nil)
    }

    @Test("the watchdog interval does not depend on NOTIFY_SOCKET")
    func independentOfSocket() {
        let notifier = SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000", "NOTIFY_SOCKET": "@x"])
        #expect(notifier.watchdogInterval == .milliseconds(500))
    }
}
