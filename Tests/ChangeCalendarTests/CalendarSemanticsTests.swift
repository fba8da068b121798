import ChangeCalendar
import Foundation
import Testing

@Suite("Calendar type and which events count")
struct CalendarSemanticsTests {
    let nineToFive = "DTSTART:20260105T090000Z\nDTEND:20260105T170000Z"

    @Test func defaultOpenClosesDuringEvents() throws {
        let cal = try calendar([nineToFive], type: "DEFAULT_OPEN")
        #expect(cal.type == .defaultOpen)
        #expect(cal.state(at: at("2026-01-05T08:59:59Z")) == .open)
        #expect(cal.state(at: at("2026-01-05T09:00:00Z")) == .closed)
        #expect(cal.state(at: at("2026-01-05T16:59:59Z")) == .closed)
        #expect(cal.state(at: at("2026-01-05T17:00:00Z")) == .open)
        #expect(transitions(cal, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")
                == ["2026-01-05T09:00:00Z CLOSED", "2026-01-05T17:00:00Z OPEN"])
    }

    @Test func defaultClosedOpensDuringEvents() throws {
        let cal = try calendar([nineToFive], type: "DEFAULT_CLOSED")
        #expect(cal.state(at: at("2026-01-05T08:00:00Z")) == .closed)
        #expect(cal.state(at: at("2026-01-05T12:00:00Z")) == .open)
        #expect(cal.nextTransition(after: at("2026-01-05T12:00:00Z"))
                == Transition(instant: at("2026-01-05T17:00:00Z"), state: .closed))
    }

    @Test func missingTypeMeansDefaultOpen() throws {
        #expect(try calendar([nineToFive]).type == .defaultOpen)
    }

    @Test func unknownTypeIsAnErrorOnItsLine() {
        let error = loadError(ics([nineToFive], type: "SOMETIMES_OPEN"))
        #expect(error?.code == .unknownCalendarType)
        #expect(error?.line == 4)
    }

    @Test func noEventsMeansDefaultStateForever() throws {
        let cal = try calendar([], type: "DEFAULT_CLOSED",
                               trailer: ["BEGIN:VTODO", "DTSTAMP:20200320T004207Z", "UID:3b5af39a", "SUMMARY:Add events to this calendar.", "END:VTODO"])
        #expect(cal.state(at: at("2026-06-01T00:00:00Z")) == .closed)
        #expect(cal.nextTransition(after: at("2026-06-01T00:00:00Z")) == nil)
    }

    @Test func cancelledZeroLengthAndAdvisoryEventsHaveNoEffect() throws {
        let cal = try calendar([
            "STATUS:CANCELLED\nDTSTART:20260105T090000Z\nDTEND:20260105T170000Z",
            "DTSTART:20260106T090000Z",                                         // zero length: no DTEND
            "DTSTART:20260107T090000Z\nDTEND:20260107T090000Z",                 // zero length
            "X-EVENT-TYPE:ADVISORY\nDTSTART:20260108T090000Z\nDTEND:20260108T170000Z",
            "X-EVENT-TYPE:STANDARD\nDTSTART:20260109T090000Z\nDTEND:20260109T100000Z",
        ])
        #expect(transitions(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")
                == ["2026-01-09T09:00:00Z CLOSED", "2026-01-09T10:00:00Z OPEN"])
        #expect(cal.eventCount == 5)
        #expect(cal.activeEventCount == 3)
    }

    @Test func cancelledInstanceOverrideRemovesOnlyThatInstance() throws {
        let cal = try calendar([
            "UID:daily\nDTSTART:20260105T090000Z\nDTEND:20260105T100000Z\nRRULE:FREQ=DAILY;COUNT=3",
            "UID:daily\nRECURRENCE-ID:20260106T090000Z\nSTATUS:CANCELLED\nDTSTART:20260106T090000Z\nDTEND:20260106T100000Z",
        ])
        #expect(windows(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")
                == ["2026-01-05T09:00:00Z→2026-01-05T10:00:00Z", "2026-01-07T09:00:00Z→2026-01-07T10:00:00Z"])
    }

    @Test func overlappingAndTouchingEventsAreOneWindow() throws {
        let cal = try calendar([
            "DTSTART:20260105T100000Z\nDTEND:20260105T120000Z",
            "DTSTART:20260105T110000Z\nDTEND:20260105T130000Z",   // overlaps
            "DTSTART:20260105T130000Z\nDTEND:20260105T140000Z",   // touches
            "DTSTART:20260105T100000Z\nDTEND:20260105T120000Z",   // duplicate of the first
        ])
        #expect(transitions(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")
                == ["2026-01-05T10:00:00Z CLOSED", "2026-01-05T14:00:00Z OPEN"])
    }

    @Test func nextTransitionIsNilAfterTheLastEvent() throws {
        let cal = try calendar([nineToFive])
        #expect(cal.nextTransition(after: at("2026-01-05T17:00:00Z")) == nil)
        #expect(cal.nextTransition(after: at("2026-01-05T16:59:59.5Z"))?.instant == at("2026-01-05T17:00:00Z"))
    }

    @Test func transitionsIncludeTheRangeStartAndExcludeItsEnd() throws {
        let cal = try calendar([nineToFive])
        #expect(transitions(cal, "2026-01-05T09:00:00Z", "2026-01-05T17:00:00Z") == ["2026-01-05T09:00:00Z CLOSED"])
    }

    @Test func exampleCalendarsLoad() throws {
        let folder = repositoryRoot.appendingPathComponent("config/calendars")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".ics") }
        #expect(files.count >= 6)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let cal = try CalendarSchedule(ics: text)
            #expect(cal.activeEventCount > 0, "\(file)")
            #expect(!cal.transitions(from: at("2026-12-01T00:00:00Z"), to: at("2027-12-31T00:00:00Z")).isEmpty, "\(file)")
        }
    }
}

