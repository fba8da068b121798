import ChangeCalendar
import Foundation
import GRDB
import Store
import SchedulerTesting
import Testing

// The daemon as people run it: the real `schedulerd` binary on simulated time, its
// configuration and calendars in a temporary directory, command targets that append what they
// receive to files, and the database read back afterwards.

@Suite("schedulerd serve, the real process", .timeLimit(.minutes(3)))
struct ServeProcessTests {
    // MARK: 1. End to end

    @Test("two simulated days: one event per transition, the command gets every CLOSED payload, SIGTERM exits 0")
    func endToEnd() async throws {
        let sandbox = try Sandbox()
        let data = sandbox.path("data"), received = sandbox.path("received.txt")
        try sandbox.write("calendars/nightly.ics", Fixtures.nightly)
        try sandbox.write("calendars/office.ics", Fixtures.office)
        try sandbox.write("calendars/holidays.ics", Fixtures.holidays)
        let recorder = try sandbox.write("record.sh", Fixtures.recorder, executable: true)
        let config = try sandbox.write("schedulerd.yaml", """
            listen: 127.0.0.1:0
            data_dir: \(data)
            calendars_dir: \(sandbox.path("calendars"))
            rules:
              - name: nightly-closed
                event_pattern:
                  source: [aws.ssm]
                  detail-type: [Calendar State Change]
                  resources: ["arn:aws:ssm:us-east-1:123456789012:document/nightly"]
                  detail:
                    state: [CLOSED]
                targets:
                  - id: stop-fleet
                    command: ["/bin/sh", "\(recorder)", "\(received)"]
                    input_transformer:
                      input_paths_map:
                        state: $.detail.state
                        at: $.detail.atTime
                        calendar: "$.resources[0]"
                      input_template: '{"calendar": "<calendar>", "state": "<state>", "at": "<at>"}'
              - name: all-ssm
                event_pattern: {source: [aws.ssm]}
                targets:
                  - id: event-log
                    log: true
            """)
        let speed = 3600.0
        let start = try #require(CalendarTime.parse("2026-12-01T00:00:00Z"))
        let end = try #require(CalendarTime.parse("2026-12-03T00:00:00Z"))
        // Worked out from the facts, not from the engine. December: New York is UTC-5, Tokyo UTC+9,
        // 2026-12-01 is a Tuesday, and the holiday is 2026-12-01 in New York (midnight is 05:00Z).
        let expected: [Expected] = [
            Expected("nightly", "2026-12-01T03:00:00Z", "CLOSED"),   // 22:00 EST
            Expected("holidays", "2026-12-01T05:00:00Z", "CLOSED"),  // local midnight, holiday starts
            Expected("office", "2026-12-01T11:00:00Z", "CLOSED"),    // 20:00 JST Tuesday
            Expected("nightly", "2026-12-01T12:00:00Z", "OPEN"),     // 07:00 EST
            Expected("office", "2026-12-01T23:00:00Z", "OPEN"),      // 08:00 JST Wednesday
            Expected("nightly", "2026-12-02T03:00:00Z", "CLOSED"),
            Expected("holidays", "2026-12-02T05:00:00Z", "OPEN"),    // the holiday is over
            Expected("office", "2026-12-02T11:00:00Z", "CLOSED"),
            Expected("nightly", "2026-12-02T12:00:00Z", "OPEN"),
            Expected("office", "2026-12-02T23:00:00Z", "OPEN"),      // 08:00 JST Thursday
        ]

        let launched = ContinuousClock.now
        let daemon = try ServeProcess(in: sandbox, name: "serve", arguments: [
            "serve", "--config", config, "--data-dir", data,
            "--clock-speed", "\(speed)", "--clock-start", CalendarTime.format(start),
        ])
        defer { daemon.stop() }
        _ = try await eventually("the three calendars first seen", within: 30, daemon: daemon) {
            daemon.stderr().components(separatedBy: "calendar first seen").count - 1 >= 3 ? true : nil
        }
        // Each transition in turn, each wait bounded by when it is due plus a margin.
        for item in expected {
            let due = item.at.timeIntervalSince(start) / speed
            let waited = seconds(since: launched)
            _ = try await eventually("\(item) recorded", within: max(0, due - waited) + 10, every: .milliseconds(500),
                                     daemon: daemon) {
                try listEvents(dataDirectory: data).contains { $0.matches(item) } ? true : nil
            }
        }
        // Let simulated time pass the end of the span, and every delivery finish.
        let remaining = end.timeIntervalSince(start) / speed + 1 - seconds(since: launched)
        if remaining > 0 { try await Task.sleep(for: .seconds(remaining)) }
        let events = try await eventually("every delivery in the span delivered", within: 15, daemon: daemon) {
            let events = try listEvents(dataDirectory: data).filter { $0.instant < end }
            return events.allSatisfy { $0.deliveries.allSatisfy { $0.status == "delivered" } } ? events : nil
        }
        #expect(daemon.isRunning, "the daemon stopped on its own: \(daemon.stderrTail())")

        // Exactly the expected transitions, each once, and nothing else in the span.
        #expect(events.map(\.summary).sorted() == expected.map(\.description).sorted())
        for event in events {
            #expect(event.event.source == "aws.ssm" && event.event.detailType == "Calendar State Change")
            // Not checked: `catchUp`. The planner marks a transition noticed more than 60 simulated
            // seconds late as a catch-up, and at 3600x that is 17 ms of real scheduling delay, so
            // on a busy machine an on-time transition can carry the flag.
            #expect(event.deliverable)
            let isNightlyClosed = event.calendar == "nightly" && event.event.detail.state == "CLOSED"
            let routes = event.deliveries.map { "\($0.rule)/\($0.target)" }.sorted()
            #expect(routes == (isNightlyClosed ? ["all-ssm/event-log", "nightly-closed/stop-fleet"] : ["all-ssm/event-log"]),
                    "\(event.summary)")
        }

