// HTTP load generator for the API benchmark (`scripts/api-bench.sh`): N keep-alive HTTP/1.1
// connections over POSIX sockets, one thread each, every one sending the same raw request bytes
// (read from a file) back to back and reading each response by its Content-Length. Responses
// that complete during the warm-up are not counted; then for D seconds every response is
// counted by status code and timed from the first byte sent to the last byte read.
//
//   APIBenchmark --request FILE --port PORT [--host 127.0.0.1] [--connections 2]
//                [--duration 10] [--warmup 2] [--label NAME] [--interval MS] [--samples FILE]
//
// --interval MS paces each connection (a pause after every response: a monitor polling, not a
// flood); --samples FILE writes one line per measured response, `END_EPOCH_S LATENCY_MS`, so a
// script can take percentiles over a window of its choosing (scripts/fleet-bench.sh does).
//
// Prints requests/s, p50/p99 latency, the count per status code and the errors, then a line
// `RESULT label=... rps=... p50_ms=... p99_ms=... ok=... non200=... errors=... connections=...
// all_responses=... generator_cpu_s=...` for scripts (all_responses counts the warm-up too;
// generator_cpu_s is this process's own CPU time, which the server did not get).
// Any non-200 response or connection error is reported loudly and makes the exit status 1:
// a benchmark of errors measures nothing.
#if canImport(Glibc)
import Glibc
#endif
import Foundation

// MARK: - Options

struct Options {
    var requestFile = ""
    var host = "127.0.0.1"
    var port: UInt16 = 0
    var connections = 2
    var duration = 10.0
    var warmup = 2.0
    var label = "api"
    var intervalMicros: UInt32 = 0
    var samplesFile: String?
}

func usage(_ message: String) -> Never {
    FileHandle.standardError.write(Data("APIBenchmark: \(message)\n".utf8))
    FileHandle.standardError.write(Data("""
        usage: APIBenchmark --request FILE --port PORT [--host 127.0.0.1] [--connections 2]
                            [--duration 10] [--warmup 2] [--label NAME] [--interval MS] [--samples FILE]

        """.utf8))
    exit(64)
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst()
    while let flag = arguments.popFirst() {
        guard let value = arguments.popFirst() else { usage("\(flag) needs a value") }
        switch flag {
        case "--request": options.requestFile = value
        case "--host": options.host = value
        case "--port":
            guard let port = UInt16(value), port > 0 else { usage("bad port \(value)") }
            options.port = port
        case "--connections":
            guard let n = Int(value), n > 0, n <= 1024 else { usage("bad connection count \(value)") }
            options.connections = n
        case "--duration":
            guard let d = Double(value), d > 0 else { usage("bad duration \(value)") }
            options.duration = d
        case "--warmup":
            guard let w = Double(value), w >= 0 else { usage("bad warm-up \(value)") }
            options.warmup = w
        case "--label": options.label = value
        case "--interval":
            guard let ms = Double(value), ms >= 0, ms <= 60_000 else { usage("bad interval \(value)") }
            options.intervalMicros = UInt32(ms * 1000)
        case "--samples": options.samplesFile = value
        default: usage("unknown option \(flag)")
        }
    }
    if options.requestFile.isEmpty { usage("--request FILE is required") }
    if options.port == 0 { usage("--port PORT is required") }
    return options
}

// MARK: - Time

/// Monotonic nanoseconds.
@inline(__always) func nowNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

// MARK: - One connection

enum ConnectionError: Error, CustomStringConvertible {
    case system(String, Int32)
    case closed
    case malformed(String)

    var description: String {
        switch self {
        case .system(let call, let code): return "\(call): \(String(cString: strerror(code)))"
        case .closed: return "the server closed the connection"
        case .malformed(let why): return "malformed response: \(why)"
        }
    }
}

/// A keep-alive HTTP/1.1 client connection that sends one request and reads one response at a time.
final class Connection {
    private var fd: Int32 = -1
    private var buffer: [UInt8]
    /// Bytes `buffer[start..<end]` are read but not yet consumed.
    private var start = 0
    private var end = 0

