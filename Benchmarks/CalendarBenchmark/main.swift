// Calendar engine benchmark (`make bench`, release build). Prints the figures issue #2 asks
// for, each next to its target, on a generated calendar of 10,000 VEVENTs: half weekly
// Mon–Fri in Asia/Tokyo (no end), half single UTC events.
import ChangeCalendar
import CLibical
import Foundation

func generatedCalendar(events: Int) -> String {
    var lines = ["BEGIN:VCALENDAR", "PRODID:-//schedulerd//benchmark//EN", "VERSION:2.0", "X-CALENDAR-TYPE:DEFAULT_OPEN"]
    var seed: UInt64 = 42
    func random(_ n: Int) -> Int {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((seed >> 33) % UInt64(n))
    }
    let base = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2024, month: 1, day: 1).date!
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd'T'HHmmss"
    for i in 0..<events {
        lines += ["BEGIN:VEVENT", "UID:bench-\(i)@schedulerd", "DTSTAMP:20240101T000000Z", "SUMMARY:Event \(i)"]
        if i % 2 == 0 {
            // A weekday in 2024–2025 (2024-01-01 is a Monday), local time 06:00–20:45 Tokyo.
            let week = random(104), weekday = random(5)
            let day = base.addingTimeInterval(TimeInterval((week * 7 + weekday) * 86_400))
            let start = day.addingTimeInterval(TimeInterval((6 + random(14)) * 3600 + random(4) * 900))
            let end = start.addingTimeInterval(TimeInterval((1 + random(3)) * 1800))
            lines += ["DTSTART;TZID=Asia/Tokyo:\(formatter.string(from: start))", "DTEND;TZID=Asia/Tokyo:\(formatter.string(from: end))",
                      "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"]
        } else {
            let start = base.addingTimeInterval(TimeInterval(random(13 * 365 * 24) * 3600))
            lines += ["DTSTART:\(formatter.string(from: start))Z", "DURATION:PT\(1 + random(6))H"]
        }
        lines.append("END:VEVENT")
    }
    lines.append("END:VCALENDAR")
    return lines.joined(separator: "\r\n") + "\r\n"
}

func cut(_ text: String, events: Int) -> String {
    var out: [Substring] = []
    var seen = 0
    for line in text.split(separator: "\r\n") {
        if line == "BEGIN:VEVENT" { seen += 1 }
        if seen > events, line != "END:VCALENDAR" { continue }
        out.append(line)
    }
    return out.joined(separator: "\r\n") + "\r\n"
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

func best(of runs: Int, _ body: () -> Void) -> Double {
    var result = Double.infinity
    for _ in 0..<runs { result = min(result, seconds(ContinuousClock().measure(body))) }
    return result
}

func peakResidentMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
    return kb / 1024
}

func verdict(_ ok: Bool) -> String { ok ? "PASS" : "FAIL" }
func fmt(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }

