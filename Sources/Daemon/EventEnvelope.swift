import ChangeCalendar
public import EventBus
public import Foundation
import SchedulerCore
import Store

/// An EventBridge event as schedulerd emits it: the envelope fields in AWS's order, the
/// detail as JSON text, and the parsed value rules are matched against.
public struct EventEnvelope: Sendable {
    public let id: String
    public let detailType: String
    public let source: String
    public let time: Date
    public let resources: [String]
    /// The full event as JSON text, fields in EventBridge's order.
    public let json: String

    /// The same event parsed, for pattern matching and input paths. Parsed when asked, not
    /// when built: most events (a fleet's state changes) match no rule's `source`, and
    /// `RuleBook` knows that without parsing them.
    public var value: JSONValue { (try? JSONValue(json: json)) ?? .object([:]) }

    /// - Parameter detailJSON: The detail, as the text of a JSON object (built by schedulerd's
    ///   own code; it is parsed only when the event is matched or delivered).
    public init(id: String = TimeOrderedID.next(), detailType: String, source: String, account: String,
                region: String, time: Date, resources: [String], detailJSON: String) throws {
        self.id = id
        self.detailType = detailType
        self.source = source
        self.time = time
        self.resources = resources
        // Appended into one buffer: a fleet stopping builds ninety thousand of these, and each
        // `+` of a longer expression allocates a string of its own.
        var json = ""
        json.reserveCapacity(200 + detailJSON.utf8.count + resources.reduce(0) { $0 + $1.utf8.count + 3 })
        json += "{\"version\":\"0\",\"id\":"
        JSONValue.writeQuoted(id, to: &json)
        json += ",\"detail-type\":"
        JSONValue.writeQuoted(detailType, to: &json)
        json += ",\"source\":"
        JSONValue.writeQuoted(source, to: &json)
        json += ",\"account\":"
        JSONValue.writeQuoted(account, to: &json)
        json += ",\"time\":"
        JSONValue.writeQuoted(CalendarTime.format(time), to: &json)
        json += ",\"region\":"
        JSONValue.writeQuoted(region, to: &json)
        json += ",\"resources\":["
        for (index, resource) in resources.enumerated() {
            if index > 0 { json += "," }
            JSONValue.writeQuoted(resource, to: &json)
        }
        json += "],\"detail\":"
        json += detailJSON
        json += "}"
        self.json = json
    }

    /// An event read back from the outbox.
    public init(id: String, detailType: String, source: String, stored json: String, time: Date) throws {
        self.id = id
        self.detailType = detailType
        self.source = source
        self.time = time
        self.json = json
        resources = try JSONValue(json: json)["resources"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// `Calendar State Change` from `aws.ssm`, with AWS's detail (`state`, `atTime`,
    /// `nextTransitionTime`) plus `catchUp: true` when the transition was missed.
    public static func calendarStateChange(_ emission: Emission, account: String, region: String) throws -> EventEnvelope {
        var detail = "{\"state\":"
        JSONValue.writeQuoted(emission.state.rawValue, to: &detail)
        detail += ",\"atTime\":"
        JSONValue.writeQuoted(CalendarTime.format(emission.at), to: &detail)
        if let next = emission.nextTransition {
            detail += ",\"nextTransitionTime\":"
            JSONValue.writeQuoted(CalendarTime.format(next), to: &detail)
        }
        if emission.isCatchUp { detail += ",\"catchUp\":true" }
        detail += "}"
        return try EventEnvelope(detailType: "Calendar State Change", source: "aws.ssm", account: account, region: region,
                                 time: emission.at, resources: [calendarARN(emission.calendar, account: account, region: region)],
                                 detailJSON: detail)
    }

    public static func calendarARN(_ name: String, account: String, region: String) -> String {
        "arn:aws:ssm:\(region):\(account):document/\(name)"
    }
}
