import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SchedulerCore

/// POSTs an event to a webhook target through AsyncHTTPClient on the daemon's NIO event
/// loops. Not URLSession: on Linux that is FoundationNetworking over libcurl, which loads
/// some thirty shared libraries (gnutls, OpenSSL, Kerberos, LDAP, ...) into the daemon
/// whether or not it ever calls a webhook, about 6 MB of an idle daemon's resident memory.
enum WebhookPoster {
    /// At most this much of the response body is kept in the delivery's output.
    static let keptBodyBytes = 4096

    /// One client per proxy (nil: direct), each with the shared client's settings (redirects,
    /// decompression) but no retried connection attempts: a refused connection fails the
    /// attempt at once with its reason, and the delivery's own backoff decides when to try
    /// again. They live as long as the process. A redirect stays on the client it started on.
    private static let clients = BlockingLock<[HTTPClient.Configuration.Proxy?: HTTPClient]>([:])

    static func client(through proxy: HTTPClient.Configuration.Proxy?) -> HTTPClient {
        clients.withLock { clients in
            if let client = clients[proxy] { return client }
            var configuration = HTTPClient.Configuration.singletonConfiguration
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.proxy = proxy
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[proxy] = client
            return client
        }
    }

    /// The timeout bounds the whole exchange, the response body included (AsyncHTTPClient's
    /// own deadline ends once the response head has arrived).
    static func post(_ payload: String, to address: String, timeout: Double, idempotencyKey: String,
                     proxies: WebhookProxySettings = .process) async -> TargetRunner.Outcome {
        let request: HTTPClientRequest
        do {
            request = try makeRequest(payload, to: address, idempotencyKey: idempotencyKey)
        } catch {
            return TargetRunner.Outcome(succeeded: false, output: error.reason, permanent: true)
        }
        let client: HTTPClient
        switch proxies.proxy(for: address) {
        case nil: client = Self.client(through: nil)
        case .success(let proxy): client = Self.client(through: proxy)
        case .failure(let unusable): return TargetRunner.Outcome(succeeded: false, output: "POST \(address): \(unusable.reason)")
        }
        // A day at most: the configuration takes any duration, and nanoseconds past Int64 trap.
        let seconds = min(max(timeout, 0.001), 86_400)
        let deadline = NIODeadline.now() + .nanoseconds(Int64(seconds * 1e9))
        do {
            return try await withThrowingTaskGroup(of: TargetRunner.Outcome?.self) { group in
                group.addTask { try await exchange(request, on: client, deadline: deadline) }
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let outcome = first else {
                    return TargetRunner.Outcome(succeeded: false, output: "POST \(address) timed out after \(timeout) s")
                }
                return outcome
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return TargetRunner.Outcome(succeeded: false, output: "POST \(address) timed out after \(timeout) s")
        } catch {
            return TargetRunner.Outcome(succeeded: false, output: "POST \(address) failed: \(error)")
        }
    }

    struct BadAddress: Error { let reason: String }

    /// Only http and https with a host (`TargetDefinition.isWebhookAddress`): AsyncHTTPClient
    /// would also accept a Unix socket path, which a webhook target is not.
    static func makeRequest(_ payload: String, to address: String, idempotencyKey: String) throws(BadAddress) -> HTTPClientRequest {
        guard TargetDefinition.isWebhookAddress(address) else {
            throw BadAddress(reason: "bad URL \(address): a webhook address starts with http:// or https:// and names a host")
        }
        var request = HTTPClientRequest(url: address)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        request.body = .bytes(ByteBuffer(string: payload))
        return request
    }

    private static func exchange(_ request: HTTPClientRequest, on client: HTTPClient, deadline: NIODeadline) async throws -> TargetRunner.Outcome {
        let response = try await client.execute(request, deadline: deadline)
        var kept = ByteBuffer()
        for try await chunk in response.body {
            var chunk = chunk
            if let slice = chunk.readSlice(length: min(chunk.readableBytes, keptBodyBytes - kept.readableBytes)) {
                kept.writeImmutableBuffer(slice)
            }
            if kept.readableBytes >= keptBodyBytes { break }   // leaving the loop drops the rest of the body
        }
        let status = Int(response.status.code)
        return TargetRunner.Outcome(succeeded: (200..<300).contains(status), output: "HTTP \(status) \(String(buffer: kept))")
    }
}