        // The command received exactly the CLOSED payloads of the nightly calendar (at least
        // once each), rendered by the input transformer, under their idempotency keys.
        let payloads = try receivedPayloads(received)
        let closed = events.filter { $0.calendar == "nightly" && $0.event.detail.state == "CLOSED" }
        #expect(closed.count == 2)
        #expect(Set(payloads.keys) == Set(closed.map { "\($0.event.id):stop-fleet" }))
        for event in closed {
            let want = #"{"calendar": "arn:aws:ssm:us-east-1:123456789012:document/nightly", "state": "CLOSED", "at": ""#
                + event.event.detail.atTime + #""}"#
            let got = payloads["\(event.event.id):stop-fleet"] ?? []
            #expect(!got.isEmpty && got.allSatisfy { $0 == want }, "payloads for \(event.summary): \(got)")
        }
        #expect(daemon.stderr().components(separatedBy: "event delivered to log").count - 1 >= expected.count)

        // SIGTERM: drained and stopped with status 0 within a few seconds.
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit(within: 5), "no exit within 5 s of SIGTERM")
        #expect(daemon.exitedNormally && daemon.status == 0, "exit: \(daemon.exitDescription); \(daemon.stderrTail())")
        #expect(try SchedulerDatabase.open(directory: data).integrityCheck() == "ok")
    }

    // MARK: 2. Refusals

    @Test("an unknown configuration key and an invalid calendar file each stop serve with FILE:LINE")
    func invalidFilesAreRefusedAtStart() async throws {
        let sandbox = try Sandbox()
        let data = sandbox.path("data")
        try sandbox.write("calendars/flip.ics", Fixtures.flip)
        let badConfig = try sandbox.write("unknown-key.yaml", """
            listen: 127.0.0.1:0
            data_dir: \(data)
            calendars_dir: \(sandbox.path("calendars"))
            colour: blue
            """)
        let arguments = ["--data-dir", data, "--clock-speed", "3600", "--clock-start", "2026-12-01T00:00:00Z"]
        let first = try ServeProcess(in: sandbox, name: "unknown-key", arguments: ["serve", "--config", badConfig] + arguments)
        defer { first.stop() }
        #expect(try await first.waitForExit(within: 30), "serve kept running with an unknown key")
        #expect(first.exitedNormally && first.status != 0, "exit: \(first.exitDescription)")
        #expect(first.stderr().contains("\(badConfig):4:"), "stderr: \(first.stderr())")
        #expect(first.stderr().contains("colour"))

        try sandbox.write("broken-calendars/flip.ics", Fixtures.flip)
        let brokenCalendar = try sandbox.write("broken-calendars/broken.ics", Fixtures.broken)
        let config = try sandbox.write("schedulerd.yaml", """
            listen: 127.0.0.1:0
            data_dir: \(data)
            calendars_dir: \(sandbox.path("broken-calendars"))
            """)
        let second = try ServeProcess(in: sandbox, name: "broken-calendar", arguments: ["serve", "--config", config] + arguments)
        defer { second.stop() }
        #expect(try await second.waitForExit(within: 30), "serve kept running with an invalid calendar")
        #expect(second.exitedNormally && second.status != 0, "exit: \(second.exitDescription)")
        #expect(second.stderr().contains("\(brokenCalendar):\(Fixtures.brokenLine):"), "stderr: \(second.stderr())")
    }

    @Test("systemd's notify protocol from a running serve: READY with STATUS, WATCHDOG at half the interval, RELOADING on SIGHUP, STOPPING on SIGTERM")
    func notifiesSystemd() async throws {
        let sandbox = try Sandbox()
        let data = sandbox.path("data")
        try sandbox.write("calendars/flip.ics", Fixtures.flip)
        let config = try sandbox.write("schedulerd.yaml", """
            listen: 127.0.0.1:0
            data_dir: \(data)
            calendars_dir: \(sandbox.path("calendars"))
            auth: none
            """)
        let listener = try NotifyListener(path: sandbox.path("notify.sock"))
        let daemon = try ServeProcess(in: sandbox, name: "serve", arguments: ["serve", "--config", config],
                                      environment: ["NOTIFY_SOCKET": listener.notifySocket, "WATCHDOG_USEC": "2000000"])
        defer { daemon.stop() }
        var messages: [String] = []
        func collect(until what: String, within seconds: Double) async throws -> String {
            try await eventually(what, within: seconds, every: .milliseconds(20), daemon: daemon) {
                while let message = listener.receive() { messages.append(message) }
                return messages.last { $0.contains(what) }
            }
        }
        let ready = try await collect(until: "READY=1", within: 30)
        #expect(ready.contains("STATUS=1 calendars; next: flip"), "\(ready)")
        // WATCHDOG_USEC=2 s: the loop pings at least every second.
        let start = ContinuousClock.now
        messages.removeAll()
        _ = try await collect(until: "WATCHDOG=1", within: 5)
        messages.removeAll()
        _ = try await collect(until: "WATCHDOG=1", within: 5)
        #expect(seconds(since: start) < 3.5, "two watchdog pings took \(seconds(since: start)) s")

        daemon.signal(SIGHUP)
        _ = try await collect(until: "RELOADING=1", within: 10)
        _ = try await collect(until: "READY=1", within: 10)
        daemon.signal(SIGTERM)
        _ = try await collect(until: "STOPPING=1", within: 10)
        #expect(try await daemon.waitForExit(within: 10))
        #expect(daemon.exitedNormally && daemon.status == 0, "exit: \(daemon.exitDescription)")
    }

    @Test("at log_level debug, each service is named in a short line, not dumped with the configuration")
    func servicesHaveShortNames() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("calendars/flip.ics", Fixtures.flip)
        let rules = (0..<20).map { "  - {name: rule-\($0), event_pattern: {source: [custom.app-\($0)]}, targets: [{id: log, log: true}]}" }
        let config = try sandbox.write("schedulerd.yaml", """
            listen: 127.0.0.1:0
            data_dir: \(sandbox.path("data"))
            calendars_dir: \(sandbox.path("calendars"))
            auth: none
            log_level: debug
            rules:
            \(rules.joined(separator: "\n"))
            """)
        let daemon = try ServeProcess(in: sandbox, name: "serve", arguments: ["serve", "--config", config])
        defer { daemon.stop() }
        let names = ["TransitionService", "ScheduleService", "AutomationEngine", "DeliveryService", "ResourceTransitionService",
                     "ParameterPolicyService", "ReloadService", "APIServer", "HistoryRetentionService"]
        let lines = try await eventually("a 'Starting service' line for each service", within: 30, daemon: daemon) { () -> [Substring]? in
            let lines = daemon.stderr().split(separator: "\n").filter { $0.contains("Starting service") && !$0.contains("lifecycle") }
            return names.allSatisfy { name in lines.contains { $0.contains(name) } } ? lines : nil
        }
        // Named by ServiceLifecycle's `"\(service)"` alone, a service was reflected field by
        // field into its name: the rules, the calendars and the whole configuration.
        #expect(lines.allSatisfy { $0.count < 400 }, "longest: \(lines.map(\.count).max() ?? 0) characters")
        #expect(!daemon.stderr().contains("rule-7"), "a rule's name reached the log")
    }

    @Test("SIGHUP with an invalid configuration or calendar keeps the daemon running on what it had")
    func invalidReloadKeepsRunning() async throws {
        let sandbox = try Sandbox()
        let data = sandbox.path("data")
        let calendar = try sandbox.write("calendars/flip.ics", Fixtures.flip)
        let valid = """
            listen: 127.0.0.1:0
            data_dir: \(data)
            calendars_dir: \(sandbox.path("calendars"))
            rules:
              - name: old-rule
                event_pattern: {source: [aws.ssm]}
                targets:
                  - id: event-log
                    log: true
            """
        let config = try sandbox.write("schedulerd.yaml", valid)
        let daemon = try ServeProcess(in: sandbox, name: "serve", arguments: [
            "serve", "--config", config, "--data-dir", data, "--clock-speed", "3600", "--clock-start", "2026-12-01T00:00:00Z",
        ])
        defer { daemon.stop() }
        // Events flow (flip closes at :10 and opens at :40 of every simulated hour: every 0.5 s).
        var seen = try await eventsAfter(nil, atLeast: 2, dataDirectory: data, daemon: daemon)

        // 1. A configuration with an unknown key (and a renamed rule, which must not take effect).
        try sandbox.write("schedulerd.yaml", valid.replacingOccurrences(of: "old-rule", with: "new-rule") + "\ncolour: blue\n")
        daemon.signal(SIGHUP)
        _ = try await eventually("'reload refused' on stderr", within: 30, daemon: daemon) {
            daemon.stderr().contains("reload refused") ? true : nil
        }
        #expect(daemon.stderr().contains("\(config):"), "the refusal names the file: \(daemon.stderrTail())")
        seen = try await eventsAfter(seen.last!.instant, atLeast: 2, dataDirectory: data, daemon: daemon)
        for event in seen {
            #expect(event.deliveries.map(\.rule) == ["old-rule"], "\(event.summary) routed by \(event.deliveries.map(\.rule))")
        }

        // 2. A valid configuration again, but the calendar broken: the calendar is refused, its
        // previous version keeps running.
        try sandbox.write("schedulerd.yaml", valid)
        try sandbox.write("calendars/flip.ics", Fixtures.broken)
        daemon.signal(SIGHUP)
        _ = try await eventually("the broken calendar refused on reload", within: 30, daemon: daemon) {
            daemon.stderr().contains("\(calendar):\(Fixtures.brokenLine):") ? true : nil
        }
        seen = try await eventsAfter(seen.last!.instant, atLeast: 2, dataDirectory: data, daemon: daemon)
        for event in seen {
            let minute = Calendar.utc.component(.minute, from: event.instant)
            #expect([10, 40].contains(minute) && event.deliveries.map(\.rule) == ["old-rule"], "\(event.summary)")
        }
        #expect(daemon.isRunning)

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit(within: 10), "no exit within 10 s of SIGTERM")
        #expect(daemon.exitedNormally && daemon.status == 0, "exit: \(daemon.exitDescription); \(daemon.stderrTail())")
    }

    // MARK: 3. Crashes

    @Test("SIGKILL at random moments 20 times: every transition once, every delivery made, no key twice, database sound")
    func survivesRepeatedKills() async throws {
        let began = ContinuousClock.now
        let sandbox = try Sandbox()
        let data = sandbox.path("data")
        let speed = 2400.0
        let firstStart = try #require(CalendarTime.parse("2026-12-01T00:00:00Z"))
        // The burst: from 01:00 to `until` every calendar flips every 30 simulated minutes (0.75 s
        // at this speed), pairs of calendars at the same instant, a pair every 3 minutes: about
        // 27 transitions a second. The kills cover roughly the first 10 simulated hours; the last
        // run plays the rest.
        let until = firstStart.addingTimeInterval(14 * 3600)
        let recorder = try sandbox.write("record.sh", Fixtures.recorder, executable: true)
        var schedules: [String: CalendarSchedule] = [:]
        var rules = ""
        for index in 0..<Crash.calendarCount {
            let name = String(format: "c%02d", index)
            let ics = Crash.calendar(index: index, firstStart: firstStart, until: until)
            try sandbox.write("calendars/\(name).ics", ics)
            schedules[name] = try CalendarSchedule(ics: ics)
            rules += """

                  - name: r-\(name)
                    event_pattern:
                      source: [aws.ssm]
                      resources: ["arn:aws:ssm:us-east-1:123456789012:document/\(name)"]
                    targets:
                      - id: cmd
                        command: ["/bin/sh", "\(recorder)", "\(sandbox.path("received-\(name).txt"))"]
                """
        }
        let config = try sandbox.write("schedulerd.yaml", """
            listen: 127.0.0.1:0
            data_dir: \(data)
            calendars_dir: \(sandbox.path("calendars"))
            rules:\(rules)
            """)
        // The test's own handle, opened (and the schema created) before any daemon runs.
        let database = try SchedulerDatabase.open(directory: data)
        func latestEventTime() throws -> Date? {
            try database.writer.read { db in try Double.fetchOne(db, sql: "SELECT MAX(time) FROM event") }
                .map { Date(timeIntervalSince1970: $0) }
        }
        func arguments(clockStart: Date) -> [String] {
            ["serve", "--config", config, "--data-dir", data, "--clock-speed", "\(speed)", "--clock-start", CalendarTime.format(clockStart)]
        }

        var random = SeededGenerator(state: 0x5EED_2026_1201)
        var clockStarts: [Date] = []
        var clockStart = firstStart
        for round in 0..<Crash.kills {
            clockStarts.append(clockStart)
            let daemon = try ServeProcess(in: sandbox, name: "run-\(round)", arguments: arguments(clockStart: clockStart))
            defer { daemon.stop() }
            if round == 0 {
                // The calendars are quiet for the first simulated hour, so that the first run
                // records every calendar's initial state before anything happens: start the
                // kills once the burst has begun.
                _ = try await eventually("the first transition recorded", within: 30, every: .milliseconds(20), daemon: daemon) {
                    try latestEventTime()
                }
            }
            try await Task.sleep(for: .seconds(Double.random(in: 0.2...1.5, using: &random)))
            let wasRunning = daemon.isRunning
            daemon.signal(SIGKILL)
            #expect(try await daemon.waitForExit(within: 10), "run \(round) did not die of SIGKILL")
            #expect(wasRunning && daemon.status == SIGKILL && !daemon.exitedNormally,
                    "run \(round) ended before the kill: \(daemon.exitDescription); \(daemon.stderrTail())")
            clockStart = try latestEventTime() ?? firstStart
        }

        // The last run: through the end of the burst, deliveries drained, then SIGTERM.
        clockStarts.append(clockStart)
        let lastRun = try ServeProcess(in: sandbox, name: "run-last", arguments: arguments(clockStart: clockStart))
        defer { lastRun.stop() }
        let finalKeys = schedules.map { name, schedule in
            let last = schedule.transitions(from: firstStart, to: until.addingTimeInterval(3 * 3600)).last!
            return Crash.dedupeKey(name, last)
        }
        let finalDue = schedules.values.compactMap { $0.transitions(from: firstStart, to: until.addingTimeInterval(3 * 3600)).last?.instant }.max()!
        _ = try await eventually("the burst's last transitions recorded",
                                 within: max(0, finalDue.timeIntervalSince(clockStart)) / speed + 15, daemon: lastRun) {
            let count = try database.writer.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE dedupeKey IN (\(finalKeys.map { _ in "?" }.joined(separator: ",")))",
                                 arguments: StatementArguments(finalKeys))
            }
            return count == finalKeys.count ? true : nil
        }
        _ = try await eventually("every delivery finished", within: 30, daemon: lastRun) {
            let open = try database.writer.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE status IN ('pending', 'failed')")
            }
            return open == 0 ? true : nil
        }
        // When the runs before recorded and delivered everything, the waits above are over at
        // once, possibly before this run's service group traps SIGTERM, and the signal's default
        // action would kill it. Its API listening means the signals are trapped.
        _ = try await eventually("the last run listening", within: 30, daemon: lastRun) {
            lastRun.stdout().contains("listening on") ? true : nil
        }
        lastRun.signal(SIGTERM)
        #expect(try await lastRun.waitForExit(within: 10), "no exit within 10 s of SIGTERM")
        #expect(lastRun.exitedNormally && lastRun.status == 0, "exit: \(lastRun.exitDescription); \(lastRun.stderrTail())")

        // No dedupe key twice in the outbox.
        let (rows, distinct) = try await database.writer.read { db -> (Int, Int) in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COUNT(DISTINCT dedupeKey) FROM event")!
            return (row[0] as Int, row[1] as Int)
        }
        #expect(rows == distinct, "\(rows) events but \(distinct) dedupe keys")

        // Every (calendar, transition) from the first start to the last event: exactly one event.
        let recorded = try database.events(since: nil, limit: 1_000_000)
        let lastEvent = try #require(try latestEventTime())
        let byKey = Dictionary(grouping: recorded) { $0.event.dedupeKey }
        // The one documented exception: flips the daemon did not see (stopped, starting, or
        // asleep) collapse into one catch-up event for the state it finds, and flips that cancel
        // out emit nothing. So a run of missing flips is accepted only when it is even (an odd one
        // cannot happen: the next event's state must differ from the last one recorded) and the
        // daemon demonstrably was not looking: the run lies within a second of real time after a
        // restart's clock start, or within a stretch where recorded events were noticed late (an
        // event at T recorded at R proves no plan ran in [T, R)).
        let blind = Crash.unnoticedIntervals(recorded.map(\.event))
        func unseen(_ first: Date, _ last: Date) -> Bool {
            clockStarts.contains { $0 <= first && last.timeIntervalSince($0) < speed }
                || blind.contains { $0.lowerBound <= first.timeIntervalSince1970 && last.timeIntervalSince1970 < $0.upperBound }
        }
        var expectedKeys: Set<String> = []
        var collapsed: [String] = []
        for (name, schedule) in schedules.sorted(by: { $0.key < $1.key }) {
            var missing: [Transition] = []
            func settleMissing() {
                guard let first = missing.first, let last = missing.last else { return }
                let keys = missing.map { Crash.dedupeKey(name, $0) }
                if missing.count.isMultiple(of: 2) && unseen(first.instant, last.instant) {
                    collapsed += keys
                } else {
                    Issue.record("no event for \(keys)")
                }
                missing = []
            }
            for transition in schedule.transitions(from: firstStart, to: lastEvent.addingTimeInterval(1)) {
                let key = Crash.dedupeKey(name, transition)
                expectedKeys.insert(key)
                let count = byKey[key]?.count ?? 0
                if count == 0 {
                    missing.append(transition)
                } else {
                    #expect(count == 1, "\(key): \(count) events")
                    settleMissing()
                }
            }
            settleMissing()
        }
        let unexpected = Set(byKey.keys).subtracting(expectedKeys)
        #expect(unexpected.isEmpty, "events for no transition: \(unexpected.sorted())")

        // Every deliverable event delivered to its command, which saw its idempotency key.
        var received: [String: [String: [String]]] = [:]
        for name in schedules.keys {
            received[name] = try receivedPayloads(sandbox.path("received-\(name).txt"))
        }
        var redelivered = 0, catchUps = 0, truncated = 0
        for (event, deliveries) in recorded {
            let name = event.dedupeKey.split(separator: ":")[1]
            if Crash.isCatchUp(event) { catchUps += 1 }
            #expect(event.deliverable, "\(event.dedupeKey) recorded as too old")
            guard event.deliverable else { continue }
            #expect(deliveries.map { "\($0.rule)/\($0.targetId)/\($0.status.rawValue)" } == ["r-\(name)/cmd/delivered"],
                    "\(event.dedupeKey): \(deliveries)")
            let got = received[String(name)]?["\(event.id):cmd"] ?? []
            let whole = got.filter { $0 == event.body }
            #expect(!whole.isEmpty, "\(event.dedupeKey): the command never received the event under \(event.id):cmd; got \(got)")
            if got.count > 1 { redelivered += 1 }
            // Every attempt under the key carries the whole event: TargetRunner stages the payload
            // in a file before it starts the command, so a SIGKILL cannot leave a command reading
            // a partial input under the real idempotency key.
            if whole.count != got.count {
                truncated += 1
                let short = got.filter { $0 != event.body }.map { "\($0.utf8.count) bytes '\($0.prefix(60))'" }
                Issue.record(Comment(rawValue: "\(event.dedupeKey): \(short.count) of \(got.count) attempts got \(short)"))
            }
        }
        // And the commands saw nothing that is not in the outbox.
        let known = Set(recorded.map { "\($0.event.id):cmd" })
        for (name, keys) in received {
            let strangers = Set(keys.keys).subtracting(known)
            #expect(strangers.isEmpty, "\(name) received unknown keys \(strangers)")
        }
        #expect(try database.integrityCheck() == "ok")
        #expect(recorded.count > 200, "only \(recorded.count) events: the burst was too small to test anything")

        let burstStart = firstStart.addingTimeInterval(3600)
        let killsInBurst = clockStarts.dropFirst().filter { $0 >= burstStart && $0 < until }.count
        print("""
            ServeProcessTests crash: \(Crash.kills) kills (\(killsInBurst) restarts inside the burst), the last run started at \
            \(CalendarTime.format(clockStarts.last!)); simulated \(CalendarTime.format(firstStart)) to \
            \(CalendarTime.format(lastEvent)), \(recorded.count) events (\(catchUps) catch-ups, \(collapsed.count) collapsed \
            transitions), \(redelivered) events delivered more than once (\(truncated) with a truncated payload), \(String(format: "%.1f", seconds(since: began))) s
            """)
    }
}

