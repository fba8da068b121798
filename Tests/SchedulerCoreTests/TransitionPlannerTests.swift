import ChangeCalendar
import Foundation
import SchedulerCore
import SchedulerTesting
import Testing

func at(_ text: String) -> Date { CalendarTime.parse(text)! }

/// Nightly stop 22:00–07:00 New York (03:00Z–12:00Z in winter).
func nightly() throws -> CalendarSchedule {
    try CalendarSchedule(ics: """
    BEGIN:VCALENDAR
    VERSION:2.0
    X-CALENDAR-TYPE:DEFAULT_OPEN
    BEGIN:VEVENT
    UID:nightly
    DTSTART;TZID=America/New_York:20261201T220000
    DTEND;TZID=America/New_York:20261202T070000
    RRULE:FREQ=DAILY
    END:VEVENT
    END:VCALENDAR
    """)
}

@Suite("Transition planner")
struct TransitionPlannerTests {
    let planner = TransitionPlanner()

    @Test func firstSightRecordsStateWithoutAnEvent() throws {
        let plan = planner.plan(now: at("2026-12-02T01:00:00Z"), calendars: ["nightly": try nightly()], emitted: [:])
        #expect(plan.emissions.isEmpty)
        #expect(plan.initialStates == ["nightly": .open])
        #expect(plan.wakeAt == at("2026-12-02T01:01:00Z"))   // the next transition is 03:00Z; sleeps are at most 60 s
    }

    @Test func wakesAtTheTransitionOrWithinAMinute() throws {
        let calendars = ["nightly": try nightly()]
        #expect(planner.plan(now: at("2026-12-02T02:59:30Z"), calendars: calendars, emitted: ["nightly": .open]).wakeAt
                == at("2026-12-02T03:00:00Z"))
        #expect(planner.plan(now: at("2026-12-02T01:00:00Z"), calendars: calendars, emitted: ["nightly": .open]).wakeAt
                == at("2026-12-02T01:01:00Z"))
    }

    @Test func onTimeTransitionIsEmittedOnceWithItsInstant() throws {
        let calendars = ["nightly": try nightly()]
        let plan = planner.plan(now: at("2026-12-02T03:00:00.004Z"), calendars: calendars, emitted: ["nightly": .open])
        #expect(plan.emissions.map(\.state) == [.closed])
        #expect(plan.emissions.first?.nextTransition == at("2026-12-02T12:00:00Z"))
        #expect(abs((plan.emissions.first?.lateness ?? 1) - 0.004) < 1e-6)
        #expect(plan.emissions.first?.at == at("2026-12-02T03:00:00Z"))
        #expect(plan.emissions.first?.isCatchUp == false)
        // Once recorded, the same instant emits nothing again.
        #expect(planner.plan(now: at("2026-12-02T03:00:01Z"), calendars: calendars, emitted: ["nightly": .closed]).emissions.isEmpty)
    }

    @Test func missedTransitionsCollapseIntoOneCatchUp() throws {
        let calendars = ["nightly": try nightly()]
        // Down from 01:00Z to 05:00Z: the 03:00Z close was missed.
        let plan = planner.plan(now: at("2026-12-02T05:00:00Z"), calendars: calendars, emitted: ["nightly": .open])
        #expect(plan.emissions.count == 1)
        #expect(plan.emissions.first?.isCatchUp == true)
        #expect(plan.emissions.first?.at == at("2026-12-02T03:00:00Z"))
        #expect(plan.emissions.first?.lateness == 7200)
        // Down for a whole day and back in the same state: nothing to emit.
        #expect(planner.plan(now: at("2026-12-03T05:00:00Z"), calendars: calendars, emitted: ["nightly": .closed]).emissions.isEmpty)
    }
}

@Suite("Timer loop on a manual clock")
struct TimerLoopTests {
    actor Recorder {
        var emissions: [Emission] = []
        func record(_ plan: TransitionPlan) { emissions += plan.emissions }
    }

    @Test func emitsExactlyAtEachTransitionWithoutSleeping() async throws {
        let clock = ManualWallClock(now: at("2026-12-02T00:00:00Z"))
        let calendar = try nightly()
        let recorder = Recorder()
        let loop = TimerLoop(clock: clock)
        let task = Task {
            try await loop.run(calendars: { ["nightly": calendar] }, emitted: ["nightly": .open]) { await recorder.record($0) }
        }
        // Step the clock from deadline to deadline for two days, as fast as the loop sleeps.
        while clock.now() < at("2026-12-04T00:00:00Z") {
            await clock.waitForSleepers()
            clock.advance(to: clock.nextDeadline!)
        }
        await clock.waitForSleepers()
        task.cancel()
        clock.cancelSleepers()
        _ = await task.result
        let emitted = await recorder.emissions
        #expect(emitted.map { CalendarTime.format($0.at) + " " + $0.state.rawValue } == [
            "2026-12-02T03:00:00Z CLOSED", "2026-12-02T12:00:00Z OPEN",
            "2026-12-03T03:00:00Z CLOSED", "2026-12-03T12:00:00Z OPEN",
        ])
        #expect(emitted.allSatisfy { $0.lateness == 0 && !$0.isCatchUp })
    }

    @Test func aClockStepIsNoticedWithinAMinute() async throws {
        let clock = ManualWallClock(now: at("2026-12-02T00:00:00Z"))
        let calendar = try nightly()
        let recorder = Recorder()
        let loop = TimerLoop(clock: clock)
        let task = Task {
            try await loop.run(calendars: { ["nightly": calendar] }, emitted: ["nightly": .open]) { await recorder.record($0) }
        }
        await clock.waitForSleepers()
        #expect(clock.nextDeadline == at("2026-12-02T00:01:00Z"))   // slices of at most 60 s
        clock.advance(to: at("2026-12-02T05:00:00Z"))                // the wall clock jumps (suspend, NTP step)
        await clock.waitForSleepers()
        task.cancel()
        clock.cancelSleepers()
        _ = await task.result
        let emitted = await recorder.emissions
        #expect(emitted.count == 1)
        #expect(emitted.first?.isCatchUp == true)
        #expect(emitted.first?.state == .closed)
    }
}

@Suite("Last transition")
struct LastTransitionTests {
    @Test func lastTransitionFindsTheCurrentStatesStart() throws {
        let cal = try nightly()
        #expect(cal.lastTransition(atOrBefore: at("2026-12-02T05:00:00Z")) == Transition(instant: at("2026-12-02T03:00:00Z"), state: .closed))
        #expect(cal.lastTransition(atOrBefore: at("2026-12-02T03:00:00Z"))?.instant == at("2026-12-02T03:00:00Z"))
        // The first event starts 2026-12-02T03:00Z (22:00 EST on 1 December): nothing before it.
        #expect(cal.lastTransition(atOrBefore: at("2026-12-02T02:59:59Z")) == nil)
        #expect(cal.lastTransition(atOrBefore: at("2026-12-02T12:30:00Z")) == Transition(instant: at("2026-12-02T12:00:00Z"), state: .open))
        // June 2031 is EDT: the night closes at 02:00Z.
        #expect(cal.lastTransition(atOrBefore: at("2031-06-10T09:00:00Z")) == Transition(instant: at("2031-06-10T02:00:00Z"), state: .closed))
    }
}