    init(bufferSize: Int = 1 << 16) {
        buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    deinit { close() }

    var isOpen: Bool { fd >= 0 }

    func open(host: String, port: UInt16) throws(ConnectionError) {
        close()
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw .system("socket", errno) }
        var one: Int32 = 1
        _ = setsockopt(socketFD, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // A server that stops answering must not hang the benchmark.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        _ = setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            Glibc.close(socketFD)
            throw .malformed("host \(host) is not an IPv4 address")
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(socketFD)
            throw .system("connect", code)
        }
        fd = socketFD
        start = 0
        end = 0
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    func send(_ bytes: [UInt8]) throws(ConnectionError) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .system("send", errno)
            }
            sent += n
        }
    }

    /// Reads more bytes into the buffer (compacting it first, growing it when full).
    private func fill() throws(ConnectionError) {
        if start > 0 {
            if start < end {
                buffer.withUnsafeMutableBufferPointer { b in
                    _ = memmove(b.baseAddress!, b.baseAddress! + start, end - start)
                }
            }
            end -= start
            start = 0
        }
        if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in
                recv(fd, raw.baseAddress! + end, raw.count - end, 0)
            }
            if n > 0 { end += n; return }
            if n == 0 { throw .closed }
            if errno == EINTR { continue }
            throw .system("recv", errno)
        }
    }

    struct Response {
        var status: Int
        /// The head and body, only when asked for (a sample for the report).
        var text: String?
        var keepAlive: Bool
    }

    /// Whether the header line at `b[from..<to]` (no CRLF) is named `name` (lowercase, with the colon);
    /// then the index of its value, blanks skipped.
    @inline(__always)
    private static func headerValue(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ name: StaticString) -> Int? {
        let count = name.utf8CodeUnitCount
        guard to - from >= count else { return nil }
        let n = name.utf8Start
        for k in 0..<count {
            var c = b[from + k]
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            if c != n[k] { return nil }
        }
        var i = from + count
        while i < to && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
        return i
    }

    /// Reads one response framed by Content-Length, parsing the head as bytes (the load generator
    /// shares the machine with the server: every cycle it spends is taken from the server).
    /// `keepText(status)` says whether to return the response as text.
    func readResponse(keepText: (Int) -> Bool) throws(ConnectionError) -> Response {
        // The head ends at the first CRLF CRLF.
        var headEnd = -1
        var scanFrom = start
        while true {
            headEnd = buffer.withUnsafeBufferPointer { b -> Int in
                var i = max(scanFrom, start + 3)
                while i < end {
                    if b[i] == 0x0A && b[i - 1] == 0x0D && b[i - 2] == 0x0A && b[i - 3] == 0x0D { return i + 1 }
                    i += 1
                }
                return -1
            }
            if headEnd >= 0 { break }
            if end - start > 64 * 1024 { throw .malformed("no end of headers in 64 KB") }
            let scanned = end - start
            try fill()
            scanFrom = start + scanned   // fill() may have moved the bytes to the front
        }
        struct Head { var status = -1; var contentLength = -1; var keepAlive = true; var problem: String? }
        let head = buffer.withUnsafeBufferPointer { b -> Head in
            var head = Head()
            // "HTTP/1.x NNN"
            guard headEnd - start >= 12, b[start] == 0x48, b[start + 1] == 0x54, b[start + 2] == 0x54, b[start + 3] == 0x50,
                  b[start + 4] == 0x2F, b[start + 5] == 0x31, b[start + 6] == 0x2E, b[start + 8] == 0x20 else {
                head.problem = "bad status line"
                return head
            }
            head.keepAlive = b[start + 7] == 0x31   // HTTP/1.1 keeps the connection open by default
            var status = 0
            for k in 9..<12 {
                let d = b[start + k]
                guard d >= 0x30 && d <= 0x39 else { head.problem = "bad status code"; return head }
                status = status * 10 + Int(d - 0x30)
            }
            head.status = status
            // Header lines.
            var lineStart = start
            while b[lineStart] != 0x0A { lineStart += 1 }
            lineStart += 1
            while lineStart < headEnd - 2 {
                var lineEnd = lineStart
                while b[lineEnd] != 0x0D { lineEnd += 1 }
                if let v = Self.headerValue(b, lineStart, lineEnd, "content-length:") {
                    var length = 0, i = v
                    while i < lineEnd && b[i] >= 0x30 && b[i] <= 0x39 { length = length * 10 + Int(b[i] - 0x30); i += 1 }
                    head.contentLength = i > v ? length : -1
                } else if let v = Self.headerValue(b, lineStart, lineEnd, "connection:") {
                    let value = String(decoding: UnsafeBufferPointer(rebasing: b[v..<lineEnd]), as: UTF8.self).lowercased()
                    if value.contains("close") { head.keepAlive = false }
                    if value.contains("keep-alive") { head.keepAlive = true }
                } else if Self.headerValue(b, lineStart, lineEnd, "transfer-encoding:") != nil {
                    head.problem = "Transfer-Encoding (only Content-Length framing is read)"
                }
                lineStart = lineEnd + 2
            }
            return head
        }
        if let problem = head.problem { throw .malformed(problem) }
        guard head.contentLength >= 0 else { throw .malformed("no Content-Length (status \(head.status))") }
        let length = head.contentLength
        while end - headEnd < length {
            let before = start
            try fill()
            headEnd -= before - start
        }
        var text: String?
        if keepText(head.status) {
            text = buffer.withUnsafeBufferPointer { b in
                String(decoding: UnsafeBufferPointer(rebasing: b[start..<headEnd + length]), as: UTF8.self)
            }
        }
        start = headEnd + length
        if start == end { start = 0; end = 0 }
        return Response(status: head.status, text: text, keepAlive: head.keepAlive)
    }
}

