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
        var address = loopbackAddress(port: 0)
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

/// 127.0.0.1 at `port` (0: the kernel picks one at bind).
private func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = port.bigEndian
    return address
}

/// A real HTTP proxy on a loopback port that tunnels CONNECT requests, as squid or tinyproxy
/// do, and records each request head it was sent.
final class ConnectProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let heads = Mutex<[String]>([])

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 16) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        try #require(listening)
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(descriptor, nil, nil)
                if client < 0 { return }
                Thread.detachNewThread { self.tunnel(client) }
            }
        }
    }

    var requestHeads: [String] { heads.withLock { $0 } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func tunnel(_ client: Int32) {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while head.count < 8192, read(client, &byte, 1) == 1 {
            head.append(byte)
            if head.suffix(4) == [13, 10, 13, 10] { break }
        }
        let text = String(decoding: head, as: UTF8.self)
        heads.withLock { $0.append(text) }
        let requestLine = text.split(separator: "\r\n").first?.split(separator: " ") ?? []
        guard requestLine.count == 3, requestLine[0] == "CONNECT", let port = requestLine[1].split(separator: ":").last.flatMap({ UInt16($0) }) else {
            _ = "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".withCString { write(client, $0, strlen($0)) }
            close(client)
            return
        }
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopbackAddress(port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        let reply = connected ? "HTTP/1.1 200 Connection established\r\n\r\n" : "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"
        _ = reply.withCString { write(client, $0, strlen($0)) }
        guard connected else {
            close(upstream)
            close(client)
            return
        }
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            Self.pump(from: upstream, to: client)
            done.signal()
        }
        Self.pump(from: client, to: upstream)
        done.wait()
        close(upstream)
        close(client)
    }

    private static func pump(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = read(source, &buffer, buffer.count)
            if count <= 0 || write(destination, buffer, count) != count { break }
        }
        shutdown(destination, Int32(SHUT_WR))
    }
}

@Suite("Webhook proxies")
struct WebhookProxyTests {
    private func host(_ settings: WebhookProxySettings, _ address: String) -> String? {
        switch settings.proxy(for: address) {
        case nil: nil
        case .success(let proxy): "\(proxy.host):\(proxy.port)"
        case .failure(let unusable): "unusable: \(unusable.reason)"
        }
    }

    @Test("curl's variables: http_proxy in lower case only, https_proxy in either, all_proxy behind both, port 1080 by default")
    func variables() {
        let lowerOnly = WebhookProxySettings(environment: ["HTTP_PROXY": "http://upper:1", "https_proxy": "proxy.example"])
        #expect(host(lowerOnly, "http://hooks.example.com/x") == nil)
        #expect(host(lowerOnly, "https://hooks.example.com/x") == "proxy.example:1080")

        let both = WebhookProxySettings(environment: ["http_proxy": "http://web:3128", "HTTPS_PROXY": "http://tls:3129", "all_proxy": "http://any:9"])
        #expect(host(both, "http://a.example/x") == "web:3128")
        #expect(host(both, "https://a.example/x") == "tls:3129")

        let fallback = WebhookProxySettings(environment: ["ALL_PROXY": "http://any:9"])
        #expect(host(fallback, "http://a.example/x") == "any:9")
        #expect(host(fallback, "https://a.example/x") == "any:9")

        #expect(host(WebhookProxySettings(environment: [:]), "https://a.example/x") == nil)
        #expect(host(WebhookProxySettings(environment: ["https_proxy": "  "]), "https://a.example/x") == nil)
    }

    @Test("no_proxy: a host, the names under a domain with or without its dot, and * for all")
    func noProxy() {
        let settings = WebhookProxySettings(environment: ["https_proxy": "http://p:1", "NO_PROXY": "localhost, .internal.example,example.org"])
        #expect(host(settings, "https://localhost:8443/x") == nil)
        #expect(host(settings, "https://hooks.internal.example/x") == nil)
        #expect(host(settings, "https://internal.example/x") == nil)
        #expect(host(settings, "https://EXAMPLE.org/x") == nil)
        #expect(host(settings, "https://sub.example.org/x") == nil)
        #expect(host(settings, "https://notexample.org/x") == "p:1")
        #expect(host(settings, "https://hooks.example.com/x") == "p:1")
        #expect(host(WebhookProxySettings(environment: ["https_proxy": "http://p:1", "no_proxy": "*"]), "https://a.example/x") == nil)
    }

    @Test("a proxy value that cannot be used fails the webhook with the variable's name, and credentials become Basic authorization")
    func unusableAndCredentials() async {
        let socks = WebhookProxySettings(environment: ["https_proxy": "socks5://p:1080"])
        #expect(host(socks, "https://a.example/x") == "unusable: https_proxy 'socks5://p:1080': only http:// proxies are supported")
        let outcome = await WebhookPoster.post("{}", to: "https://a.example/x", timeout: 1, idempotencyKey: "k", proxies: socks)
        #expect(!outcome.succeeded)
        #expect(outcome.output == "POST https://a.example/x: https_proxy 'socks5://p:1080': only http:// proxies are supported")

        let empty = WebhookProxySettings(environment: ["http_proxy": "http://:3128"])
        #expect(host(empty, "http://a.example/x")?.hasPrefix("unusable: http_proxy 'http://:3128' is not a proxy address") == true)

        let credentials = WebhookProxySettings(environment: ["https_proxy": "http://ops:s%40cret@p:3128"])
        guard case .success(let proxy) = credentials.proxy(for: "https://a.example/x") else {
            Issue.record("no proxy")
            return
        }
        #expect(proxy.authorization == .basic(username: "ops", password: "s@cret"))
    }

    @Test("a webhook goes through the proxy with CONNECT and arrives; a host in no_proxy goes direct")
    func throughARealProxy() async throws {
        let receiver = try await WebhookReceiver(failures: 0)
        defer { receiver.stop() }
        let proxy = try ConnectProxy()
        defer { proxy.stop() }
        let address = "http://127.0.0.1:\(receiver.port)/hook"
        let settings = WebhookProxySettings(environment: ["http_proxy": "http://127.0.0.1:\(proxy.port)"])
        let outcome = await WebhookPoster.post(#"{"via":"proxy"}"#, to: address, timeout: 5, idempotencyKey: "k1", proxies: settings)
        #expect(outcome.succeeded, "\(outcome.output)")
        #expect(proxy.requestHeads.count == 1)
        #expect(proxy.requestHeads.first?.hasPrefix("CONNECT 127.0.0.1:\(receiver.port) HTTP/1.1\r\n") == true)
        #expect(receiver.requests.map(\.body) == [#"{"via":"proxy"}"#])

        let bypass = WebhookProxySettings(environment: ["http_proxy": "http://127.0.0.1:\(proxy.port)", "no_proxy": "127.0.0.1"])
        let direct = await WebhookPoster.post(#"{"via":"direct"}"#, to: address, timeout: 5, idempotencyKey: "k2", proxies: bypass)
        #expect(direct.succeeded, "\(direct.output)")
        #expect(proxy.requestHeads.count == 1)
        #expect(receiver.requests.map(\.body) == [#"{"via":"proxy"}"#, #"{"via":"direct"}"#])
    }
}
