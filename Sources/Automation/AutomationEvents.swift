import ChangeCalendar
import Daemon
import EventBus
import Foundation
import Store

/// The events an automation emits onto the bus (source `aws.ssm`), with AWS's detail:
/// `EC2 Automation Execution Status-change Notification` on every status an execution takes,
/// `EC2 Automation Step Status-change Notification` on every status a step takes.
struct AutomationEvents: Sendable {
    let state: RuntimeState
    let account: String
    let region: String

    static let executionDetailType = "EC2 Automation Execution Status-change Notification"
    static let stepDetailType = "EC2 Automation Step Status-change Notification"

    func execution(_ record: AutomationExecutionRecord, now: Date) throws -> OutboxEntry {
        var detail = common(record, status: record.status, start: record.startTime, end: record.endTime, now: now)
        detail += ",\"ExecutedBy\":"
        JSONValue.writeQuoted(record.executedBy, to: &detail)
        detail += "}"
        return try entry(record, detailType: Self.executionDetailType, detail: detail, now: now)
    }

    func step(_ step: AutomationStepRecord, of record: AutomationExecutionRecord, now: Date) throws -> OutboxEntry {
        var detail = common(record, status: step.status, start: step.startTime, end: step.endTime, now: now)
        detail += ",\"StepName\":"
        JSONValue.writeQuoted(step.stepName, to: &detail)
        detail += ",\"Action\":"
        JSONValue.writeQuoted(step.action, to: &detail)
        detail += "}"
        return try entry(record, detailType: Self.stepDetailType, detail: detail, now: now)
    }

    /// The detail's fields in AWS's order, up to `Time` (the duration so far, milliseconds),
    /// appended into one buffer (a fleet stopping builds sixty thousand of these).
    private func common(_ record: AutomationExecutionRecord, status: String, start: Double, end: Double?, now: Date) -> String {
        let version = Double(record.documentVersion) ?? 1
        var detail = ""
        detail.reserveCapacity(400)
        detail += "{\"ExecutionId\":"
        JSONValue.writeQuoted(record.id, to: &detail)
        detail += ",\"Definition\":"
        JSONValue.writeQuoted(record.documentName, to: &detail)
        detail += ",\"DefinitionVersion\":"
        detail += JSONValue.number(version).serialized()
        detail += ",\"Status\":"
        JSONValue.writeQuoted(status, to: &detail)
        detail += ",\"StartTime\":"
        JSONValue.writeQuoted(Self.legacyTime(start), to: &detail)
        if let end {
            detail += ",\"EndTime\":"
            JSONValue.writeQuoted(Self.legacyTime(end), to: &detail)
        }
        let elapsed = max(0, ((end ?? now.timeIntervalSince1970) - start) * 1000).rounded()
        detail += ",\"Time\":"
        detail += JSONValue.number(elapsed).serialized()
        return detail
    }

    private func entry(_ record: AutomationExecutionRecord, detailType: String, detail: String, now: Date) throws -> OutboxEntry {
        let resources = ["arn:aws:ssm:\(region):\(account):automation-execution/\(record.id)",
                         "arn:aws:ssm:\(region):\(account):automation-definition/\(record.documentName):\(record.documentVersion)"]
        let event = try EventEnvelope(detailType: detailType, source: "aws.ssm", account: account, region: region, time: now,
                                      resources: resources, detailJSON: detail)
        let stored = StoredEvent(id: event.id, dedupeKey: "\(event.source):\(event.id)", time: now.timeIntervalSince1970,
                                 source: event.source, detailType: event.detailType, body: event.json,
                                 recordedAt: now.timeIntervalSince1970, deliverable: true)
        return OutboxEntry(event: stored, deliveries: state.rules.deliveries(for: event, now: now))
    }

    /// AWS's format in these events: `Nov 29, 2016 7:43:25 PM` (UTC).
    static func legacyTime(_ epoch: Double) -> String {
        let f = CalendarTime.fields(Date(timeIntervalSince1970: epoch))
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let hour = f.hour % 12 == 0 ? 12 : f.hour % 12
        var text = months[f.month - 1]
        text += " "
        text += String(f.day)
        text += ", "
        text += String(f.year)
        text += " "
        text += String(hour)
        text += f.minute < 10 ? ":0" : ":"
        text += String(f.minute)
        text += f.second < 10 ? ":0" : ":"
        text += String(f.second)
        text += f.hour < 12 ? " AM" : " PM"
        return text
    }
}
