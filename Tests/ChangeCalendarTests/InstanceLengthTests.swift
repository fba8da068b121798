import ChangeCalendar
import Foundation
import Testing

/// The duration rules, pinned: recurring instances keep their wall-clock length in their
/// own zone; DURATION days/weeks are nominal, hours/minutes/seconds exact.
@Suite("Instance length across DST")
struct InstanceLengthTests {
    let nightlyNewYork = "DTSTART;TZID=America/New_York:20260101T220000\nDTEND;TZID=America/New_York:20260102T070000\nRRULE:FREQ=DAILY"

    @Test func overnightWindowEndsAt0700LocalOnTheSpringForwardNight() throws {
        let cal = try calendar([nightlyNewYork])
        // Sat 7 March 22:00 EST (03:00Z) → Sun 8 March 07:00 EDT (11:00Z): 8 hours.
        #expect(windows(cal, "2026-03-08T00:00:00Z", "2026-03-08T12:00:00Z") == ["2026-03-08T03:00:00Z→2026-03-08T11:00:00Z"])
        #expect(cal.state(at: at("2026-03-08T11:00:00Z")) == .open)
    }

    @Test func overnightWindowEndsAt0700LocalOnTheFallBackNight() throws {
        let cal = try calendar([nightlyNewYork])
        // Sat 31 Oct 22:00 EDT (02:00Z) → Sun 1 Nov 07:00 EST (12:00Z): 10 hours.
        #expect(windows(cal, "2026-11-01T00:00:00Z", "2026-11-01T13:00:00Z") == ["2026-11-01T02:00:00Z→2026-11-01T12:00:00Z"])
        #expect(transitions(cal, "2026-10-31T00:00:00Z", "2026-11-02T00:00:00Z") == [
            "2026-10-31T02:00:00Z CLOSED", "2026-10-31T11:00:00Z OPEN",   // Fri night, all EDT
            "2026-11-01T02:00:00Z CLOSED", "2026-11-01T12:00:00Z OPEN",   // Sat night, EDT → EST
        ])
    }

    @Test func berlinInBothDirections() throws {
        let cal = try calendar(["DTSTART;TZID=Europe/Berlin:20260101T220000\nDTEND;TZID=Europe/Berlin:20260102T060000\nRRULE:FREQ=DAILY"])
        // 28→29 March: 22:00 CET (21:00Z) → 06:00 CEST (04:00Z), 7 h.
        #expect(windows(cal, "2026-03-28T20:00:00Z", "2026-03-29T05:00:00Z") == ["2026-03-28T21:00:00Z→2026-03-29T04:00:00Z"])
        // 24→25 October: 22:00 CEST (20:00Z) → 06:00 CET (05:00Z), 9 h.
        #expect(windows(cal, "2026-10-24T19:00:00Z", "2026-10-25T06:00:00Z") == ["2026-10-24T20:00:00Z→2026-10-25T05:00:00Z"])
    }

    @Test func dailyStartKeepsLocalTimeAcrossDST() throws {
        let cal = try calendar(["DTSTART;TZID=Europe/Berlin:20260327T090000\nDTEND;TZID=Europe/Berlin:20260327T100000\nRRULE:FREQ=DAILY;COUNT=4"])
        #expect(windows(cal, "2026-03-27T00:00:00Z", "2026-04-01T00:00:00Z") == [
            "2026-03-27T08:00:00Z→2026-03-27T09:00:00Z", "2026-03-28T08:00:00Z→2026-03-28T09:00:00Z",
            "2026-03-29T07:00:00Z→2026-03-29T08:00:00Z", "2026-03-30T07:00:00Z→2026-03-30T08:00:00Z",
        ])
    }

    @Test func durationInDaysIsNominal() throws {
        // Noon to noon New York across the fall-back night: 25 hours, then 24.
        let cal = try calendar(["DTSTART;TZID=America/New_York:20261031T120000\nDURATION:P1D\nRRULE:FREQ=WEEKLY;COUNT=2"])
        #expect(windows(cal, "2026-10-01T00:00:00Z", "2026-12-01T00:00:00Z")
                == ["2026-10-31T16:00:00Z→2026-11-01T17:00:00Z", "2026-11-07T17:00:00Z→2026-11-08T17:00:00Z"])
    }

    @Test func durationInWeeksIsNominal() throws {
        let cal = try calendar(["DTSTART;TZID=Europe/Berlin:20260320T120000\nDURATION:P1W"])
        // 20 → 27 March: no DST change in between, 7 × 24 hours.
        #expect(windows(cal, "2026-03-01T00:00:00Z", "2026-04-30T00:00:00Z") == ["2026-03-20T11:00:00Z→2026-03-27T11:00:00Z"])
        let across = try calendar(["DTSTART;TZID=Europe/Berlin:20260325T120000\nDURATION:P1W"])
        #expect(windows(across, "2026-03-01T00:00:00Z", "2026-04-30T00:00:00Z") == ["2026-03-25T11:00:00Z→2026-04-01T10:00:00Z"])
    }

    @Test func durationInHoursIsExact() throws {
        // 22:00 EDT (02:00Z) + 8 hours exact = 10:00Z (06:00 EST), not 07:00 wall clock.
        let cal = try calendar(["DTSTART;TZID=America/New_York:20261031T220000\nDURATION:PT8H"])
        #expect(windows(cal, "2026-10-31T00:00:00Z", "2026-11-02T00:00:00Z") == ["2026-11-01T02:00:00Z→2026-11-01T10:00:00Z"])
    }

    @Test func mixedDurationIsNominalDaysThenExactTime() throws {
        let cal = try calendar(["DTSTART;TZID=America/New_York:20261031T120000\nDURATION:P1DT2H"])
        #expect(windows(cal, "2026-10-01T00:00:00Z", "2026-12-01T00:00:00Z") == ["2026-10-31T16:00:00Z→2026-11-01T19:00:00Z"])
    }
}
