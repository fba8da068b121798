import ChangeCalendar
import Runbooks

/// The document types schedulerd accepts, each with how its content is checked. Automation,
/// Command and change-template documents join here with their own validators.
enum DocumentKinds {
    static let changeCalendar = "ChangeCalendar"
    static let automation = "Automation"
    static let command = "Command"

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
        case automation, command:
            guard format == "YAML" || format == "JSON" else {
                throw APIError("InvalidDocumentContent", "An \(type) document is YAML or JSON, not \(format).")
            }
            do {
                if type == automation { _ = try Runbook.parse(content, format: format) } else { _ = try CommandDocument.parse(content, format: format) }
            } catch {
                throw APIError("InvalidDocumentContent", "The \(type) document is not valid: \(error)")
            }
        default:
            throw APIError("InvalidDocumentType", "DocumentType \(type) is not supported by schedulerd; supported: \(changeCalendar), \(automation), \(command).")
        }
    }

    /// AWS's DocumentFormat enum.
    static let formats: Set<String> = ["YAML", "JSON", "TEXT"]
}
