import ChangeCalendar
import SchedulerTesting
import Foundation
import Testing

/// No input may crash the process: every example calendar and test fixture, mutated at
/// random (bytes flipped, inserted and deleted; lines dropped, duplicated, swapped and
/// truncated), either loads (and answers questions) or throws a `CalendarError`.
/// `FUZZ_CASES` raises the count (`make fuzz`).
@Suite("Mutation fuzzing")
struct MutationFuzzTests {
    static let seeds: [String] = {
        let folder = repositoryRoot.appendingPathComponent("config/calendars")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var texts = files.sorted().filter { $0.hasSuffix(".ics") }.compactMap {
            try? String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)
        }
        texts.append(ics(["UID:a\nDTSTART;TZID=Europe/Berlin:20260105T090000\nDTEND;TZID=Europe/Berlin:20260105T100000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE;BYSETPOS=-1;COUNT=20\nEXDATE;TZID=Europe/Berlin:20260107T090000\nRDATE;VALUE=PERIOD:20260110T080000Z/PT2H",
                          "UID:a\nRECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260114T090000\nDTSTART;TZID=Europe/Berlin:20260114T110000\nDURATION:P1DT2H",
                          "DTSTART;VALUE=DATE:20260101\nRRULE:FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=-1;UNTIL=20300101"],
                         type: "DEFAULT_CLOSED", header: ["X-WR-TIMEZONE:America/New_York"]))
        return texts
    }()

    typealias Generator = SeededGenerator

    static let interesting: [String] = [":", ";", "\r\n", "\n ", "BEGIN:VEVENT", "END:VEVENT", "RRULE:FREQ=SECONDLY",
                                        "TZID=", "9999", "0000", "-", "T", "Z", "=", ",", "\u{0}", "é", "99999999T999999"]

    static func mutate(_ text: String, _ rng: inout Generator) -> String {
        var lines = text.components(separatedBy: "\n")
        var bytes = Array(text.utf8)
        switch Int.random(in: 0..<8, using: &rng) {
        case 0 where !bytes.isEmpty:   // flip bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            return String(decoding: bytes, as: UTF8.self)
        case 1 where !bytes.isEmpty:   // delete a run
            let start = Int.random(in: 0..<bytes.count, using: &rng)
            bytes.removeSubrange(start..<min(bytes.count, start + Int.random(in: 1...40, using: &rng)))
            return String(decoding: bytes, as: UTF8.self)
        case 2:   // insert a token
            let token = interesting.randomElement(using: &rng)!
            let at = Int.random(in: 0...bytes.count, using: &rng)
            bytes.insert(contentsOf: Array(token.utf8), at: at)
            return String(decoding: bytes, as: UTF8.self)
        case 3 where lines.count > 1:   // drop a line
            lines.remove(at: Int.random(in: 0..<lines.count, using: &rng))
        case 4 where !lines.isEmpty:    // duplicate a line
            let i = Int.random(in: 0..<lines.count, using: &rng)
            lines.insert(lines[i], at: Int.random(in: 0...lines.count, using: &rng))
        case 5 where lines.count > 1:   // swap two lines
            lines.swapAt(Int.random(in: 0..<lines.count, using: &rng), Int.random(in: 0..<lines.count, using: &rng))
        case 6 where !lines.isEmpty:    // truncate a line
            let i = Int.random(in: 0..<lines.count, using: &rng)
            lines[i] = String(lines[i].prefix(Int.random(in: 0...max(0, lines[i].count), using: &rng)))
        default:                         // change a digit in a value
            if let i = lines.indices.randomElement(using: &rng), let digit = lines[i].firstIndex(where: \.isNumber) {
                lines[i].replaceSubrange(digit...digit, with: String(Int.random(in: 0...9, using: &rng)))
            }
        }
        return lines.joined(separator: "\n")
    }

    @Test func mutatedCalendarsLoadOrThrow() {
        let cases = Int(ProcessInfo.processInfo.environment["FUZZ_CASES"] ?? "") ?? 10_000
        var rng = Generator(state: 0x5C4E_D01E)
        var loaded = 0, rejected = 0
        let probe = at("2026-12-01T00:00:00Z")
        for n in 0..<cases {
            var text = Self.seeds[n % Self.seeds.count]
            for _ in 0..<Int.random(in: 1...3, using: &rng) { text = Self.mutate(text, &rng) }
            do {
                let cal = try CalendarSchedule(ics: text, defaultTimeZone: "Asia/Tokyo")
                _ = cal.state(at: probe)
                _ = cal.nextTransition(after: probe)
                _ = cal.transitions(from: probe, to: probe.addingTimeInterval(40 * 86_400))
                loaded += 1
            } catch {
                #expect(!error.message.isEmpty)
                rejected += 1
            }
        }
        #expect(loaded + rejected == cases)
        // Both outcomes must occur, or the mutations are not reaching the parser.
        #expect(loaded > cases / 10)
        #expect(rejected > cases / 20)
    }
}
