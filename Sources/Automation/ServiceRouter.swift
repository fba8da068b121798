import ChangeCalendar
import Daemon
public import EventBus
import Foundation
import SchedulerCore

/// The caller the engine's actions use: `ssm` is schedulerd itself (`GetCalendarState` on the
/// calendars in force), every other service goes to the resource provider.
struct ServiceRouter: AWSAPICaller {
    let ssm: CalendarStateCaller
    let resources: any AWSAPICaller

    func call(service: String, api: String, parameters: JSONValue) async throws -> JSONValue {
        if service == "ssm" { return try ssm.call(api: api, parameters: parameters) }
        return try await resources.call(service: service, api: api, parameters: parameters)
    }

    func changeMark() -> UInt64? { resources.changeMark() }

    func instanceStates(_ ids: [String]) async throws -> [String: String] { try await resources.instanceStates(ids) }

    func waitForChange(service: String, resources ids: [String], since mark: UInt64, until deadline: Date) async {
        await resources.waitForChange(service: service, resources: ids, since: mark, until: deadline)
    }
}

/// `ssm` as runbooks call it: `GetCalendarState` (boto3 shape: `CalendarNames`, optional
/// `AtTime`; answer `State`, `AtTime`, `NextTransitionTime`), on the daemon's clock.
struct CalendarStateCaller: Sendable {
    let state: RuntimeState
    let clock: AnyWallClock

    func call(api: String, parameters: JSONValue) throws -> JSONValue {
        guard api == "GetCalendarState" else {
            throw AWSAPIError(code: "InvalidAction", message: "schedulerd's automations can call ssm GetCalendarState, not \(api).")
        }
        guard let names = parameters["CalendarNames"]?.arrayValue?.compactMap(\.stringValue), !names.isEmpty else {
            throw AWSAPIError(code: "ValidationException", message: "CalendarNames must list at least one calendar name or ARN.")
        }
        var at = clock.now()
        if let text = parameters["AtTime"]?.stringValue {
            guard let parsed = CalendarTime.parse(text) else {
                throw AWSAPIError(code: "ValidationException", message: "AtTime '\(text)' is not an ISO 8601 date and time.")
            }
            at = parsed
        }
        at = Date(timeIntervalSince1970: at.timeIntervalSince1970.rounded(.down))
        let compiled = state.calendars
        var calendars: [CalendarSchedule] = []
        for reference in names {
            let name = reference.hasPrefix("arn:") ? String(reference[(reference.range(of: ":document/")?.upperBound ?? reference.startIndex)...]) : reference
            guard let calendar = compiled[name] else {
                throw AWSAPIError(code: "InvalidDocument", message: "The specified SSM document doesn't exist: \(reference).")
            }
            calendars.append(calendar)
        }
        let set = CalendarSet(calendars)
        var output: [String: JSONValue] = ["State": .string(set.state(at: at).rawValue), "AtTime": .string(CalendarTime.format(at))]
        if let next = set.nextTransition(after: at) { output["NextTransitionTime"] = .string(CalendarTime.format(next.instant)) }
        return .object(output)
    }
}