// MARK: - Fixtures

private enum Fixtures {
    /// DEFAULT_OPEN, closed 22:00–07:00 America/New_York every night.
    static let nightly = """
        BEGIN:VCALENDAR
        VERSION:2.0
        X-CALENDAR-TYPE:DEFAULT_OPEN
        BEGIN:VEVENT
        UID:nightly-stop
        DTSTART;TZID=America/New_York:20261115T220000
        DTEND;TZID=America/New_York:20261116T070000
        RRULE:FREQ=DAILY
        END:VEVENT
        END:VCALENDAR
        """

    /// DEFAULT_CLOSED, open weekdays 08:00–20:00 Asia/Tokyo.
    static let office = """
        BEGIN:VCALENDAR
        VERSION:2.0
        X-CALENDAR-TYPE:DEFAULT_CLOSED
        BEGIN:VEVENT
        UID:tokyo-office-hours
        DTSTART;TZID=Asia/Tokyo:20261102T080000
        DTEND;TZID=Asia/Tokyo:20261102T200000
        RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR
        END:VEVENT
        END:VCALENDAR
        """

    /// DEFAULT_OPEN, one all-day holiday on 2026-12-01 in New York (and one outside the span).
    static let holidays = """
        BEGIN:VCALENDAR
        VERSION:2.0
        X-WR-TIMEZONE:America/New_York
        X-CALENDAR-TYPE:DEFAULT_OPEN
        BEGIN:VEVENT
        UID:founders-day
        DTSTART;VALUE=DATE:20261201
        DTEND;VALUE=DATE:20261202
        SUMMARY:Founders' Day
        TRANSP:TRANSPARENT
        END:VEVENT
        BEGIN:VEVENT
        UID:christmas
        DTSTART;VALUE=DATE:20261225
        DTEND;VALUE=DATE:20261226
        SUMMARY:Christmas Day
        TRANSP:TRANSPARENT
        END:VEVENT
        END:VCALENDAR
        """

