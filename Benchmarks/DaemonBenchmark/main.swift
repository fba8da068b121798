// Daemon benchmark (`make bench`, release build): transition lateness on the real clock, and
// the idle resident memory of a real `schedulerd serve` with 100 calendars and 1,000 rules.
import ChangeCalendar
import Daemon
import Foundation
import Logging
import SchedulerCore
import Store
import Synchronization

func fmt(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }
func verdict(_ ok: Bool) -> String { ok ? "PASS" : "FAIL" }

/// A DEFAULT_OPEN calendar with `count` single events, closed for `length` seconds each,
/// starting `offset` seconds from now and every `spacing` seconds after.
func singleEvents(offset: Double, spacing: Double, count: Int, length: Double) -> String {
    func ics(_ d: Date) -> String { CalendarTime.format(d).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "") }
    let now = Date().timeIntervalSince1970.rounded(.down)
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    for k in 0..<count {
        let start = Date(timeIntervalSince1970: now + offset + Double(k) * spacing)
        lines += ["BEGIN:VEVENT", "UID:bench-\(offset)-\(k)", "DTSTART:\(ics(start))", "DTEND:\(ics(start.addingTimeInterval(length)))", "END:VEVENT"]
    }
    lines.append("END:VCALENDAR")
    return lines.joined(separator: "\r\n")
}

// 1. Lateness: 30 calendars, each closing and opening 4 times at its own seconds over the next
// 40 s of real time, through the real TransitionService (system clock, SQLite outbox).
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-bench-\(UUID().uuidString)").path
defer { try? FileManager.default.removeItem(atPath: directory) }
let database = try SchedulerDatabase.open(directory: directory)
var calendars: [String: CalendarSchedule] = [:]
for i in 0..<30 {
    calendars["cal-\(i)"] = try CalendarSchedule(ics: singleEvents(offset: 3 + Double(i) / 3, spacing: 9, count: 4, length: 2 + Double(i % 4)))
}
let state = RuntimeState(calendars: calendars, rules: try RuleBook(records: []))
var logger = Logger(label: "bench")
logger.logLevel = .error
let latenesses = Mutex<[Double]>([])
let service = TransitionService(clock: SystemWallClock(), database: database, state: state, account: "123456789012",
                                region: "us-east-1", maxEventAge: 86_400, logger: logger) { plan in
    latenesses.withLock { $0 += plan.emissions.map(\.lateness) }
}
let runner = Task { try await service.run() }
try await Task.sleep(for: .seconds(40))
runner.cancel()
_ = await runner.result
var samples = latenesses.withLock { $0 }.sorted()
if samples.isEmpty { samples = [.infinity] }
let p50 = samples[samples.count / 2], p99 = samples[min(samples.count - 1, samples.count * 99 / 100)]
print("transition lateness, \(samples.count) transitions on the real clock over 40 s: p50 \(fmt(p50 * 1000)) ms, "
      + "p99 \(fmt(p99 * 1000)) ms, max \(fmt(samples.last! * 1000)) ms (target p99 < 10 ms) \(verdict(p99 < 0.010))")

/// Resident memory of a program 8 s after it starts (it has settled and sleeps), from /proc.
struct ResidentMemory {
    let rssMB: Double, anonymousMB: Double, fileMB: Double
    var summary: String {
        "\(fmt(rssMB, 1)) MB (anonymous \(fmt(anonymousMB, 1)) MB, file-backed \(fmt(fileMB, 1)) MB: code and data mapped from files)"
    }
}

func idleResidentMemory(_ executable: String, arguments: [String]) async throws -> ResidentMemory? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    try await Task.sleep(for: .seconds(8))
    let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
    func field(_ name: String) -> Double? {
        status.split(separator: "\n").first { $0.hasPrefix(name + ":") }.flatMap { Double($0.split(separator: " ").dropFirst().first ?? "") }
    }
    let measured = field("VmRSS").map { ResidentMemory(rssMB: $0 / 1024, anonymousMB: (field("RssAnon") ?? .nan) / 1024,
                                                       fileMB: (field("RssFile") ?? .nan) / 1024) }
    process.terminate()
    process.waitUntilExit()
    return measured
}

