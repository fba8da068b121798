import ChangeCalendar
import EventBus
import Foundation

/// `GetCalendarState`: the AND of the named calendars at `AtTime` (default: the daemon's
/// now), with the first instant the combined state flips, omitted when it never does.
struct CalendarStateOperation {
    let environment: APIEnvironment

    func register(in table: inout OperationTable) {
        table.register(.ssm, "GetCalendarState") { try state($0.input) }
    }

    func state(_ input: APIInput) throws -> [String: JSONValue] {
        guard let references = try input.stringList("CalendarNames") else {
            throw APIError.validation(member: "CalendarNames", value: nil, constraint: "Member must not be null")
        }
        if references.isEmpty {
            throw APIError.validation(member: "CalendarNames", value: "[]", constraint: "Member must have length greater than or equal to 1")
        }
        var at = environment.clock.now()
        if let text = try input.string("AtTime") {
            guard let parsed = CalendarTime.parse(text) else {
                throw APIError("ValidationException", "AtTime '\(text)' is not an ISO 8601 date and time, such as 2020-07-30T11:05:14-0700 or 2020-07-30T18:05:14Z.")
            }
            at = parsed
        }
        // Whole seconds, as AWS answers.
        at = Date(timeIntervalSince1970: at.timeIntervalSince1970.rounded(.down))
        var calendars: [CalendarSchedule] = []
        let compiled = environment.state.calendars
        for reference in references {
            let name = DocumentReference.name(reference)
            // The schedule in force holds every calendar document that compiled, so the common
            // case needs no database read; only a miss is looked up, to say why.
            if let calendar = compiled[name] {
                calendars.append(calendar)
                continue
            }
            guard let document = try environment.database.document(name: name) else {
                throw APIError("InvalidDocument", "The specified SSM document doesn't exist: \(reference).")
            }
            guard document.documentType == DocumentKinds.changeCalendar else {
                throw APIError("InvalidDocumentType", "The document \(name) is of type \(document.documentType), not ChangeCalendar.")
            }
            throw APIError("UnsupportedCalendarException", "The calendar entry contained in the specified SSM document isn't supported: \(name).")
        }
        let set = CalendarSet(calendars)
        var output: [String: JSONValue] = [
            "State": .string(set.state(at: at).rawValue), "AtTime": .string(CalendarTime.format(at)),
        ]
        if let next = set.nextTransition(after: at) { output["NextTransitionTime"] = .string(CalendarTime.format(next.instant)) }
        return output
    }
}