let text = generatedCalendar(events: 10_000)
try text.write(to: FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-bench-10k.ics"), atomically: true, encoding: .utf8)
print("calendar: 10,000 VEVENTs (5,000 weekly Mon-Fri Asia/Tokyo, 5,000 single UTC), \(text.utf8.count / 1024) KiB")

if ProcessInfo.processInfo.environment["BENCH_LOAD_ONLY"] != nil {
    // For profiling the load path alone: `BENCH_LOAD_ONLY=1 perf record …`.
    for _ in 0..<20 { _ = try! CalendarSchedule(ics: text) }
    exit(0)
}

// 1. Load versus libical's bare parse, same text, same run.
// Interleaved, best of 7 each, so allocator state and CPU frequency affect both alike.
var bareParse = Double.infinity, load = Double.infinity
var schedule: CalendarSchedule!
for _ in 0..<7 {
    bareParse = min(bareParse, best(of: 1) {
        let root = text.withCString { icalparser_parse_string($0) }
        icalcomponent_free(root)
    })
    load = min(load, best(of: 1) { schedule = try! CalendarSchedule(ics: text) })
}
print("load: \(fmt(load * 1000)) ms; libical icalparser_parse_string: \(fmt(bareParse * 1000)) ms; ratio \(fmt(load / bareParse))x "
      + "(target within 2x) \(verdict(load <= 2 * bareParse))")

// 2. state(at:) + nextTransition(after:) at random instants over ten years.
let tenYears = (start: at("2026-01-01T00:00:00Z").timeIntervalSince1970, length: 10 * 365.25 * 86_400)
var generator = SystemRandomNumberGenerator()
var samples: [Double] = []
let queries = 20_000
samples.reserveCapacity(queries)
for _ in 0..<queries {
    let when = Date(timeIntervalSince1970: tenYears.start + Double.random(in: 0..<tenYears.length, using: &generator))
    samples.append(seconds(ContinuousClock().measure {
        _ = schedule.state(at: when)
        _ = schedule.nextTransition(after: when)
    }))
}
samples.sort()
let median = samples[samples.count / 2], p99 = samples[samples.count * 99 / 100]
print("state(at:)+nextTransition(after:), \(queries) random instants 2026-2036: median \(fmt(median * 1e6)) µs, "
      + "p99 \(fmt(p99 * 1e6)) µs, max \(fmt(samples.last! * 1000)) ms (first query in a 48-day chunk expands it) "
      + "(target median < 20 µs) \(verdict(median < 20e-6))")

// 3. A query in 2100 costs what one in 2026 costs: the first query on a freshly loaded
// calendar (so it builds its chunk), the load itself not timed.
func coldQuery(_ instant: String) -> Double {
    var fastest = Double.infinity
    for _ in 0..<3 {
        let fresh = try! CalendarSchedule(ics: text)
        fastest = min(fastest, best(of: 1) { _ = fresh.nextTransition(after: at(instant)) })
    }
    return fastest
}
let cold2026 = coldQuery("2026-06-10T12:00:00Z"), cold2100 = coldQuery("2100-06-10T12:00:00Z")
print("first query on a fresh calendar (expands its chunk): 2026 \(fmt(cold2026 * 1000)) ms, 2100 \(fmt(cold2100 * 1000)) ms, "
      + "ratio \(fmt(cold2100 / cold2026))x (target about the same) \(verdict(cold2100 < 1.5 * cold2026))")

// 4. Transitions of one year: this engine against recurring-ical-events on a 1,000-event cut.
let cutText = cut(text, events: 1_000)
let cutPath = FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-bench-cut.ics")
try cutText.write(to: cutPath, atomically: true, encoding: .utf8)
let year = (from: at("2026-01-01T00:00:00Z"), to: at("2027-01-01T00:00:00Z"))
var cutTransitions = 0
let cutYear = best(of: 3) {
    let cal = try! CalendarSchedule(ics: cutText)
    cutTransitions = cal.transitions(from: year.from, to: year.to).count
}
var fullTransitions = 0
let fullYear = best(of: 1) {
    let cal = try! CalendarSchedule(ics: text)
    fullTransitions = cal.transitions(from: year.from, to: year.to).count
}
print("transitions of 2026, 1,000-event cut (load included): \(fmt(cutYear * 1000)) ms, \(cutTransitions) transitions")
print("transitions of 2026, all 10,000 events (load included): \(fmt(fullYear * 1000)) ms, \(fullTransitions) transitions")

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let python = Process()
python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
python.arguments = ["python3", repository.appendingPathComponent("scripts/rie_bench.py").path, cutPath.path, "--year", "2026"]
let pipe = Pipe()
python.standardOutput = pipe
do {
    try python.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    python.waitUntilExit()
    if python.terminationStatus == 0,
       let json = try JSONSerialization.jsonObject(with: output) as? [String: Any],
       let expand = json["expand_seconds"] as? Double {
        let parse = json["parse_seconds"] as? Double ?? 0
        let ratio = (expand + parse) / cutYear
        print("recurring-ical-events, same 1,000-event cut, same year: parse \(fmt(parse)) s + expand \(fmt(expand)) s; "
              + "this engine is \(fmt(ratio, 1))x faster (target >= 40x) \(verdict(ratio >= 40))")
    } else {
        print("recurring-ical-events: not measured (rie_bench.py exited \(python.terminationStatus); pip install recurring-ical-events)")
    }
} catch {
    print("recurring-ical-events: not measured (\(error))")
}

// 5. Peak memory of this whole process.
let peak = peakResidentMB()
print("peak resident memory: \(fmt(peak, 1)) MB (target < 150 MB) \(verdict(peak < 150))")

func at(_ text: String) -> Date { CalendarTime.parse(text)! }
