import ChangeCalendar
import Foundation
import Testing

@Suite("Recurrence")
struct RecurrenceTests {
    func starts(_ cal: CalendarSchedule, _ from: String, _ to: String) -> [String] {
        cal.instances(from: at(from), to: at(to)).map { CalendarTime.format($0.start) }
    }

    @Test func weeklyWeekdays() throws {
        let cal = try calendar(["DTSTART;TZID=Asia/Tokyo:20260105T080000\nDTEND;TZID=Asia/Tokyo:20260105T200000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"],
                               type: "DEFAULT_CLOSED")
        #expect(cal.state(at: at("2026-01-10T03:00:00Z")) == .closed)   // Saturday noon in Tokyo
        #expect(cal.state(at: at("2026-01-09T03:00:00Z")) == .open)     // Friday noon in Tokyo
        // Instances overlapping the range: Monday 08:00 JST is Sunday 23:00Z, so the next Monday's counts too.
        #expect(starts(cal, "2026-01-05T00:00:00Z", "2026-01-11T22:00:00Z").count == 5)
    }

    @Test func weeklyBySetPosIsApplied() throws {
        // libical 3.0.16 ignores BYSETPOS on WEEKLY rules: it would give every weekday.
        let cal = try calendar(["DTSTART:20260105T090000Z\nDTEND:20260105T100000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1"])
        #expect(starts(cal, "2026-01-01T00:00:00Z", "2026-01-20T00:00:00Z")
                == ["2026-01-05T09:00:00Z", "2026-01-09T09:00:00Z", "2026-01-12T09:00:00Z", "2026-01-16T09:00:00Z", "2026-01-19T09:00:00Z"])
        // Far from DTSTART as well (iteration starts at a week boundary).
        #expect(starts(cal, "2031-03-12T00:00:00Z", "2031-03-19T00:00:00Z") == ["2031-03-14T09:00:00Z", "2031-03-17T09:00:00Z"])
    }

    @Test func weeklyBySetPosWithCount() throws {
        let cal = try calendar(["DTSTART:20260105T090000Z\nDTEND:20260105T100000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=-1;COUNT=3"])
        // Fridays only (the last of MO,WE,FR each week), COUNT after BYSETPOS; DTSTART itself stays an instance.
        #expect(starts(cal, "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z")
                == ["2026-01-05T09:00:00Z", "2026-01-09T09:00:00Z", "2026-01-16T09:00:00Z", "2026-01-23T09:00:00Z"])
    }

    @Test func monthlyBySetPosIsLibicals() throws {
        // Last weekday of the month.
        let cal = try calendar(["DTSTART:20260130T090000Z\nDTEND:20260130T100000Z\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3"])
        #expect(starts(cal, "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z")
                == ["2026-01-30T09:00:00Z", "2026-02-27T09:00:00Z", "2026-03-31T09:00:00Z"])
    }

    @Test func weekStartChangesIntervalWeeks() throws {
        // RFC 5545 §3.8.5.3's own example.
        let mo = try calendar(["DTSTART:19970805T090000Z\nDTEND:19970805T100000Z\nRRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO"])
        #expect(starts(mo, "1997-08-01T00:00:00Z", "1997-09-30T00:00:00Z")
                == ["1997-08-05T09:00:00Z", "1997-08-10T09:00:00Z", "1997-08-19T09:00:00Z", "1997-08-24T09:00:00Z"])
        let su = try calendar(["DTSTART:19970805T090000Z\nDTEND:19970805T100000Z\nRRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU"])
        #expect(starts(su, "1997-08-01T00:00:00Z", "1997-09-30T00:00:00Z")
                == ["1997-08-05T09:00:00Z", "1997-08-17T09:00:00Z", "1997-08-19T09:00:00Z", "1997-08-31T09:00:00Z"])
    }

    @Test func everyFrequency() throws {
        // DTSTART is always an instance, so a DTSTART the rule does not match adds one.
        func count(_ rule: String, _ from: String, _ to: String, start: String = "20260101T000000Z") throws -> Int {
            try calendar(["DTSTART:\(start)\nDURATION:PT1S\nRRULE:\(rule)"]).instances(from: at(from), to: at(to)).count
        }
        #expect(try count("FREQ=SECONDLY;INTERVAL=10", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z") == 6)
        #expect(try count("FREQ=MINUTELY;INTERVAL=15", "2026-01-01T00:00:00Z", "2026-01-01T02:00:00Z") == 8)
        #expect(try count("FREQ=HOURLY;BYHOUR=9,17", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z", start: "20260101T090000Z") == 4)
        #expect(try count("FREQ=DAILY;INTERVAL=3", "2026-01-01T00:00:00Z", "2026-01-31T00:00:00Z") == 10)
        #expect(try count("FREQ=MONTHLY;BYMONTHDAY=1,15", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z") == 24)
        #expect(try count("FREQ=MONTHLY;BYMONTHDAY=-1", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z") == 13)
        #expect(try count("FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1", "2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z") == 8)
        #expect(try count("FREQ=YEARLY;BYYEARDAY=1,-1", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z") == 4)
        // libical 3.0.16 also returns Tue 2026-12-29 here; the BY* check drops it.
        #expect(try count("FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO", "2026-01-01T00:00:00Z", "2029-01-01T00:00:00Z") == 3)
        #expect(try count("FREQ=MONTHLY;BYDAY=2SA", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z") == 13)
        #expect(try count("FREQ=DAILY;BYMINUTE=0,30;BYHOUR=12", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z") == 5)
        #expect(try count("FREQ=DAILY;BYSECOND=0,30;BYMINUTE=5;BYHOUR=6", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z") == 5)
    }

    @Test func countAndUntil() throws {
        let counted = try calendar(["DTSTART:20260105T090000Z\nDTEND:20260105T100000Z\nRRULE:FREQ=DAILY;COUNT=3"])
        #expect(starts(counted, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z").count == 3)
        #expect(counted.nextTransition(after: at("2026-01-07T10:00:00Z")) == nil)
        let until = try calendar(["DTSTART:20260105T090000Z\nDTEND:20260105T100000Z\nRRULE:FREQ=DAILY;UNTIL=20260108T090000Z"])
        #expect(starts(until, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z").count == 4)   // UNTIL is inclusive
        #expect(until.nextTransition(after: at("2026-01-08T10:00:00Z")) == nil)
    }

    @Test func intervalAlignedFarFromStart() throws {
        // Every other Monday from 2020-01-06: the weeks must stay aligned to DTSTART in 2100.
        let cal = try calendar(["DTSTART;TZID=Europe/Berlin:20200106T090000\nDTEND;TZID=Europe/Berlin:20200106T100000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"])
        var tz = Foundation.Calendar(identifier: .gregorian)
        tz.timeZone = TimeZone(identifier: "Europe/Berlin")!
        let first = tz.date(from: DateComponents(year: 2020, month: 1, day: 6, hour: 9))!
        // Independent oracle: Foundation's calendar, stepping 14 days at a time.
        var expected: [String] = []
        var step = 0
        while true {
            let date = tz.date(byAdding: .day, value: 14 * step, to: first)!
            step += 1
            if date < at("2100-03-01T00:00:00Z") { continue }
            if date >= at("2100-05-01T00:00:00Z") { break }
            expected.append(CalendarTime.format(date))
        }
        #expect(!expected.isEmpty)
        #expect(starts(cal, "2100-03-01T00:00:00Z", "2100-05-01T00:00:00Z") == expected)
        #expect(cal.nextTransition(after: at("2100-03-01T00:00:00Z"))?.instant == CalendarTime.parse(expected[0]))
    }

    @Test func rdateWithTZIDDateAndPeriod() throws {
        let cal = try calendar([
            "DTSTART;TZID=Asia/Tokyo:20260105T090000\nDTEND;TZID=Asia/Tokyo:20260105T100000\nRDATE;TZID=Asia/Tokyo:20260110T090000\nRDATE;VALUE=PERIOD:20260112T080000Z/20260112T113000Z,20260113T080000Z/PT2H",
            "DTSTART;VALUE=DATE:20260201\nRDATE;VALUE=DATE:20260203,20260205",
        ])
        #expect(windows(cal, "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z") == [
            "2026-01-05T00:00:00Z→2026-01-05T01:00:00Z", "2026-01-10T00:00:00Z→2026-01-10T01:00:00Z",
            "2026-01-12T08:00:00Z→2026-01-12T11:30:00Z", "2026-01-13T08:00:00Z→2026-01-13T10:00:00Z",
            "2026-02-01T00:00:00Z→2026-02-02T00:00:00Z", "2026-02-03T00:00:00Z→2026-02-04T00:00:00Z",
            "2026-02-05T00:00:00Z→2026-02-06T00:00:00Z",
        ])
    }

    @Test func exdateWithTZIDAndAsDate() throws {
        let cal = try calendar(["DTSTART;TZID=Europe/Berlin:20260105T090000\nDTEND;TZID=Europe/Berlin:20260105T100000\nRRULE:FREQ=DAILY;COUNT=5\nEXDATE;TZID=Europe/Berlin:20260106T090000\nEXDATE;VALUE=DATE:20260108\nEXDATE:20260109T080000Z"])
        #expect(starts(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z") == ["2026-01-05T08:00:00Z", "2026-01-07T08:00:00Z"])
    }

    @Test func duplicateInstancesAreRemoved() throws {
        let cal = try calendar(["DTSTART:20260105T090000Z\nDTEND:20260105T100000Z\nRRULE:FREQ=DAILY;COUNT=3\nRRULE:FREQ=DAILY;COUNT=3\nRDATE:20260106T090000Z"])
        #expect(starts(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z") == ["2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z", "2026-01-07T09:00:00Z"])
    }

    @Test func recurrenceIDOverrideMovesOneInstance() throws {
        let cal = try calendar([
            "UID:standup\nDTSTART;TZID=Europe/Berlin:20260105T090000\nDTEND;TZID=Europe/Berlin:20260105T100000\nRRULE:FREQ=DAILY;COUNT=3",
            "UID:standup\nRECURRENCE-ID;TZID=Europe/Berlin:20260106T090000\nDTSTART;TZID=Europe/Berlin:20260106T140000\nDTEND;TZID=Europe/Berlin:20260106T153000",
        ])
        #expect(windows(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z") == [
            "2026-01-05T08:00:00Z→2026-01-05T09:00:00Z", "2026-01-06T13:00:00Z→2026-01-06T14:30:00Z",
            "2026-01-07T08:00:00Z→2026-01-07T09:00:00Z",
        ])
    }

    @Test func recurrenceIDMatchedInTheMastersValueType() throws {
        // Exchange: a DATE-TIME RECURRENCE-ID with a Windows TZID against an all-day master.
        let cal = try calendar([
            "UID:allday\nDTSTART;VALUE=DATE:20260105\nDTEND;VALUE=DATE:20260106\nRRULE:FREQ=DAILY;COUNT=3",
            "UID:allday\nRECURRENCE-ID;TZID=GMT Standard Time:20260106T000000\nDTSTART;VALUE=DATE:20260110\nDTEND;VALUE=DATE:20260111",
        ])
        #expect(windows(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z") == [
            "2026-01-05T00:00:00Z→2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z→2026-01-08T00:00:00Z",
            "2026-01-10T00:00:00Z→2026-01-11T00:00:00Z",
        ])
    }

    @Test func rangeThisAndFutureShiftsLaterInstances() throws {
        let cal = try calendar([
            "UID:series\nDTSTART:20260101T100000Z\nDTEND:20260101T110000Z\nRRULE:FREQ=DAILY;COUNT=6",
            "UID:series\nRECURRENCE-ID;RANGE=THISANDFUTURE:20260104T100000Z\nDTSTART:20260104T140000Z\nDTEND:20260104T160000Z",
        ])
        #expect(windows(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z") == [
            "2026-01-01T10:00:00Z→2026-01-01T11:00:00Z", "2026-01-02T10:00:00Z→2026-01-02T11:00:00Z",
            "2026-01-03T10:00:00Z→2026-01-03T11:00:00Z", "2026-01-04T14:00:00Z→2026-01-04T16:00:00Z",
            "2026-01-05T14:00:00Z→2026-01-05T16:00:00Z", "2026-01-06T14:00:00Z→2026-01-06T16:00:00Z",
        ])
    }

    @Test func highestSequenceWins() throws {
        let cal = try calendar([
            "UID:moved\nSEQUENCE:2\nDTSTART:20260105T120000Z\nDTEND:20260105T130000Z",
            "UID:moved\nSEQUENCE:1\nDTSTART:20260105T100000Z\nDTEND:20260105T110000Z",
        ])
        #expect(windows(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z") == ["2026-01-05T12:00:00Z→2026-01-05T13:00:00Z"])
    }

    @Test func unsynchronizedStartCountsAsAnInstance() throws {
        // DTSTART on a Wednesday, rule on Mondays: DTSTART stays an instance (as Google,
        // Outlook and recurring-ical-events show it), and COUNT counts the rule's instances.
        let cal = try calendar(["DTSTART:20260107T090000Z\nDTEND:20260107T100000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=2"])
        #expect(starts(cal, "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z") == ["2026-01-07T09:00:00Z", "2026-01-12T09:00:00Z", "2026-01-19T09:00:00Z"])
    }

    @Test func exruleExcludes() throws {
        let cal = try calendar(["DTSTART:20260105T090000Z\nDTEND:20260105T100000Z\nRRULE:FREQ=DAILY;COUNT=7\nEXRULE:FREQ=WEEKLY;BYDAY=SA,SU"])
        #expect(starts(cal, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z").count == 5)
    }
}

