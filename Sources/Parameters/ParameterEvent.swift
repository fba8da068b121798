import EventBus
public import Foundation
public import Store

/// An event the Parameter Store emits, before it becomes an EventBridge envelope: source
/// `aws.ssm`, the parameter's ARN as the resource, and AWS's detail.
public struct ParameterEvent: Sendable, Equatable {
    /// `Parameter Store Change` or `Parameter Store Policy Action`.
    public let detailType: String
    public let resources: [String]
    /// The detail as JSON text, members in AWS's order.
    public let detailJSON: String
    public let time: Date
    /// Unique per event: what makes it recorded at most once.
    public let dedupeKey: String

    public static let change = "Parameter Store Change"
    public static let policyAction = "Parameter Store Policy Action"

    /// `Parameter Store Change`: `{"operation", "name", "type", "description"}` as AWS sends it
    /// (`description` when the parameter has one, `dataType` for `aws:ec2:image`). A label change
    /// also carries the `version` and the `labels` set on it (AWS does not document its detail).
    static func change(operation: String, name: String, type: String, description: String?, dataType: String,
                       labels: (version: Int, labels: [String])? = nil, arn: String, time: Date, dedupeKey: String) -> ParameterEvent {
        var detail = "{\"operation\":\(quoted(operation)),\"name\":\(quoted(name)),\"type\":\(quoted(type))"
        if let description, !description.isEmpty { detail += ",\"description\":\(quoted(description))" }
        if dataType != ParameterDataType.text.rawValue { detail += ",\"dataType\":\(quoted(dataType))" }
        if let labels {
            detail += ",\"version\":\(labels.version),\"labels\":[\(labels.labels.map(quoted).joined(separator: ","))]"
        }
        detail += "}"
        return ParameterEvent(detailType: Self.change, resources: [arn], detailJSON: detail, time: time, dedupeKey: dedupeKey)
    }

    /// `Parameter Store Policy Action`: `policy-type`, `parameter-name`, `parameter-type`,
    /// `policy-content`, `action-status`, `action-reason`, as in AWS's example.
    static func policyAction(policy: PolicyState, name: String, type: String, status: String, reason: String, arn: String,
                             time: Date, dedupeKey: String) -> ParameterEvent {
        let detail = "{\"policy-type\":\(quoted(policy.type)),\"parameter-name\":\(quoted(name)),\"parameter-type\":\(quoted(type)),"
            + "\"policy-content\":\(quoted(policy.text)),\"action-status\":\(quoted(status)),\"action-reason\":\(quoted(reason))}"
        return ParameterEvent(detailType: Self.policyAction, resources: [arn], detailJSON: detail, time: time, dedupeKey: dedupeKey)
    }

    static func quoted(_ text: String) -> String { JSONValue.string(text).serialized() }
}

/// Turns Parameter Store events into outbox rows. The daemon's implementation matches them
/// against the rules in force (the same bus and outbox as calendar events); tests record them.
public protocol ParameterEventSink: Sendable {
    /// The outbox rows of `event`. Called inside the change's write transaction, so the event
    /// is recorded exactly when the change is.
    func outbox(for event: ParameterEvent, now: Date) throws -> SchedulerDatabase.OutboxRows
    /// Called after the transaction committed these rows: count them, wake whatever delivers them.
    func committed(_ rows: [SchedulerDatabase.OutboxRows])
}