    /// DEFAULT_OPEN, closed from :10 to :40 of every hour.
    static let flip = """
        BEGIN:VCALENDAR
        VERSION:2.0
        X-CALENDAR-TYPE:DEFAULT_OPEN
        BEGIN:VEVENT
        UID:flip
        DTSTART:20261201T001000Z
        DTEND:20261201T004000Z
        RRULE:FREQ=HOURLY
        END:VEVENT
        END:VCALENDAR
        """

    /// A DTSTART that is not a date, at line `brokenLine`.
    static let broken = """
        BEGIN:VCALENDAR
        VERSION:2.0
        X-CALENDAR-TYPE:DEFAULT_OPEN
        BEGIN:VEVENT
        UID:flip
        DTSTART:2026120XT001000Z
        DTEND:20261201T004000Z
        RRULE:FREQ=HOURLY
        END:VEVENT
        END:VCALENDAR
        """
    static let brokenLine = 6

    /// A command target: appends one line, `KEY<TAB>PAYLOAD`, with one write, to the file named
    /// by its argument.
    static let recorder = """
        #!/bin/sh
        payload=$(cat)
        printf '%s\\t%s\\n' "$SCHEDULERD_IDEMPOTENCY_KEY" "$payload" >> "$1"
        """
}

private enum Crash {
    static let calendarCount = 20
    static let kills = 20