// MARK: - Workers

/// One thread's connection and tallies; read by the main thread only after the thread finished.
final class Worker: @unchecked Sendable {
    let index: Int
    let options: Options
    let request: [UInt8]
    let measureStart: UInt64
    let measureEnd: UInt64
    let done = DispatchSemaphore(value: 0)

    var latencies: [UInt32] = []          // nanoseconds / 100 (0.1 µs units), measured window only
    var completions: [Double] = []        // wall-clock epoch seconds of each measured response (with --samples)
    var statusCounts: [Int: Int] = [:]    // measured window only
    var warmupResponses = 0
    var warmupNon200 = 0
    var errors: [String: Int] = [:]       // whole run, warm-up included
    var firstNon200: String?
    var firstSample: String?
    var opened = 0                        // connections opened: more than one means the server closed some

    init(index: Int, options: Options, request: [UInt8], measureStart: UInt64, measureEnd: UInt64) {
        self.index = index
        self.options = options
        self.request = request
        self.measureStart = measureStart
        self.measureEnd = measureEnd
        latencies.reserveCapacity(1 << 16)
    }

    func run() {
        let connection = Connection()
        var now = nowNanos()
        while now < measureEnd {
            do {
                if !connection.isOpen {
                    try connection.open(host: options.host, port: options.port)
                    opened += 1
                }
                let sent = nowNanos()
                try connection.send(request)
                let response = try connection.readResponse { status in
                    self.firstSample == nil || (status != 200 && self.firstNon200 == nil)
                }
                now = nowNanos()
                if firstSample == nil { firstSample = response.text }
                if response.status != 200 && firstNon200 == nil { firstNon200 = response.text }
                if now >= measureStart && now < measureEnd {
                    statusCounts[response.status, default: 0] += 1
                    latencies.append(UInt32(min((now - sent) / 100, UInt64(UInt32.max))))
                    if options.samplesFile != nil { completions.append(Date().timeIntervalSince1970) }
                } else if now < measureStart {
                    warmupResponses += 1
                    if response.status != 200 { warmupNon200 += 1 }
                }
                if !response.keepAlive { connection.close() }
                if options.intervalMicros > 0 {
                    usleep(options.intervalMicros)
                    now = nowNanos()
                }
            } catch {
                errors[error.description, default: 0] += 1
                connection.close()
                usleep(10_000)   // do not spin on a refused connection
                now = nowNanos()
            }
        }
        done.signal()
    }
}

// MARK: - Main

signal(SIGPIPE, SIG_IGN)
let options = parseOptions()
guard let requestData = FileManager.default.contents(atPath: options.requestFile), !requestData.isEmpty else {
    usage("cannot read the request from \(options.requestFile)")
}
let request = [UInt8](requestData)
let requestLine = String(decoding: request.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)

let t0 = nowNanos()
let measureStart = t0 + UInt64(options.warmup * 1e9)
let measureEnd = measureStart + UInt64(options.duration * 1e9)
let workers = (0..<options.connections).map {
    Worker(index: $0, options: options, request: request, measureStart: measureStart, measureEnd: measureEnd)
}
for worker in workers {
    let thread = Thread { worker.run() }
    thread.stackSize = 1 << 20
    thread.start()
}
for worker in workers { worker.done.wait() }

