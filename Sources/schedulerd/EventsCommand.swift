import ArgumentParser
import ChangeCalendar
import Daemon
import Foundation
import Store

/// `schedulerd events`: what the daemon emitted and delivered, read from its database.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the events the daemon emitted and what became of each delivery (reads the database; no daemon needed)."
    )

    @Option(help: "The daemon's data directory.")
    var dataDir: String = "/var/lib/schedulerd"
    @Option(help: "Only events at or after this instant (ISO 8601).")
    var since: String?
    @Flag(help: "Print one JSON object per event: the event itself and its deliveries.")
    var json = false
    @Flag(help: "Print a short timeline instead: one line per calendar transition, with the EC2 and RDS states reached until the next one and the automations that did not succeed.")
    var timeline = false

    func run() throws {
        let from = try since.map { try parseInstant($0, option: "--since") }
        guard FileManager.default.fileExists(atPath: (dataDir as NSString).appendingPathComponent("schedulerd.sqlite")) else {
            throw ValidationError("no database in \(dataDir): has the daemon run with --data-dir \(dataDir)?")
        }
        let database = try SchedulerDatabase.open(directory: dataDir)
        if timeline {
            for line in EventTimeline.lines(try database.events(since: from, limit: 10_000_000).map(\.event)) { print(line) }
            return
        }
        for (event, deliveries) in try database.events(since: from, limit: 10_000_000) {
            if json {
                let items = deliveries.map {
                    "{\"rule\": \(jsonString($0.rule)), \"target\": \(jsonString($0.targetId)), \"status\": \(jsonString($0.status.rawValue)), "
                        + "\"attempts\": \($0.attempts)" + ($0.lastError.map { ", \"error\": \(jsonString($0))" } ?? "") + "}"
                }
                print("{\"event\": \(event.body), \"deliverable\": \(event.deliverable), \"deliveries\": [\(items.joined(separator: ", "))]}")
            } else {
                let time = CalendarTime.format(Date(timeIntervalSince1970: event.time))
                let summary = deliveries.isEmpty ? (event.deliverable ? "no rule matched" : "too old: recorded, not delivered")
                    : deliveries.map { "\($0.rule)/\($0.targetId)=\($0.status.rawValue)" + ($0.attempts > 1 ? "(\($0.attempts) attempts)" : "") }
                        .joined(separator: " ")
                let detail = event.body.range(of: "\"detail\":").map { String(event.body[$0.upperBound...].dropLast()) } ?? ""
                print("\(time)  \(event.detailType)  \(detail)  \(summary)")
            }
        }
    }
}
