import Daemon
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
