import ChangeCalendar

/// The document types schedulerd accepts, each with how its content is checked. Automation,
/// Command and change-template documents join here with their own validators.
enum DocumentKinds {
    static let changeCalendar = "ChangeCalendar"

    /// Checks `content` for `type` in `format`; throws the AWS error that refuses it.
    static func validate(type: String, format: String, content: String, defaultTimeZone: String) throws(APIError) {
        switch type {
        case changeCalendar:
            guard format == "TEXT" else {
                throw APIError("InvalidDocumentContent", "A ChangeCalendar document must use DocumentFormat TEXT (iCalendar text), not \(format).")
            }
            do {
                _ = try CalendarSchedule(ics: content, defaultTimeZone: defaultTimeZone)
            } catch {
                throw APIError("InvalidDocumentContent", "The calendar content is not valid: \(error.formatted(file: "line"))"
                    .replacingOccurrences(of: "line:", with: "line "))
            }
        default:
            throw APIError("InvalidDocumentType", "DocumentType \(type) is not supported by schedulerd yet; supported: \(changeCalendar).")
        }
    }

    /// AWS's DocumentFormat enum.
    static let formats: Set<String> = ["YAML", "JSON", "TEXT"]
}
