import CLibical
@testable import ChangeCalendar
import Foundation
import Testing

/// Plain DAILY/WEEKLY rules are stepped in Swift (`SimpleRule`) rather than by libical's
/// ICU-backed iterator. This checks the two agree, instance for instance, on random rules.
@Suite("Swift stepping of simple rules agrees with libical")
struct SimpleRuleTests {
    @Test func randomRulesAgree() throws {
        var rng = MutationFuzzTests.Generator(state: 0xC0FFEE)
        let days = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
        let zones: [Zone] = Libical.serialized { [Zone.utc, ZoneResolver.systemZone("Europe/Berlin")!, ZoneResolver.systemZone("America/New_York")!] }
        var compared = 0, instances = 0
        for _ in 0..<600 {
            var parts = [Bool.random(using: &rng) ? "FREQ=WEEKLY" : "FREQ=DAILY"]
            if Int.random(in: 0..<3, using: &rng) > 0 { parts.append("INTERVAL=\(Int.random(in: 1...4, using: &rng))") }
            let picked = days.filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }
            if !picked.isEmpty { parts.append("BYDAY=" + picked.joined(separator: ",")) }
            // libical aligns INTERVAL>1 weeks on Mondays whatever WKST says (see the test below),
            // so WKST is varied only where it cannot change the alignment.
            if Bool.random(using: &rng), !parts.contains(where: { $0.hasPrefix("INTERVAL=") && $0 != "INTERVAL=1" }) {
                parts.append("WKST=" + days.randomElement(using: &rng)!)
            }
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: parts.append("COUNT=\(Int.random(in: 1...60, using: &rng))")
            case 1: parts.append("UNTIL=20\(Int.random(in: 21...29, using: &rng))0\(Int.random(in: 1...9, using: &rng))15T120000Z")
            default: break
            }
            let ruleText = parts.joined(separator: ";")
            let zone = zones.randomElement(using: &rng)!
            let start = LocalDateTime(year: Int.random(in: 2020...2026, using: &rng), month: Int.random(in: 1...12, using: &rng),
                                      day: Int.random(in: 1...28, using: &rng),
                                      hour: [0, 1, 5, 8, 9, 12, 17, 22, 23].randomElement(using: &rng)!,   // never in a DST gap
                                      minute: [0, 15, 30, 45].randomElement(using: &rng)!)
            // libical also misaligns INTERVAL>1 weeks when DTSTART's weekday is not in BYDAY
            // (pinned against python-dateutil below), so those rules are not compared with it.
            let weekdayNames = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
            if parts.contains(where: { $0.hasPrefix("INTERVAL=") && $0 != "INTERVAL=1" }), !picked.isEmpty,
               !picked.contains(weekdayNames[start.weekday]) {
                continue
            }
            let from = start.adding(days: Int64.random(in: -30...2000, using: &rng))
            let to = from.adding(days: Int64.random(in: 1...200, using: &rng))
            let (fast, slow): ([LocalDateTime], [LocalDateTime]) = Libical.serialized {
                let rule = ruleText.withCString { icalrecurrencetype_from_string($0) }
                let dtstart = start.icalTime(zone: zone.pointer)
                var a: [LocalDateTime] = [], b: [LocalDateTime] = []
                RecurrenceRule(rule, dtstart: dtstart, zone: zone, useSimplePath: true).forEach(dtstart: dtstart, from: from, to: to) { a.append($0) }
                RecurrenceRule(rule, dtstart: dtstart, zone: zone, useSimplePath: false).forEach(dtstart: dtstart, from: from, to: to) { b.append($0) }
                return (a, b)
            }
            #expect(fast == slow, "\(ruleText) from \(start.fields) in \(zone.name), window \(from.fields)…\(to.fields)")
            compared += 1
            instances += slow.count
        }
        #expect(compared > 350)
        #expect(instances > 2_000)   // the windows are not all empty
    }

    @Test func intervalWeeksFollowWKST() throws {
        // DTSTART Sunday 2025-06-01, weeks starting Friday: the first week runs Fri 30 May to
        // Thu 5 June, so its Wednesday (4 June) is the first instance. python-dateutil (the
        // engine under recurring-ical-events) agrees; libical 3.0.16 answers 11 June.
        let cal = try calendar(["DTSTART:20250601T130000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;WKST=FR"])
        #expect(cal.instances(from: at("2025-06-02T00:00:00Z"), to: at("2025-07-01T00:00:00Z")).map { CalendarTime.format($0.start) }
                == ["2025-06-04T13:00:00Z", "2025-06-18T13:00:00Z"])
        #expect(cal.instances(from: at("2029-09-01T00:00:00Z"), to: at("2029-10-10T00:00:00Z")).map { CalendarTime.format($0.start) }
                == ["2029-09-05T13:00:00Z", "2029-09-19T13:00:00Z", "2029-10-03T13:00:00Z"])
    }

    @Test func unsynchronizedIntervalWeeksAlignOnTheWeekOfDTSTART() throws {
        // DTSTART Tuesday 2023-11-21, every fourth week on Sunday: the first instance is that
        // week's Sunday. python-dateutil: 2023-11-26, 2023-12-24, 2024-01-21; 2028-06-04.
        let cal = try calendar(["DTSTART:20231121T053000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;INTERVAL=4;BYDAY=SU"])
        #expect(cal.instances(from: at("2023-11-22T00:00:00Z"), to: at("2024-02-01T00:00:00Z")).map { CalendarTime.format($0.start) }
                == ["2023-11-26T05:30:00Z", "2023-12-24T05:30:00Z", "2024-01-21T05:30:00Z"])
        #expect(cal.instances(from: at("2028-05-20T00:00:00Z"), to: at("2028-06-20T00:00:00Z")).map { CalendarTime.format($0.start) }
                == ["2028-06-04T05:30:00Z"])
    }
}