@Suite("Rules libical iterates")
struct LibicalRuleTests {
    @Test func monthlyIntervalStaysAlignedFarFromStart() throws {
        // Every third month on the last Friday, from January 2020: in 2100 it must still be
        // January, April, July, October (python-dateutil agrees).
        let cal = try calendar(["DTSTART:20200131T090000Z\nDURATION:PT1H\nRRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR"])
        #expect(cal.instances(from: at("2100-01-01T00:00:00Z"), to: at("2101-01-01T00:00:00Z")).map { CalendarTime.format($0.start) }
                == ["2100-01-29T09:00:00Z", "2100-04-30T09:00:00Z", "2100-07-30T09:00:00Z", "2100-10-29T09:00:00Z"])
    }

    @Test func untilBeforeStartMeansNoInstances() throws {
        let cal = try calendar(["DTSTART;VALUE=DATE:20231002\nRRULE:FREQ=WEEKLY;UNTIL=20231001;INTERVAL=2;BYDAY=MO"])
        #expect(cal.instances(from: at("2023-01-01T00:00:00Z"), to: at("2024-01-01T00:00:00Z")).isEmpty)
    }

    @Test func allDayUntilDateIsInclusive() throws {
        let cal = try calendar(["DTSTART;VALUE=DATE:20190823\nDTEND;VALUE=DATE:20190824\nRRULE:FREQ=WEEKLY;UNTIL=20190830;BYDAY=FR"])
        #expect(cal.instances(from: at("2019-08-01T00:00:00Z"), to: at("2019-10-01T00:00:00Z")).count == 2)
    }

    @Test func overrideOfAnExcludedInstanceIsDropped() throws {
        let cal = try calendar([
            "UID:s\nDTSTART:20260105T090000Z\nDTEND:20260105T100000Z\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE:20260106T090000Z",
            "UID:s\nRECURRENCE-ID:20260106T090000Z\nDTSTART:20260106T150000Z\nDTEND:20260106T160000Z",
        ])
        #expect(cal.instances(from: at("2026-01-01T00:00:00Z"), to: at("2026-02-01T00:00:00Z")).count == 2)
    }
}

@Suite("Rules with no instances")
struct BarrenRuleTests {
    @Test func ruleThatNeverMatchesEndsTheSearch() throws {
        // February never has a 31st: only DTSTART is an instance, and asking for the next
        // transition afterwards must answer nil rather than search every chunk to 2582 anew.
        let cal = try calendar(["DTSTART:20260101T000000Z\nDTEND:20260101T010000Z\nRRULE:FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2"])
        #expect(cal.nextTransition(after: at("2026-06-01T00:00:00Z")) == nil)
        #expect(cal.state(at: at("2026-01-01T00:30:00Z")) == .closed)
    }
}
