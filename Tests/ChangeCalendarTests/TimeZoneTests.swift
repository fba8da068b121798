import ChangeCalendar
import Foundation
import Testing

@Suite("Time zones")
struct TimeZoneTests {
    @Test func ianaZoneFromTheSystemDatabase() throws {
        let cal = try calendar(["DTSTART;TZID=Asia/Tokyo:20260105T080000\nDTEND;TZID=Asia/Tokyo:20260105T200000"])
        #expect(windows(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z") == ["2026-01-04T23:00:00Z→2026-01-05T11:00:00Z"])
    }

    @Test func windowsZoneNamesMapToIANA() throws {
        let cal = try calendar([
            "DTSTART;TZID=Tokyo Standard Time:20260105T090000\nDTEND;TZID=Tokyo Standard Time:20260105T100000",
            "DTSTART;TZID=\"Pacific Standard Time\":20260710T090000\nDTEND;TZID=\"Pacific Standard Time\":20260710T100000",
        ])
        #expect(windows(cal, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")
                == ["2026-01-05T00:00:00Z→2026-01-05T01:00:00Z", "2026-07-10T16:00:00Z→2026-07-10T17:00:00Z"])
    }

    @Test func outlookTrailingColonTZID() throws {
        // Outlook writes the VTIMEZONE as "TZID:Pacific Standard Time:" and events without the colon.
        let vtimezone = ["BEGIN:VTIMEZONE", "TZID:Pacific Standard Time:",
                         "BEGIN:STANDARD", "DTSTART:16011104T020000", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11",
                         "TZOFFSETFROM:-0700", "TZOFFSETTO:-0800", "END:STANDARD",
                         "BEGIN:DAYLIGHT", "DTSTART:16010311T020000", "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
                         "TZOFFSETFROM:-0800", "TZOFFSETTO:-0700", "END:DAYLIGHT", "END:VTIMEZONE"]
        let cal = try calendar(["DTSTART;TZID=Pacific Standard Time:20260105T100000\nDTEND;TZID=Pacific Standard Time:20260105T110000"],
                               header: vtimezone)
        #expect(windows(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z") == ["2026-01-05T18:00:00Z→2026-01-05T19:00:00Z"])
    }

    @Test func embeddedVTimezoneWithACustomName() throws {
        let vtimezone = ["BEGIN:VTIMEZONE", "TZID:Head Office", "BEGIN:STANDARD", "DTSTART:19700101T000000",
                         "TZOFFSETFROM:+0530", "TZOFFSETTO:+0530", "END:STANDARD", "END:VTIMEZONE"]
        let cal = try calendar(["DTSTART;TZID=Head Office:20260105T090000\nDTEND;TZID=Head Office:20260105T100000"], header: vtimezone)
        #expect(windows(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z") == ["2026-01-05T03:30:00Z→2026-01-05T04:30:00Z"])
    }

    @Test func unknownTZIDIsAnErrorNeverUTC() {
        let text = ics(["SUMMARY:Deploy\nDTSTART;TZID=Mars/Olympus_Mons:20260105T090000\nDTEND;TZID=Mars/Olympus_Mons:20260105T100000"])
        let error = loadError(text)
        #expect(error?.code == .unknownTimeZone)
        #expect(error?.line == 7)
        #expect(error?.message.contains("Mars/Olympus_Mons") == true)
    }

    @Test func floatingTimesUseXWRTimezone() throws {
        let cal = try calendar(["DTSTART:20260105T090000\nDTEND:20260105T100000"], header: ["X-WR-TIMEZONE:Europe/Berlin"])
        #expect(cal.floatingTimeZone == "Europe/Berlin")
        #expect(windows(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z") == ["2026-01-05T08:00:00Z→2026-01-05T09:00:00Z"])
    }

    @Test func floatingTimesUseTheDefaultZoneElseUTC() throws {
        let event = "DTSTART:20260105T090000\nDTEND:20260105T100000"
        #expect(windows(try calendar([event]), "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z") == ["2026-01-05T09:00:00Z→2026-01-05T10:00:00Z"])
        #expect(windows(try calendar([event], defaultTimeZone: "America/New_York"), "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")
                == ["2026-01-05T14:00:00Z→2026-01-05T15:00:00Z"])
    }

    @Test func unknownDefaultZoneIsAnError() {
        #expect(throws: CalendarError.self) { try calendar([], defaultTimeZone: "Nowhere/Special") }
    }

    @Test func allDayEventsSpanLocalMidnightToMidnight() throws {
        let cal = try calendar(["DTSTART;VALUE=DATE:20261225\nDTEND;VALUE=DATE:20261226\nTRANSP:TRANSPARENT"],
                               header: ["X-WR-TIMEZONE:Asia/Tokyo"])
        #expect(windows(cal, "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z") == ["2026-12-24T15:00:00Z→2026-12-25T15:00:00Z"])
        #expect(cal.state(at: at("2026-12-24T15:00:00Z")) == .closed)
        #expect(cal.state(at: at("2026-12-25T15:00:00Z")) == .open)
    }

    @Test func allDayWithoutDTENDLastsOneDayAndMultiDaySpansDays() throws {
        let cal = try calendar(["DTSTART;VALUE=DATE:20260101", "DTSTART;VALUE=DATE:20260110\nDTEND;VALUE=DATE:20260113"])
        #expect(windows(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")
                == ["2026-01-01T00:00:00Z→2026-01-02T00:00:00Z", "2026-01-10T00:00:00Z→2026-01-13T00:00:00Z"])
    }

    @Test func allDayAcrossDSTIsLocalMidnights() throws {
        // 2026-03-08: New York springs forward; the day is 23 hours long.
        let cal = try calendar(["DTSTART;VALUE=DATE:20260308\nDTEND;VALUE=DATE:20260309"], defaultTimeZone: "America/New_York")
        #expect(windows(cal, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z") == ["2026-03-08T05:00:00Z→2026-03-09T04:00:00Z"])
    }
}
