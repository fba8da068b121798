@testable import Daemon
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import SchedulerTesting
import Store
import Synchronization
import Testing

/// A real HTTP receiver on a loopback port: records what arrives and answers 503 to the
/// first `failures` requests, then 200.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let path: String
        let body: String
        let idempotencyKey: String?
        let contentType: String?
    }

    /// What arrived, and how many more requests to fail.
    final class Recorder: Sendable {
        let received = Mutex<[Received]>([])
        let failuresLeft: Mutex<Int>
        init(failures: Int) { failuresLeft = Mutex(failures) }
    }

    private let task: Task<Void, any Error>
    private let recorder: Recorder
    let port: Int

    init(failures: Int) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let recorder = Recorder(failures: failures)
        let router = Router()
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        router.post("/hook") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            recorder.received.withLock {
                $0.append(Received(path: request.uri.path, body: String(buffer: body),
                                   idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!],
                                   contentType: request.headers[.contentType]))
            }
            let fail = recorder.failuresLeft.withLock { left -> Bool in
                defer { left -= 1 }
                return left > 0
            }
            return Response(status: fail ? .serviceUnavailable : .ok)
        }
        // Misbehaving receivers for the poster's own tests.
        router.post("/slow") { _, _ -> Response in
            try await Task.sleep(for: .seconds(30))
            return Response(status: .ok)
        }
        router.post("/dribble") { _, _ -> Response in
            Response(status: .ok, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "first chunk"))
                try await Task.sleep(for: .seconds(30))
                try await writer.finish(nil)
            })
        }
        router.post("/big") { _, _ -> Response in
            Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: 100_000)))
        }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await application.run() }
        var iterator = ports.makeAsyncIterator()
        port = await iterator.next() ?? 0
        self.task = task
        self.recorder = recorder
    }

    var requests: [Received] { recorder.received.withLock { $0 } }

    func stop() { task.cancel() }
}

@Suite("Webhook targets")
struct WebhookDeliveryTests {
    @Test("a webhook gets the event as JSON with its idempotency key, and a 503 is retried with backoff until it succeeds")
    func retriedUntilDelivered() async throws {
        let receiver = try await WebhookReceiver(failures: 1)
        defer { receiver.stop() }
        let database = try SchedulerDatabase(DatabaseQueue())
        let target = TargetDefinition(id: "hook", kind: .webhook, url: "http://127.0.0.1:\(receiver.port)/hook", timeoutSeconds: 5,
                                      maximumRetryAttempts: 3)
        let rule = RuleRecord(name: "to-hook", description: "", state: "ENABLED", eventPattern: #"{"source":["test"]}"#,
                              scheduleExpression: nil, origin: "api", targets: TargetDefinition.encodeList([target]))
        try database.reconcileRules([rule], origin: .api)
        let state = RuntimeState(calendars: [:], rules: try RuleBook(records: try database.rules()))
        let clock = ManualWallClock(now: at("2026-12-01T00:00:00Z"))
        let event = try EventEnvelope(detailType: "Test", source: "test", account: "123456789012", region: "us-east-1",
                                      time: clock.now(), resources: [], detailJSON: #"{"n":1}"#)
        let deliveries = state.rules.deliveries(for: event, now: clock.now())
        #expect(deliveries.count == 1)
        try database.recordEvent(StoredEvent(id: event.id, dedupeKey: "test:\(event.id)", time: event.time.timeIntervalSince1970,
                                             source: event.source, detailType: event.detailType, body: event.json,
                                             recordedAt: event.time.timeIntervalSince1970, deliverable: true),
                                 deliveries: deliveries)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let service = DeliveryService(clock: clock, database: database, state: state, logger: logger, idleWake: 3600)
        let running = Task { try await service.run() }
        defer { running.cancel(); clock.cancelSleepers() }

        func delivery() throws -> DeliveryRecord? { try database.events(since: nil).first?.deliveries.first }
        // The first attempt is real HTTP: wait (bounded, real time) for it to be recorded as failed.
        for _ in 0..<500 where try delivery()?.status != .failed { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try delivery()?.status == .failed)
        #expect(try delivery()?.attempts == 1)
        #expect(receiver.requests.count == 1)
        // The retry is due one second later on the daemon's clock.
        await clock.waitForSleepers(1)
        #expect(clock.nextDeadline == at("2026-12-01T00:00:01Z"))
        clock.advance(to: at("2026-12-01T00:00:01Z"))
        for _ in 0..<500 where try delivery()?.status != .delivered { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try delivery()?.status == .delivered)
        #expect(try delivery()?.attempts == 2)

        let requests = receiver.requests
        #expect(requests.count == 2)
        for request in requests {
            #expect(request.body == event.json)
            #expect(request.idempotencyKey == "\(event.id):hook")
            #expect(request.contentType?.hasPrefix("application/json") == true)
        }
    }
}

@Suite("Webhook poster")
struct WebhookPosterTests {
    /// How long a call took on the real clock: the poster's timeout must end the exchange,
    /// not the receiver's 30 s sleep.
    private func timed(_ body: () async -> TargetRunner.Outcome) async -> (TargetRunner.Outcome, Duration) {
        let start = ContinuousClock.now
        let outcome = await body()
        return (outcome, ContinuousClock.now - start)
    }

