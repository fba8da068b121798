import SchedulerTesting
import Foundation
import Glibc
import Systemd
import Testing

/// The datagrams each method sends, read back from a socket the test binds, byte for
/// byte: these are what systemd's manager parses.
@Suite("sd_notify datagrams")
struct SystemdNotifierTests {
    /// A listener on a filesystem socket in a fresh directory under /tmp, and a
    /// notifier pointed at it.
    private func pathListener() throws -> (TemporaryDirectory, NotifyListener, SystemdNotifier) {
        let directory = try TemporaryDirectory(under: "/tmp")
        let listener = try NotifyListener(path: directory.appending("notify").path)
        return (directory, listener, SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.notifySocket]))
    }

    @Test("ready() sends READY=1, with STATUS= when given")
    func ready() throws {
        let (directory, listener, notifier) = try pathListener()
        try notifier.ready()
        #expect(listener.receive() == "READY=1")
        try notifier.ready(status: "next transition 2026-12-24T18:00:00Z (office-hours CLOSED)")
        #expect(listener.receive() == "READY=1\nSTATUS=next transition 2026-12-24T18:00:00Z (office-hours CLOSED)")
        #expect(listener.receive() == nil, "one call, one datagram")
        withExtendedLifetime(directory) {}
    }

    @Test("status(_:) sends STATUS= alone")
    func status() throws {
        let (directory, listener, notifier) = try pathListener()
        try notifier.status("12 calendars, 40 rules; next transition in 3h")
        #expect(listener.receive() == "STATUS=12 calendars, 40 rules; next transition in 3h")
        withExtendedLifetime(directory) {}
    }

    @Test("watchdog() sends WATCHDOG=1")
    func watchdog() throws {
        let (directory, listener, notifier) = try pathListener()
        try notifier.watchdog()
        #expect(listener.receive() == "WATCHDOG=1")
        withExtendedLifetime(directory) {}
    }

    @Test("stopping() sends STOPPING=1, with STATUS= when given")
    func stopping() throws {
        let (directory, listener, notifier) = try pathListener()
        try notifier.stopping()
        #expect(listener.receive() == "STOPPING=1")
        try notifier.stopping(status: "draining 3 deliveries")
        #expect(listener.receive() == "STOPPING=1\nSTATUS=draining 3 deliveries")
        withExtendedLifetime(directory) {}
    }

    @Test("reloading() sends RELOADING=1 and MONOTONIC_USEC= read from CLOCK_MONOTONIC at the call")
    func reloading() throws {
        let (directory, listener, notifier) = try pathListener()
        let before = monotonicMicroseconds()
        try notifier.reloading()
        let after = monotonicMicroseconds()
        let lines = try #require(listener.receive()).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2)
        #expect(lines.first == "RELOADING=1")
        let stamp = try #require(lines.last?.split(separator: "=", maxSplits: 1))
        #expect(stamp.first == "MONOTONIC_USEC")
        let microseconds = try #require(stamp.last.flatMap { UInt64($0) }, "MONOTONIC_USEC is a decimal integer")
        #expect((before...after).contains(microseconds), "\(microseconds) not within [\(before), \(after)]")

        try notifier.reloading(status: "reloading /etc/schedulerd/schedulerd.yaml")
        let withStatus = try #require(listener.receive()).split(separator: "\n")
        #expect(withStatus.count == 3)
        #expect(withStatus.first == "RELOADING=1")
        #expect(withStatus.last == "STATUS=reloading /etc/schedulerd/schedulerd.yaml")
        withExtendedLifetime(directory) {}
    }

    @Test("an abstract socket (@name) receives the same datagrams")
    func abstractSocket() throws {
        let listener = try NotifyListener(abstractName: "schedulerd-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        #expect(listener.notifySocket.hasPrefix("@"))
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.notifySocket])
        #expect(notifier.isEnabled)
        try notifier.ready(status: "abstract")
        try notifier.watchdog()
        try notifier.stopping()
        #expect(listener.receive() == "READY=1\nSTATUS=abstract")
        #expect(listener.receive() == "WATCHDOG=1")
        #expect(listener.receive() == "STOPPING=1")
        #expect(listener.receive() == nil)
    }

    @Test("a newline or NUL in STATUS= cannot add an assignment or make systemd drop the message")
    func statusIsSanitized() throws {
        let (directory, listener, notifier) = try pathListener()
        try notifier.status("line one\nREADY=1\r\nMAINPID=1\0end")
        #expect(listener.receive() == "STATUS=line one READY=1  MAINPID=1 end")
        withExtendedLifetime(directory) {}
    }

    @Test("a STATUS= too long for systemd's 4096-byte buffer is cut at a character boundary")
    func longStatusIsShortened() throws {
        let (directory, listener, notifier) = try pathListener()
        // "READY=1\nSTATUS=" is 15 bytes and "é" is 2, so 2040 of them (4080 bytes) fit
        // in 4096 and the 2041st would not.
        try notifier.ready(status: String(repeating: "é", count: 5000))
        let bytes = try #require(listener.receiveBytes())
        #expect(bytes.count == 4095)
        #expect(String(validating: bytes, as: UTF8.self) == "READY=1\nSTATUS=" + String(repeating: "é", count: 2040))

        let fits = String(repeating: "x", count: 4096 - 7)
        try notifier.status(fits)
        #expect(listener.receive() == "STATUS=" + fits, "a datagram of exactly 4096 bytes is sent whole")
        withExtendedLifetime(directory) {}
    }

    @Test("without NOTIFY_SOCKET every method is a no-op", arguments: [[:], ["NOTIFY_SOCKET": ""]])
    func noSocket(environment: [String: String]) throws {
        let notifier = SystemdNotifier(environment: environment)
        #expect(!notifier.isEnabled)
        try notifier.ready(status: "ready")
        try notifier.status("status")
        try notifier.watchdog()
        try notifier.reloading()
        try notifier.stopping()
    }

    @Test("the default initializer reads this process's environment")
    func processEnvironment() {
        let expected = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"].map { !$0.isEmpty } ?? false
        #expect(SystemdNotifier().isEnabled == expected)
    }

    // Skipped without systemd's own client; the exact-content tests above still pin the
    // format.
    @Test(
        "the datagrams match systemd-notify's for the same messages",
        .enabled(if: executablePath("systemd-notify") != nil, "systemd-notify is not installed")
    )
    func matchesSystemdNotify() throws {
        let systemdNotify = try #require(executablePath("systemd-notify"))
        let (directory, listener, notifier) = try pathListener()
        let cases: [(arguments: [String], send: () throws -> Void)] = [
            (["--ready", "--status=calendars loaded"], { try notifier.ready(status: "calendars loaded") }),
            (["--status=next transition in 5m"], { try notifier.status("next transition in 5m") }),
            (["WATCHDOG=1"], { try notifier.watchdog() }),
            (["STOPPING=1"], { try notifier.stopping() }),
        ]
        for (arguments, send) in cases {
            // --no-block: do not wait for the BARRIER=1 handshake, which needs a real
            // service manager to answer.
            let result = try run(
                systemdNotify, ["--no-block"] + arguments,
                environment: ["NOTIFY_SOCKET": listener.notifySocket, "PATH": "/usr/bin:/bin"]
            )
            #expect(result.status == 0, "systemd-notify \(arguments): \(result.output)")
            let reference = listener.receive()
            try send()
            #expect(listener.receive() == reference, "for systemd-notify \(arguments.joined(separator: " "))")
        }
        withExtendedLifetime(directory) {}
    }
}

/// `CLOCK_MONOTONIC` in microseconds, read independently of the notifier.
func monotonicMicroseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
}
