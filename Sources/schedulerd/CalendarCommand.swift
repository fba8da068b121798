import ArgumentParser
import ChangeCalendar
import EventBus
import Foundation

/// `schedulerd calendar …`: offline questions about ICS change calendars, no daemon needed.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Check change calendars and ask them when they are OPEN or CLOSED (offline).",
        subcommands: [CalendarCheck.self, CalendarStateCommand.self, CalendarTransitions.self, CalendarInstances.self]
    )
}

/// Options every calendar subcommand shares.
struct CalendarFiles: ParsableArguments {
    @Argument(help: "ICS files. Several files are combined as AWS combines calendars: OPEN only when all are open.")
    var files: [String]

    @Option(name: .long, help: "Zone for floating times and all-day dates when a calendar has no X-WR-TIMEZONE (IANA or Windows name).")
    var defaultTimezone: String = "UTC"

    /// Loads every file; prints `FILE:LINE: message` for each one that fails and exits 1 if any did.
    func load() throws -> [(path: String, calendar: CalendarSchedule)] {
        var loaded: [(String, CalendarSchedule)] = []
        var failed = false
        for path in files {
            do {
                loaded.append((path, try CalendarLoader.load(path: path, defaultTimeZone: defaultTimezone)))
            } catch let error as CalendarError {
                printError(error.formatted(file: path))
                failed = true
            } catch {
                printError("\(path): \(error.localizedDescription)")
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
        return loaded
    }
}

enum CalendarLoader {
    static func load(path: String, defaultTimeZone: String) throws -> CalendarSchedule {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("cannot read \(path): \((error as NSError).localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw CalendarError(code: .notICalendar, line: nil, message: "not text")
        }
        return try CalendarSchedule(ics: text, defaultTimeZone: defaultTimeZone)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

func parseInstant(_ text: String, option: String) throws -> Date {
    guard let date = CalendarTime.parse(text) else {
        throw ValidationError("\(option) '\(text)' is not an ISO 8601 instant (for example 2026-11-29T22:00:00Z, 2026-11-29T22:00:00+09:00 or 2026-11-29T22:00:00-0700)")
    }
    return date
}

/// A JSON string literal, for the hand-ordered objects below (AWS's field order).
func jsonString(_ s: String) -> String { JSONValue.string(s).serialized() }

struct TimeRange: ParsableArguments {
    @Option(help: "Start of the range (ISO 8601, inclusive).")
    var from: String
    @Option(help: "End of the range (ISO 8601, exclusive).")
    var to: String

    func instants() throws -> (Date, Date) {
        let start = try parseInstant(from, option: "--from"), end = try parseInstant(to, option: "--to")
        guard end >= start else { throw ValidationError("--to must not be before --from") }
        return (start, end)
    }
}

struct CalendarCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate calendars and show their type, zone, events and next 5 transitions.",
        discussion: "Exits non-zero with FILE:LINE: message for each invalid file."
    )

    @OptionGroup var options: CalendarFiles
    @Option(help: "Instant to look ahead from (ISO 8601); now when omitted.")
    var at: String?

    func run() throws {
        let now = try at.map { try parseInstant($0, option: "--at") } ?? Date()
        for (path, calendar) in try options.load() {
            print("\(path): OK")
            print("  type: \(calendar.type.rawValue)")
            print("  zone for floating times and all-day dates: \(calendar.floatingTimeZone)")
            print("  events: \(calendar.eventCount) (\(calendar.activeEventCount) in effect)")
            print("  state at \(CalendarTime.format(now)): \(calendar.state(at: now).rawValue)")
            var cursor = now
            var shown = 0
            while shown < 5, let next = calendar.nextTransition(after: cursor) {
                if shown == 0 { print("  next transitions:") }
                print("    \(CalendarTime.format(next.instant))  \(next.state.rawValue)")
                cursor = next.instant
                shown += 1
            }
            if shown == 0 { print("  next transitions: none (the state never changes again)") }
        }
    }
}

struct CalendarStateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "The combined state of the calendars and the next transition.",
        discussion: "--json prints exactly the shape of SSM GetCalendarState: State, AtTime and NextTransitionTime (absent when there is none)."
    )

    @OptionGroup var options: CalendarFiles
    @Option(help: "Instant to ask about (ISO 8601: Z, +09:00 or -0700 offsets); now when omitted.")
    var at: String?
    @Flag(help: "Print GetCalendarState's JSON.")
    var json = false

    func run() throws {
        let when = try at.map { try parseInstant($0, option: "--at") } ?? Date()
        let set = CalendarSet(try options.load().map(\.calendar))
        let state = set.state(at: when)
        let next = set.nextTransition(after: when)
        if json {
            var fields = ["\"State\": \(jsonString(state.rawValue))", "\"AtTime\": \(jsonString(CalendarTime.format(when)))"]
            if let next { fields.append("\"NextTransitionTime\": \(jsonString(CalendarTime.format(next.instant)))") }
            print("{" + fields.joined(separator: ", ") + "}")
        } else {
            print("\(state.rawValue) at \(CalendarTime.format(when))")
            if let next {
                print("next transition: \(CalendarTime.format(next.instant)) → \(next.state.rawValue)")
            } else {
                print("next transition: none")
            }
        }
    }
}

struct CalendarTransitions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transitions",
        abstract: "Every transition of the combined calendars in [--from, --to), with the state entered."
    )

    @OptionGroup var options: CalendarFiles
    @OptionGroup var range: TimeRange
    @Flag(help: "Print a JSON array of {\"Time\", \"State\"}.")
    var json = false

    func run() throws {
        let (start, end) = try range.instants()
        let transitions = CalendarSet(try options.load().map(\.calendar)).transitions(from: start, to: end)
        if json {
            let items = transitions.map { "{\"Time\": \(jsonString(CalendarTime.format($0.instant))), \"State\": \(jsonString($0.state.rawValue))}" }
            print("[" + items.joined(separator: ", ") + "]")
        } else {
            for t in transitions { print("\(CalendarTime.format(t.instant))  \(t.state.rawValue)") }
        }
    }
}

struct CalendarInstances: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instances",
        abstract: "Every event instance overlapping [--from, --to): what the events expand to after recurrence, exclusions and overrides."
    )

    @OptionGroup var options: CalendarFiles
    @OptionGroup var range: TimeRange
    @Flag(help: "Print a JSON array of {\"uid\", \"summary\", \"start\", \"end\"}.")
    var json = false

    func run() throws {
        let (start, end) = try range.instants()
        let instances = try options.load().flatMap { $0.calendar.instances(from: start, to: end) }
        if json {
            let items = instances.map {
                "{\"uid\": \(jsonString($0.uid)), \"summary\": \(jsonString($0.summary)), "
                    + "\"start\": \(jsonString(CalendarTime.format($0.start))), \"end\": \(jsonString(CalendarTime.format($0.end)))}"
            }
            print("[" + items.joined(separator: ",\n ") + "]")
        } else {
            for i in instances { print("\(CalendarTime.format(i.start))  \(CalendarTime.format(i.end))  \(i.summary.isEmpty ? i.uid : i.summary)") }
        }
    }
}
