import SchedulerTesting
import Glibc
import Systemd
import Testing

/// A notification that cannot be delivered is a thrown `NotifyError` that says what to
/// fix, never a crash.
@Suite("sd_notify errors")
struct NotifyErrorTests {
    /// The error `body` throws, failing the test when it throws none or another type.
    private func notifyError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> NotifyError? {
        do {
            try body()
            Issue.record("expected a NotifyError, nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as NotifyError {
            return error
        } catch {
            Issue.record("expected a NotifyError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    @Test("a socket path that does not exist: ENOENT, the path and what to do")
    func missingPath() throws {
        let directory = try TemporaryDirectory(under: "/tmp")
        let path = directory.appending("no-such-socket").path
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path])
        let error = try #require(notifyError { try notifier.ready() })
        #expect(error.code == .sendFailed)
        #expect(error.errorNumber == ENOENT)
        #expect(error.message.contains("NOTIFY_SOCKET '\(path)'"))
        #expect(error.message.contains("No such file or directory (errno \(ENOENT))"))
        #expect(error.message.contains("unset it"))
        #expect(error.description == error.message)
    }

    @Test("a socket file nobody listens on: ECONNREFUSED")
    func nobodyListening() throws {
        let directory = try TemporaryDirectory(under: "/tmp")
        let listener = try NotifyListener(path: directory.appending("stale").path)
        listener.closeKeepingFile()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.notifySocket])
        let error = try #require(notifyError { try notifier.watchdog() })
        #expect(error.code == .sendFailed)
        #expect(error.errorNumber == ECONNREFUSED)
        #expect(error.message.contains("nothing is listening"))
    }

    @Test("an abstract name nobody bound: ECONNREFUSED")
    func unboundAbstractName() throws {
        let name = "@schedulerd-test-unbound-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": name])
        let error = try #require(notifyError { try notifier.status("x") })
        #expect(error.code == .sendFailed)
        #expect(error.errorNumber == ECONNREFUSED)
        #expect(error.message.contains(name))
    }

    @Test(
        "a NOTIFY_SOCKET that is not an address is refused before any system call",
        arguments: [
            ("run/systemd/notify", NotifyError.Code.invalidAddress, "neither an absolute socket path"),
            ("@", .invalidAddress, "neither an absolute socket path"),
            ("vsock:2:1234", .unsupportedAddress, "AF_VSOCK"),
            ("/tmp/" + String(repeating: "s", count: 103), .addressTooLong, "108 bytes long, more than the 107"),
            ("@" + String(repeating: "a", count: 108), .addressTooLong, "108 bytes long, more than the 107"),
            ("/tmp/a\0b", .invalidAddress, "NUL byte"),
        ]
    )
    func invalidAddress(value: String, code: NotifyError.Code, phrase: String) throws {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": value])
        #expect(notifier.isEnabled)
        let error = try #require(notifyError { try notifier.ready() })
        #expect(error.code == code)
        #expect(error.errorNumber == nil)
        #expect(error.message.contains(phrase), "\(error.message)")
    }

    @Test("the longest path that fits is sent to (and fails only because nothing is there)")
    func longestPathFits() throws {
        let path = "/tmp/" + String(repeating: "s", count: 102)
        #expect(path.utf8.count == 107)
        let error = try #require(notifyError { try SystemdNotifier(environment: ["NOTIFY_SOCKET": path]).ready() })
        #expect(error.code == .sendFailed)
        #expect(error.errorNumber == ENOENT)
    }
}