    /// Calendar `index`: windows of 30 minutes every hour, from 01:00 plus 3 minutes per pair.
    /// Even calendars are DEFAULT_OPEN with an HOURLY rule, odd ones DEFAULT_CLOSED with the
    /// same windows written as MINUTELY;INTERVAL=60 (libical's iterator rather than Swift's).
    static func calendar(index: Int, firstStart: Date, until: Date) -> String {
        let start = firstStart.addingTimeInterval(3600 + Double(index / 2) * 180)
        let end = start.addingTimeInterval(1800)
        let even = index.isMultiple(of: 2)
        return """
            BEGIN:VCALENDAR
            VERSION:2.0
            X-CALENDAR-TYPE:\(even ? "DEFAULT_OPEN" : "DEFAULT_CLOSED")
            BEGIN:VEVENT
            UID:crash-\(index)
            DTSTART:\(basic(start))
            DTEND:\(basic(end))
            RRULE:\(even ? "FREQ=HOURLY" : "FREQ=MINUTELY;INTERVAL=60");UNTIL=\(basic(until))
            END:VEVENT
            END:VCALENDAR
            """
    }

    static func basic(_ date: Date) -> String {
        CalendarTime.format(date).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
    }

    /// The daemon's key for one calendar transition: `calendar:NAME:EPOCHSECONDS:STATE`.
    static func dedupeKey(_ name: String, _ transition: Transition) -> String {
        "calendar:\(name):\(Int64(transition.instant.timeIntervalSince1970)):\(transition.state.rawValue)"
    }