// 2. Idle memory: the release daemon with 100 calendars and 1,000 rules, after it settles.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let binary = repository.appendingPathComponent(".build/release/schedulerd").path
if FileManager.default.isExecutableFile(atPath: binary) {
    let idle = directory + "/idle"
    try FileManager.default.createDirectory(atPath: idle + "/calendars", withIntermediateDirectories: true)
    let examples = repository.appendingPathComponent("config/calendars").path
    let files = try FileManager.default.contentsOfDirectory(atPath: examples).filter { $0.hasSuffix(".ics") }.sorted()
    for i in 0..<100 {
        let text = try String(contentsOfFile: examples + "/" + files[i % files.count], encoding: .utf8)
        try text.write(toFile: idle + "/calendars/cal-\(i).ics", atomically: true, encoding: .utf8)
    }
    var yaml = "listen: 127.0.0.1:0\ndata_dir: \(idle)/data\ncalendars_dir: \(idle)/calendars\nlog_level: error\nrules:\n"
    for i in 0..<1_000 {
        let pattern: String
        switch i % 4 {
        case 0: pattern = #"{"source": ["aws.ssm"], "resources": ["arn:aws:ssm:us-east-1:123456789012:document/cal-\#(i % 100)"], "detail": {"state": ["CLOSED"]}}"#
        case 1: pattern = #"{"detail-type": [{"prefix": "Calendar"}], "detail": {"state": [{"anything-but": "OPEN"}]}, "resources": [{"suffix": "cal-\#(i % 100)"}]}"#
        case 2: pattern = #"{"source": ["custom.app-\#(i)"], "detail": {"count": [{"numeric": [">", \#(i)]}]}}"#
        default: pattern = #"{"$or": [{"source": ["x-\#(i)"]}, {"detail": {"host": [{"wildcard": "web-\#(i)-*"}]}}]}"#
        }
        yaml += "  - name: rule-\(i)\n    event_pattern: '\(pattern)'\n    targets:\n      - id: log\n        log: true\n"
    }
    try yaml.write(toFile: idle + "/schedulerd.yaml", atomically: true, encoding: .utf8)
    if let daemon = try await idleResidentMemory(binary, arguments: ["serve", "--config", idle + "/schedulerd.yaml"]) {
        print("idle resident memory, release daemon with 100 calendars and 1,000 rules: \(daemon.summary) "
              + "(target < 40 MB) \(verdict(daemon.rssMB < 40))")
    } else {
        print("idle resident memory: not measured (the daemon exited early)")
    }
} else {
    print("idle resident memory: not measured (build the release daemon first: swift build -c release --product schedulerd)")
}

// 3. The floor under that figure: Foundation, GRDB, libical and Hummingbird alone (StackFloor).
let floorBinary = repository.appendingPathComponent(".build/release/StackFloor").path
if FileManager.default.isExecutableFile(atPath: floorBinary) {
    let floorDirectory = directory + "/floor"
    try FileManager.default.createDirectory(atPath: floorDirectory, withIntermediateDirectories: true)
    if let floor = try await idleResidentMemory(floorBinary, arguments: [floorDirectory]) {
        print("idle resident memory of the fixed stack alone (StackFloor: Foundation, GRDB, libical, Hummingbird): \(floor.summary)")
    }
    // The same, with libical parsing and expanding the daemon's 100 calendars.
    if FileManager.default.fileExists(atPath: directory + "/idle/calendars"),
       let floor = try await idleResidentMemory(floorBinary, arguments: [floorDirectory, directory + "/idle/calendars"]) {
        print("  the same with libical parsing and expanding the 100 calendars over a year: \(floor.summary)")
    }
} else {
    print("stack floor: not measured (swift build -c release --product StackFloor)")
}
print("pattern matching: see EventBusBenchmark (make bench runs it)")