@Suite("Combining calendars (AWS: OPEN only when all are open)")
struct CalendarSetTests {
    @Test func openOnlyWhenAllAreOpen() throws {
        let a = try calendar(["DTSTART:20260105T090000Z\nDTEND:20260105T120000Z"])
        let b = try calendar(["DTSTART:20260105T110000Z\nDTEND:20260105T140000Z"])
        let set = CalendarSet([a, b])
        #expect(set.state(at: at("2026-01-05T08:00:00Z")) == .open)
        #expect(set.state(at: at("2026-01-05T10:00:00Z")) == .closed)
        #expect(set.state(at: at("2026-01-05T13:00:00Z")) == .closed)
        // a reopens at 12:00 but b is still closed: the combined state flips only at 14:00.
        #expect(set.nextTransition(after: at("2026-01-05T10:00:00Z")) == Transition(instant: at("2026-01-05T14:00:00Z"), state: .open))
        #expect(set.transitions(from: at("2026-01-01T00:00:00Z"), to: at("2026-02-01T00:00:00Z")).map(\.instant)
                == [at("2026-01-05T09:00:00Z"), at("2026-01-05T14:00:00Z")])
    }

    @Test func defaultClosedAndDefaultOpenTogether() throws {
        let officeHours = try calendar(["DTSTART:20260105T090000Z\nDTEND:20260105T170000Z\nRRULE:FREQ=DAILY"], type: "DEFAULT_CLOSED")
        let freeze = try calendar(["DTSTART:20260107T000000Z\nDTEND:20260108T000000Z"])
        let set = CalendarSet([officeHours, freeze])
        #expect(set.state(at: at("2026-01-06T10:00:00Z")) == .open)
        #expect(set.state(at: at("2026-01-07T10:00:00Z")) == .closed)
        #expect(set.nextTransition(after: at("2026-01-06T20:00:00Z")) == Transition(instant: at("2026-01-08T09:00:00Z"), state: .open))
    }

    @Test func neverChangingSetHasNoNextTransition() throws {
        let set = CalendarSet([try calendar([]), try calendar([], type: "DEFAULT_CLOSED")])
        #expect(set.state(at: at("2026-01-01T00:00:00Z")) == .closed)
        #expect(set.nextTransition(after: at("2026-01-01T00:00:00Z")) == nil)
    }
}