    static func isCatchUp(_ event: StoredEvent) -> Bool {
        event.body.contains(#""catchUp":true"#)
    }

    /// Stretches of simulated time in which the daemon ran no plan that recorded anything: each
    /// event's [instant, recorded at), merged.
    static func unnoticedIntervals(_ events: [StoredEvent]) -> [Range<Double>] {
        var merged: [Range<Double>] = []
        for event in events.sorted(by: { $0.time < $1.time }) where event.recordedAt > event.time {
            if let last = merged.last, event.time <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, event.recordedAt)
            } else {
                merged.append(event.time..<event.recordedAt)
            }
        }
        return merged
    }
}

private struct Expected: CustomStringConvertible {
    let calendar: String
    let at: Date
    let state: String

    init(_ calendar: String, _ at: String, _ state: String) {
        self.calendar = calendar
        self.at = CalendarTime.parse(at)!
        self.state = state
    }

    var description: String { "\(calendar) \(state) at \(CalendarTime.format(at))" }
}

// MARK: - The process

/// One `schedulerd` process, its standard output and error going to files in the sandbox.
/// Killed (SIGKILL) when stopped or released if still running.
private final class ServeProcess {
    let process = Process()
    let stderrPath: String
    let stdoutPath: String
    private let handles: [FileHandle]

