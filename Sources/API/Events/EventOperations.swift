import ChangeCalendar
import Daemon
import EventBus
import Foundation
import Store
import SchedulerMetrics

/// PutEvents (custom events onto the default bus: matched by the same rules and delivered by
/// the same outbox as calendar events) and TestEventPattern (the bus's matcher, on demand).
struct EventOperations {
    let environment: APIEnvironment

    func register(in table: inout OperationTable) {
        table.register(.events, "PutEvents") { try put($0.input) }
        table.register(.events, "TestEventPattern") { try test($0.input) }
    }

    func put(_ input: APIInput) throws -> [String: JSONValue] {
        guard let entries = try input.structures("Entries"), !entries.isEmpty else {
            throw APIError.validation(member: "Entries", value: nil, constraint: "Member must have length greater than or equal to 1")
        }
        if entries.count > 10 {
            throw APIError.validation(member: "Entries", value: nil, constraint: "Member must have length less than or equal to 10")
        }
        let now = environment.clock.now()
        let rules = environment.state.rules
        var results: [JSONValue] = []
        var failures = 0
        var recordedAny = false
        for entry in entries {
            switch try envelope(entry, now: now) {
            case .failure(let error):
                failures += 1
                results.append(["ErrorCode": .string(error.code), "ErrorMessage": .string(error.message)])
            case .success(let event):
                let deliveries = rules.deliveries(for: event, now: now)
                let stored = StoredEvent(id: event.id, dedupeKey: "putevents:\(event.id)", time: event.time.timeIntervalSince1970,
                                         source: event.source, detailType: event.detailType, body: event.json,
                                         recordedAt: now.timeIntervalSince1970, deliverable: true)
                try environment.database.recordEvent(stored, deliveries: deliveries)
                recordedAny = true
                environment.metrics.increment(DaemonMetrics.eventsRecorded, .init(["source": "custom"]))
                if !deliveries.isEmpty {
                    environment.metrics.increment(DaemonMetrics.eventsMatched, .init(["source": "custom"]), by: Double(deliveries.count))
                }
                results.append(["EventId": .string(event.id)])
            }
        }
        if recordedAny { environment.state.deliveriesRecorded() }
        return ["FailedEntryCount": .number(Double(failures)), "Entries": .array(results)]
    }

    /// One entry as an event, or the per-entry error AWS would report for it.
    func envelope(_ entry: APIInput, now: Date) throws -> Result<EventEnvelope, APIError> {
        guard let source = try entry.string("Source"), !source.isEmpty else {
            return .failure(APIError("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."))
        }
        guard let detailType = try entry.string("DetailType"), !detailType.isEmpty else {
            return .failure(APIError("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."))
        }
        guard let detail = try entry.string("Detail") else {
            return .failure(APIError("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."))
        }
        if source.hasPrefix("aws.") {
            return .failure(APIError("NotAuthorizedForSourceException", "Not authorized for the source."))
        }
        if let bus = try entry.string("EventBusName"), bus != "default", !bus.hasSuffix(":event-bus/default") {
            return .failure(APIError("InvalidArgument", "Event bus \(bus) does not exist."))
        }
        guard let parsed = try? JSONValue(json: detail), parsed.objectValue != nil else {
            return .failure(APIError("MalformedDetail", "Detail is malformed."))
        }
        var time = now
        if let value = entry.members["Time"], !value.isNull {
            guard let seconds = value.numberValue ?? value.stringValue.flatMap({ CalendarTime.parse($0)?.timeIntervalSince1970 }) else {
                throw APIError.serialization(member: "Time", expected: "a timestamp")
            }
            time = Date(timeIntervalSince1970: seconds)
        }
        let resources = try entry.stringList("Resources") ?? []
        let event = try EventEnvelope(detailType: detailType, source: source, account: environment.account, region: environment.region,
                                      time: time, resources: resources, detailJSON: parsed.serialized())
        if event.json.utf8.count > 256 * 1024 {
            return .failure(APIError("ValidationException", "Total size of the entries in the request is over the limit (256 KB)."))
        }
        return .success(event)
    }

    func test(_ input: APIInput) throws -> [String: JSONValue] {
        let patternText = try input.string("EventPattern", required: true, length: 1...4096)!
        let eventText = try input.requiredString("Event")
        let pattern: EventPattern
        do { pattern = try EventPattern(json: patternText) } catch { throw APIError(EventPatternError.awsErrorCode, error.message) }
        guard let event = try? JSONValue(json: eventText), event.objectValue != nil else {
            throw APIError("InvalidEventPatternException", "Parameter Event is not valid: it is not a JSON object.")
        }
        // AWS requires the envelope fields a real event has.
        for field in ["id", "account", "source", "time", "region", "detail-type"] where event[field] == nil {
            throw APIError("InvalidEventPatternException", "Parameter Event is not valid: the event has no '\(field)' field.")
        }
        return ["Result": .bool(RuleMatcher([(0, pattern)]).matchingRules(for: event).contains(0))]
    }
}
