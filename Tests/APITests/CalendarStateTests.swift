import EventBus
import Foundation
import Testing

@Suite("GetCalendarState over HTTP")
struct CalendarStateTests {
    @Test("names and ARNs, AtTime in AWS's forms, the AND rule, NextTransitionTime")
    func states() async throws {
        let server = try await APITestServer(calendars: ["nightly": Fixtures.nightly, "office": Fixtures.officeHours, "never": Fixtures.never])
        defer { server.stop() }
        // Tuesday 2026-12-01 12:00Z: the nightly calendar is open, the office one open.
        let both = try await server.call("AmazonSSM.GetCalendarState", [
            "CalendarNames": ["nightly", "arn:aws:ssm:us-east-1:123456789012:document/office"],
        ])
        #expect(both.status == 200)
        #expect(both.body == ["State": "OPEN", "AtTime": "2026-12-01T12:00:00Z", "NextTransitionTime": "2026-12-01T17:00:00Z"])

        let evening = try await server.call("AmazonSSM.GetCalendarState", [
            "CalendarNames": ["nightly", "office"], "AtTime": "2026-12-01T11:30:00-0700",
        ])
        // 18:30Z: office closed, so the AND is closed until office opens at 09:00Z tomorrow.
        #expect(evening.body == ["State": "CLOSED", "AtTime": "2026-12-01T18:30:00Z", "NextTransitionTime": "2026-12-02T09:00:00Z"])

        let colon = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": ["nightly"], "AtTime": "2026-12-02T07:00:00+09:00"])
        #expect(colon.body["State"] == "CLOSED")   // 22:00Z on the 1st

        let forever = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": ["never"]])
        #expect(forever.body == ["State": "OPEN", "AtTime": "2026-12-01T12:00:00Z"], "NextTransitionTime omitted when there is none")

        server.clock.advance(to: Date(timeIntervalSince1970: 1_796_162_400))   // 2026-12-01T22:00:00Z
        let now = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": ["nightly"]])
        #expect(now.body["State"] == "CLOSED", "without AtTime the daemon's clock decides")
    }

    @Test("AWS's errors: missing document, wrong type, bad time, no names")
    func errors() async throws {
        let server = try await APITestServer(calendars: ["nightly": Fixtures.nightly])
        defer { server.stop() }
        try server.database.putDocument(name: "runbook", type: "Automation", content: "{}", origin: .api, now: Date())
        try server.database.putDocument(name: "legacy", type: "ChangeCalendar", content: "not a calendar", origin: .api, now: Date())
        let unsupported = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": ["legacy"]])
        #expect(unsupported.errorType == "UnsupportedCalendarException")
        let empty = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": []])
        #expect(empty.errorType == "ValidationException")
        let missing = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": ["nightly", "nope"]])
        #expect(missing.errorType == "InvalidDocument")
        let wrongType = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": ["runbook"]])
        #expect(wrongType.errorType == "InvalidDocumentType")
        let badTime = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": ["nightly"], "AtTime": "tomorrow"])
        #expect(badTime.errorType == "ValidationException")
        let noNames = try await server.call("AmazonSSM.GetCalendarState", [:])
        #expect(noNames.errorType == "ValidationException")
        #expect(noNames.message?.contains("'calendarNames'") == true)
        let wrongShape = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": "nightly"])
        #expect(wrongShape.errorType == "SerializationException")
    }
}