    init(in sandbox: Sandbox, name: String, arguments: [String], environment: [String: String] = [:]) throws {
        let binary = repositoryRoot.appendingPathComponent(".build/debug/schedulerd").path
        try #require(FileManager.default.isExecutableFile(atPath: binary),
                     "\(binary) is missing: run `swift build --product schedulerd` first")
        stderrPath = sandbox.path("\(name).stderr")
        stdoutPath = sandbox.path("\(name).stdout")
        for file in [stderrPath, stdoutPath] where !FileManager.default.createFile(atPath: file, contents: nil) {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file])
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        handles = [output, errors]
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    deinit {
        stop()
        for handle in handles { try? handle.close() }
    }

    var isRunning: Bool { process.isRunning }

    func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// SIGKILL if still running, and reap.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// True when the process ended within `seconds`.
    func waitForExit(within seconds: Double) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    var status: Int32 { process.terminationStatus }
    var exitedNormally: Bool { process.terminationReason == .exit }
    var exitDescription: String {
        process.isRunning ? "still running" : (exitedNormally ? "exit status \(status)" : "killed by signal \(status)")
    }

    func stderr() -> String {
        (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }

    func stdout() -> String {
        (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
    }

    func stderrTail() -> String {
        "stderr ends: " + stderr().split(separator: "\n").suffix(8).joined(separator: "\n")
    }
}

/// A fresh temporary directory, removed with its contents when released.
private final class Sandbox {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-serve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    @discardableResult
    func write(_ relative: String, _ text: String, executable: Bool = false) throws -> String {
        let target = path(relative)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try (text + "\n").write(toFile: target, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target) }
        return target
    }
}

