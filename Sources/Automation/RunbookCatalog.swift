import Foundation
import Runbooks
import Store

/// A runbook chosen for an execution: which document and version, and its text and model.
struct ResolvedRunbook: Sendable {
    let name: String
    let version: String
    let content: String
    let format: String
    let runbook: Runbook
}

/// Finds runbooks and Command documents by name (or ARN) and version: the account's own
/// documents first, then AWS's (`BuiltInDocuments`).
struct RunbookCatalog: Sendable {
    let database: SchedulerDatabase

    /// `NAME` out of `NAME`, `arn:...:document/NAME` or `arn:...:automation-definition/NAME[:VERSION]`.
    static func split(_ reference: String) -> (name: String, version: String?) {
        if reference.hasPrefix("arn:"), let range = reference.range(of: ":automation-definition/") {
            let rest = reference[range.upperBound...]
            guard let colon = rest.lastIndex(of: ":") else { return (String(rest), nil) }
            return (String(rest[..<colon]), String(rest[rest.index(after: colon)...]))
        }
        if reference.hasPrefix("arn:"), let range = reference.range(of: ":document/") {
            return (String(reference[range.upperBound...]), nil)
        }
        return (reference, nil)
    }

    /// The runbook `reference` names at `version` (`$DEFAULT` or nil: the default version;
    /// `$LATEST`; a number).
    func runbook(_ reference: String, version: String?) throws(AutomationError) -> ResolvedRunbook {
        let name = Self.split(reference).name
        let record: (DocumentRecord, DocumentVersionRecord)?
        do {
            guard let document = try database.document(name: name) else { return try builtIn(name, version: version) }
            guard document.documentType == "Automation" else {
                throw AutomationError("AutomationDefinitionNotFoundException",
                                      "The document \(name) is a \(document.documentType) document, not an Automation runbook.")
            }
            let number: Int?
            switch version {
            case nil, "$DEFAULT": number = document.defaultVersion
            case "$LATEST": number = document.latestVersion
            case let text?:
                guard let value = Int(text), value > 0 else { throw AutomationError.versionNotFound(name, text) }
                number = value
            }
            record = try database.documentVersion(name: name, version: number, versionName: nil)
        } catch let error as AutomationError {
            throw error
        } catch {
            throw AutomationError("InternalServerError", "The document store cannot be read: \(error)")
        }
        guard let (document, stored) = record else { throw AutomationError.versionNotFound(name, version ?? "$DEFAULT") }
        do {
            let runbook = try Runbook.parse(stored.content, format: document.documentFormat)
            return ResolvedRunbook(name: name, version: String(stored.version), content: stored.content, format: document.documentFormat,
                                   runbook: runbook)
        } catch {
            throw AutomationError("AutomationDefinitionNotFoundException", "The runbook \(name) version \(stored.version) no longer validates: \(error)")
        }
    }

    private func builtIn(_ name: String, version: String?) throws(AutomationError) -> ResolvedRunbook {
        guard let document = BuiltInDocuments.all[name], document.type == "Automation" else { throw AutomationError.definitionNotFound(name) }
        if let version, !["$DEFAULT", "$LATEST", "1"].contains(version) { throw AutomationError.versionNotFound(name, version) }
        do {
            return ResolvedRunbook(name: name, version: "1", content: document.content, format: document.format,
                                   runbook: try Runbook.parse(document.content, format: document.format))
        } catch {
            preconditionFailure("the built-in runbook \(name) does not parse: \(error)")
        }
    }

    /// The Command document `reference` names (default version), for `aws:runCommand`.
    func commandDocument(_ reference: String) throws -> CommandDocument {
        let name = Self.split(reference).name
        if let document = try database.document(name: name) {
            guard document.documentType == "Command", let (_, version) = try database.documentVersion(name: name, version: nil, versionName: nil) else {
                throw StepFailure("document \(name) is a \(document.documentType) document, not a Command document")
            }
            return try CommandDocument.parse(version.content, format: document.documentFormat)
        }
        guard let builtIn = BuiltInDocuments.all[name], builtIn.type == "Command" else {
            throw StepFailure("no Command document is named \(name)")
        }
        return try CommandDocument.parse(builtIn.content, format: builtIn.format)
    }
}
