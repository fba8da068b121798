public import Store
import ChangeCalendar
import EventBus
import Foundation

/// A short account of what happened, from the event archive: one line per calendar
/// transition, with what the simulated fleet did until the next one (states reached, not the
/// steps in between) and any automation that did not succeed.
///
/// ```
/// 2026-12-01T03:00:00Z  nightly-stop CLOSED  ec2: 4 stopped · rds: orders-db stopped
/// 2026-12-01T12:00:00Z  nightly-stop OPEN    ec2: 4 running · rds: orders-db available
/// 2026-12-25T12:00:00Z  nightly-stop OPEN    -
/// ```
///
/// Changes before the first transition are reported on a line of their own.
public enum EventTimeline {
    /// The states whose entry the timeline reports; the transitional ones (pending, stopping,
    /// starting...) are left out.
    static let settledInstanceStates: Set<String> = ["running", "stopped", "terminated"]
    static let settledDatabaseMessages = ["DB instance stopped": "stopped", "DB instance started": "available",
                                          "DB instance created": "available", "DB instance deleted": "deleted"]

    /// What happened after one heading (a transition, or the start of the archive).
    struct Period {
        var heading: String
        var instances: [String: Int] = [:]          // state → instances that entered it
        var databases: [(String, String)] = []      // (identifier, status), in order
        var automations: [String: Int] = [:]        // "DOCUMENT Failed" → executions

        var summary: String {
            var parts: [String] = []
            if !instances.isEmpty {
                parts.append("ec2: " + instances.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
            }
            if !databases.isEmpty {
                parts.append("rds: " + databases.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
            }
            if !automations.isEmpty {
                parts.append("automations: " + automations.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
            }
            return parts.isEmpty ? "-" : parts.joined(separator: " · ")
        }
    }

    /// The timeline of `events` (oldest first), one line per calendar transition.
    public static func lines(_ events: [StoredEvent]) -> [String] {
        var periods: [Period] = []
        var current = Period(heading: "(before the first transition)")
        var started = false
        for event in events {
            guard let body = try? JSONValue(json: event.body), let detail = body["detail"] else { continue }
            switch (event.source, event.detailType) {
            case ("aws.ssm", "Calendar State Change"):
                if started || current.summary != "-" { periods.append(current) }
                started = true
                let calendar = body["resources"]?[0]?.stringValue.map { String($0.split(separator: "/").last ?? "") } ?? "?"
                let time = CalendarTime.format(Date(timeIntervalSince1970: event.time))
                current = Period(heading: "\(time)  \(calendar) \(detail["state"]?.stringValue ?? "?")")
            case ("aws.ec2", "EC2 Instance State-change Notification"):
                if let state = detail["state"]?.stringValue, settledInstanceStates.contains(state) {
                    current.instances[state, default: 0] += 1
                }
            case ("aws.rds", "RDS DB Instance Event"):
                if let message = detail["Message"]?.stringValue, let status = settledDatabaseMessages[message],
                   let identifier = detail["SourceIdentifier"]?.stringValue {
                    current.databases.append((identifier, status))
                }
            case ("aws.ssm", "EC2 Automation Execution Status-change Notification"):
                if let status = detail["Status"]?.stringValue, ["Failed", "TimedOut", "Cancelled"].contains(status) {
                    current.automations["\(detail["Definition"]?.stringValue ?? "?") \(status)", default: 0] += 1
                }
            default:
                continue
            }
        }
        if started || current.summary != "-" { periods.append(current) }
        let width = periods.map(\.heading.count).max() ?? 0
        return periods.map { $0.heading.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.summary }
    }
}