private let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()   // DaemonTests
    .deletingLastPathComponent()   // Tests
    .deletingLastPathComponent()

// MARK: - Reading what happened

/// One line of `schedulerd events --json`.
private struct ListedEvent: Decodable {
    struct Event: Decodable {
        struct Detail: Decodable {
            let state: String
            let atTime: String
            let nextTransitionTime: String?
            let catchUp: Bool?
        }
        let id: String
        let time: String
        let source: String
        let detailType: String
        let resources: [String]
        let detail: Detail

        enum CodingKeys: String, CodingKey {
            case id, time, source, resources, detail
            case detailType = "detail-type"
        }
    }
    struct Delivery: Decodable {
        let rule: String
        let target: String
        let status: String
        let attempts: Int
        let error: String?
    }
    let event: Event
    let deliverable: Bool
    let deliveries: [Delivery]

    var calendar: String { event.resources.first.map { String($0.split(separator: "/").last ?? "") } ?? "" }
    var instant: Date { CalendarTime.parse(event.detail.atTime) ?? .distantPast }
    var summary: String { "\(calendar) \(event.detail.state) at \(event.detail.atTime)" }

    func matches(_ expected: Expected) -> Bool { summary == expected.description }
}

/// `schedulerd events --data-dir DIR --json`, parsed.
private func listEvents(dataDirectory: String) throws -> [ListedEvent] {
    let binary = repositoryRoot.appendingPathComponent(".build/debug/schedulerd").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["events", "--data-dir", dataDirectory, "--json"]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return [] }   // no database yet
    let decoder = JSONDecoder()
    return try data.split(separator: UInt8(ascii: "\n")).map { try decoder.decode(ListedEvent.self, from: Data($0)) }
}

/// Events with an instant after `after` (all when nil), once at least `count` are listed.
private func eventsAfter(_ after: Date?, atLeast count: Int, dataDirectory: String,
                         daemon: ServeProcess) async throws -> [ListedEvent] {
    try await eventually("\(count) more events", within: 30, every: .milliseconds(200), daemon: daemon) {
        let events = try listEvents(dataDirectory: dataDirectory).filter { after == nil || $0.instant > after! }
        let settled = events.filter { $0.deliveries.allSatisfy { $0.status == "delivered" } }
        return settled.count >= count ? settled : nil
    }
}

/// What a recording command target wrote: payloads by idempotency key, in the order received.
private func receivedPayloads(_ file: String) throws -> [String: [String]] {
    guard FileManager.default.fileExists(atPath: file) else { return [:] }
    var payloads: [String: [String]] = [:]
    for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
        let parts = line.split(separator: "\t", maxSplits: 1)
        payloads[String(parts[0]), default: []].append(parts.count > 1 ? String(parts[1]) : "")
    }
    return payloads
}

// MARK: - Waiting

private struct TimedOut: Error, CustomStringConvertible {
    let description: String
}

/// Polls `probe` until it gives a value, at most `seconds`; fails early if `daemon` has exited.
private func eventually<T>(_ what: String, within seconds: Double, every interval: Duration = .milliseconds(100),
                           daemon: ServeProcess? = nil, _ probe: () throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while true {
        if let value = try probe() { return value }
        if let daemon, !daemon.isRunning {
            throw TimedOut(description: "the daemon exited (\(daemon.exitDescription)) while waiting for \(what); \(daemon.stderrTail())")
        }
        guard ContinuousClock.now < deadline else {
            throw TimedOut(description: "timed out after \(Int(seconds)) s waiting for \(what)"
                           + (daemon.map { "; \($0.stderrTail())" } ?? ""))
        }
        try await Task.sleep(for: interval)
    }
}

private func seconds(since instant: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - instant
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}


private extension Calendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
