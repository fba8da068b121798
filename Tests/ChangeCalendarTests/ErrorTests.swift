import ChangeCalendar
import Foundation
import Testing

@Suite("Errors say what and where")
struct ErrorTests {
    func expectError(_ text: String, _ code: CalendarError.Code, line: Int?, mentioning words: [String] = [],
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let error = loadError(text)
        #expect(error?.code == code, sourceLocation: sourceLocation)
        #expect(error?.line == line, sourceLocation: sourceLocation)
        for word in words {
            #expect(error?.message.contains(word) == true, "\(error?.message ?? "no error")", sourceLocation: sourceLocation)
        }
    }

    @Test func notICalendar() {
        expectError("hello world\n", .notICalendar, line: 1, mentioning: ["BEGIN:VCALENDAR"])
        expectError("", .notICalendar, line: nil)
        expectError("BEGIN:VCARD\nEND:VCARD\n", .notICalendar, line: 1)
    }

    @Test func unterminatedComponent() {
        let text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nDTSTART:20260101T000000Z\nEND:VCALENDAR\n"
        expectError(text, .unterminatedComponent, line: 3, mentioning: ["VEVENT"])
        expectError("BEGIN:VCALENDAR\nVERSION:2.0\n", .unterminatedComponent, line: 1, mentioning: ["END:VCALENDAR"])
    }

    @Test func eventWithoutDTSTART() {
        expectError(ics(["SUMMARY:No start\nDTEND:20260101T000000Z"]), .missingStart, line: 4, mentioning: ["DTSTART", "No start"])
    }

    @Test func unparseableDate() {
        expectError(ics(["DTSTART;TZID=Asia/Tokyo:2025060XT090000\nDTEND:20260101T000000Z"]), .invalidDate, line: 6, mentioning: ["DTSTART"])
        expectError(ics(["DTSTART:20260101T000000Z\nDTEND:tomorrow"]), .invalidDate, line: 7, mentioning: ["DTEND"])
        expectError(ics(["DTSTART:20260231T000000Z"]), .invalidDate, line: 6)
    }

    @Test func unparseableRRULE() {
        expectError(ics(["DTSTART:20260101T000000Z\nDTEND:20260101T010000Z\nRRULE:FREQ=WEEKLY;BYDAY=XX"]),
                    .invalidRecurrenceRule, line: 8, mentioning: ["RRULE"])
        expectError(ics(["DTSTART:20260101T000000Z\nDTEND:20260101T010000Z\nRRULE:BYDAY=MO"]),
                    .invalidRecurrenceRule, line: 8)
    }

    @Test func unknownTimeZone() {
        expectError(ics(["DTSTART;TZID=Eastern Time (Custom):20260101T000000\nDTEND:20260101T010000Z"]),
                    .unknownTimeZone, line: 6, mentioning: ["Eastern Time (Custom)"])
        expectError(ics([], header: ["X-WR-TIMEZONE:Atlantis/Capital"]), .unknownTimeZone, line: 4, mentioning: ["X-WR-TIMEZONE"])
    }

    @Test func endBeforeStart() {
        expectError(ics(["SUMMARY:Backwards\nDTSTART:20260102T000000Z\nDTEND:20260101T000000Z"]), .endBeforeStart, line: 8,
                    mentioning: ["Backwards", "DTEND"])
        expectError(ics(["DTSTART:20260102T000000Z\nDURATION:-PT1H"]), .endBeforeStart, line: 7)
        expectError(ics(["DTSTART;VALUE=DATE:20260102\nDTEND;VALUE=DATE:20260101"]), .endBeforeStart, line: 7)
    }

    @Test func unknownCalendarType() {
        expectError(ics([], type: "DEFAULT_MAYBE"), .unknownCalendarType, line: 4, mentioning: ["DEFAULT_MAYBE"])
    }

    @Test func emptyPropertiesAreNotErrors() throws {
        // Every Google export has empty DESCRIPTION:/LOCATION: lines; AWS writes an empty X-WR-CALDESC:.
        let cal = try calendar(["DESCRIPTION:\nLOCATION:\nDTSTART:20260101T090000Z\nDTEND:20260101T100000Z"], header: ["X-WR-CALDESC:"])
        #expect(cal.state(at: at("2026-01-01T09:30:00Z")) == .closed)
    }

    @Test func formattedLikeACompiler() {
        let error = CalendarError(code: .invalidDate, line: 12, message: "cannot read DTSTART")
        #expect(error.formatted(file: "cal.ics") == "cal.ics:12: cannot read DTSTART")
    }
}

@Suite("Instants as AWS writes them")
struct CalendarTimeTests {
    @Test func acceptedForms() {
        let utc = at("2020-07-30T18:05:14Z")
        #expect(CalendarTime.parse("2020-07-30T11:05:14-0700") == utc)
        #expect(CalendarTime.parse("2020-07-30T11:05:14-07:00") == utc)
        #expect(CalendarTime.parse("2020-07-31T03:05:14+09:00") == utc)
        #expect(CalendarTime.parse("20200730T180514Z") == utc)
        #expect(CalendarTime.parse("2020-07-30T18:05:14") == utc)
        #expect(CalendarTime.parse("2020-07-30T18:05:14.250Z")?.timeIntervalSince1970 == utc.timeIntervalSince1970 + 0.25)
        #expect(CalendarTime.parse("2020-07-30") == at("2020-07-30T00:00:00Z"))
    }

    @Test func rejectedForms() {
        for text in ["", "yesterday", "2020-13-01T00:00:00Z", "2020-02-30T00:00:00Z", "2020-07-30T25:00:00Z", "2020-07-30T18:05:14+", "2020-07-30T18:05:14Zjunk"] {
            #expect(CalendarTime.parse(text) == nil, "\(text)")
        }
    }

    @Test func formatsWithoutFractions() {
        #expect(CalendarTime.format(Date(timeIntervalSince1970: 1_596_132_314.9)) == "2020-07-30T18:05:14Z")
    }
}