    @Test("a receiver that never answers is cut off at the target's timeout")
    func noAnswerTimesOut() async throws {
        let receiver = try await WebhookReceiver(failures: 0)
        defer { receiver.stop() }
        let (outcome, took) = await timed {
            await WebhookPoster.post("{}", to: "http://127.0.0.1:\(receiver.port)/slow", timeout: 0.3, idempotencyKey: "k")
        }
        #expect(!outcome.succeeded)
        #expect(!outcome.permanent)
        #expect(outcome.output.contains("timed out after 0.3 s"), "\(outcome.output)")
        #expect(took < .seconds(10))
    }

    @Test("a receiver that sends its head and then stalls the body is cut off at the same timeout")
    func stalledBodyTimesOut() async throws {
        let receiver = try await WebhookReceiver(failures: 0)
        defer { receiver.stop() }
        let (outcome, took) = await timed {
            await WebhookPoster.post("{}", to: "http://127.0.0.1:\(receiver.port)/dribble", timeout: 0.5, idempotencyKey: "k")
        }
        #expect(!outcome.succeeded)
        #expect(outcome.output.contains("timed out after 0.5 s"), "\(outcome.output)")
        #expect(took < .seconds(10))
    }

    @Test("an https address whose server speaks plain HTTP fails in the TLS handshake, with the reason")
    func httpsToPlainServerFails() async throws {
        let receiver = try await WebhookReceiver(failures: 0)
        defer { receiver.stop() }
        let outcome = await WebhookPoster.post("{}", to: "https://127.0.0.1:\(receiver.port)/hook", timeout: 5, idempotencyKey: "k")
        #expect(!outcome.succeeded)
        #expect(outcome.output.hasPrefix("POST https://127.0.0.1:\(receiver.port)/hook failed:"), "\(outcome.output)")
        #expect(receiver.requests.isEmpty)
    }

    @Test("a long response body is kept to its first 4096 bytes; a timeout of centuries is taken as a day, not a trap")
    func longBodyTruncated() async throws {
        let receiver = try await WebhookReceiver(failures: 0)
        defer { receiver.stop() }
        let outcome = await WebhookPoster.post("{}", to: "http://127.0.0.1:\(receiver.port)/big", timeout: 1e12, idempotencyKey: "k")
        #expect(outcome.succeeded)
        #expect(outcome.output == "HTTP 200 " + String(repeating: "x", count: WebhookPoster.keptBodyBytes))
    }

    /// A loopback port that nothing listens on: bound by the kernel's choice, then closed.
    private static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("a refused connection fails and is retried; an address that is not http or https fails for good")
    func unreachableAndNonHTTP() async throws {
        let port = try Self.closedPort()
        let refused = await WebhookPoster.post("{}", to: "http://127.0.0.1:\(port)/hook", timeout: 0.5, idempotencyKey: "k")
        #expect(!refused.succeeded)
        #expect(!refused.permanent)
        #expect(refused.output.hasPrefix("POST http://127.0.0.1:\(port)/hook failed:"), "\(refused.output)")
        #expect(refused.output.contains("Connection refused"), "\(refused.output)")

        let socket = await WebhookPoster.post("{}", to: "unix:///run/schedulerd.sock", timeout: 5, idempotencyKey: "k")
        #expect(!socket.succeeded)
        #expect(socket.permanent)
        #expect(socket.output.contains("starts with http:// or https://"))
    }
}