// MARK: - Report

var statusCounts: [Int: Int] = [:]
var errors: [String: Int] = [:]
var latencies: [UInt32] = []
var warmupResponses = 0
var warmupNon200 = 0
var reopened = 0
for worker in workers {
    statusCounts.merge(worker.statusCounts, uniquingKeysWith: +)
    errors.merge(worker.errors, uniquingKeysWith: +)
    latencies += worker.latencies
    warmupResponses += worker.warmupResponses
    warmupNon200 += worker.warmupNon200
    reopened += max(0, worker.opened - 1)
}
if let path = options.samplesFile {
    var text = ""
    for worker in workers {
        for (end, latency) in zip(worker.completions, worker.latencies) {
            text += String(format: "%.6f %.4f\n", end, Double(latency) / 10_000)
        }
    }
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { usage("cannot write \(path)") }
}
let sorted = latencies.sorted()
let responses = sorted.count
let ok = statusCounts[200] ?? 0
let non200 = statusCounts.filter { $0.key != 200 }.values.reduce(0, +)
let errorCount = errors.values.reduce(0, +)
let rps = Double(responses) / options.duration
func percentile(_ sorted: [UInt32], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
    return Double(sorted[max(0, index)]) / 10_000   // 0.1 µs units to ms
}
func fmt(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }
let p50 = percentile(sorted, 0.50), p99 = percentile(sorted, 0.99), maxLatency = sorted.last.map { Double($0) / 10_000 } ?? .nan

print("APIBenchmark [\(options.label)]: \(requestLine) to \(options.host):\(options.port), \(request.count)-byte request, "
      + "\(options.connections) keep-alive connection(s), \(fmt(options.duration, 1)) s measured after \(fmt(options.warmup, 1)) s warm-up")
print("  requests/s: \(fmt(rps, 0))  (\(responses) responses; \(warmupResponses) more during warm-up)")
print("  latency:    p50 \(fmt(p50, 3)) ms, p99 \(fmt(p99, 3)) ms, max \(fmt(maxLatency, 3)) ms")
print("  status:     " + (statusCounts.isEmpty ? "no responses" : statusCounts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))
print("  errors:     \(errorCount)" + (reopened > 0 ? "; \(reopened) connections reopened (the server closed them)" : ""))
if let sample = workers.lazy.compactMap(\.firstSample).first {
    let body = sample.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    print("  a reply:    \(sample.split(separator: "\r\n").first ?? "") \(body.prefix(300))")
}
var usage = rusage()
getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
let cpuSeconds = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
print("  load generator CPU: \(fmt(cpuSeconds, 2)) s over \(fmt(options.warmup + options.duration, 1)) s")
let failed = non200 > 0 || warmupNon200 > 0 || errorCount > 0 || responses == 0
if failed {
    var lines = ["", "!!! APIBenchmark [\(options.label)]: THIS RUN IS NOT A VALID MEASUREMENT !!!"]
    if responses == 0 { lines.append("!!! no response at all in the measured window") }
    if non200 > 0 {
        lines.append("!!! \(non200) of \(responses) responses were not 200: "
                     + statusCounts.filter { $0.key != 200 }.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" }.joined(separator: ", "))
    }
    if warmupNon200 > 0 { lines.append("!!! \(warmupNon200) responses during the warm-up were not 200") }
    if let first = workers.lazy.compactMap(\.firstNon200).first {
        lines.append("!!! first non-200 response:")
        lines += first.split(separator: "\r\n", omittingEmptySubsequences: false).map { "!!!   " + $0 }
    }
    for (error, count) in errors.sorted(by: { $0.value > $1.value }) {
        lines.append("!!! \(count) × connection error: \(error)")
    }
    lines.append("")
    let text = lines.joined(separator: "\n") + "\n"
    print(text, terminator: "")
    FileHandle.standardError.write(Data(text.utf8))
}
print("RESULT label=\(options.label) rps=\(fmt(rps, 1)) p50_ms=\(fmt(p50, 3)) p99_ms=\(fmt(p99, 3)) "
      + "ok=\(ok) non200=\(non200) errors=\(errorCount) connections=\(options.connections) "
      + "all_responses=\(responses + warmupResponses) generator_cpu_s=\(fmt(cpuSeconds, 3))")
exit(failed ? 1 : 0)
