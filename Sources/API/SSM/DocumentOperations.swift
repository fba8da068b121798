import ChangeCalendar
import Crypto
import EventBus
import Foundation
import Store

/// SSM document operations: CreateDocument, UpdateDocument, GetDocument, DescribeDocument,
/// ListDocuments, DeleteDocument, UpdateDocumentDefaultVersion, ListDocumentVersions.
///
/// A ChangeCalendar created, updated or deleted here changes the schedule at once. Documents
/// reconciled from the configuration are listed like any other, tagged
/// `schedulerd:managed-by=configuration`, and changing them here is refused with the file to edit.
struct DocumentOperations {
    let environment: APIEnvironment
    /// AWS: "The size limit of a document is 64 KB."
    static let maximumContentBytes = 64 * 1024

    func register(in table: inout OperationTable) {
        table.register(.ssm, "CreateDocument") { try create($0.input) }
        table.register(.ssm, "UpdateDocument") { try update($0.input) }
        table.register(.ssm, "GetDocument") { try get($0.input) }
        table.register(.ssm, "DescribeDocument") { try describe($0.input) }
        table.register(.ssm, "ListDocuments") { try list($0.input) }
        table.register(.ssm, "DeleteDocument") { try delete($0.input) }
        table.register(.ssm, "UpdateDocumentDefaultVersion") { try setDefault($0.input) }
        table.register(.ssm, "ListDocumentVersions") { try versions($0.input) }
    }

    // MARK: Operations

    func create(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try input.string("Name", required: true, length: 3...128, pattern: .documentName)!
        let content = try input.requiredString("Content")
        let type = try input.string("DocumentType") ?? "Command"
        let format = try format(input) ?? "JSON"
        let versionName = try input.string("VersionName", required: false, length: 1...128, pattern: .ruleName)
        for reserved in ["aws-", "amazon", "amzn"] where name.lowercased().hasPrefix(reserved) {
            throw APIError("ValidationException", "Document name \(name) is not valid: names beginning with \(reserved) are reserved.")
        }
        try checkSize(content)
        try DocumentKinds.validate(type: type, format: format, content: content, defaultTimeZone: environment.defaultTimeZone)
        let tags = try Self.tags(input)
        let change = try environment.database.createDocument(name: name, type: type, format: format, content: content,
                                                             versionName: versionName, tags: tags, now: environment.clock.now())
        let (document, version) = try outcome(change, name: name)
        try applySchedule(document)
        return ["DocumentDescription": .object(description(document, version))]
    }

    func update(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try documentName(input)
        let content = try input.requiredString("Content")
        let versionName = try input.string("VersionName", required: false, length: 1...128, pattern: .ruleName)
        let base = try versionNumber(input, allowLatest: true)
        try checkSize(content)
        guard let existing = try environment.database.document(name: name) else {
            throw AmazonDocuments.records(name) != nil ? AmazonDocuments.readOnly(name) : Self.invalidDocument
        }
        let format = try format(input) ?? existing.documentFormat
        try DocumentKinds.validate(type: existing.documentType, format: format, content: content, defaultTimeZone: environment.defaultTimeZone)
        let change = try environment.database.updateDocument(name: name, content: content, format: format, versionName: versionName,
                                                             baseVersion: base, now: environment.clock.now())
        let (document, version) = try outcome(change, name: name)
        return ["DocumentDescription": .object(description(document, version))]
    }

    func get(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try documentName(input)
        let (document, version) = try lookup(name: name, input: input)
        var output: [String: JSONValue] = [
            "Name": .string(document.name), "CreatedDate": .number(version.createdAt),
            "DocumentVersion": .string(String(version.version)), "Status": "Active",
            "Content": .string(version.content), "DocumentType": .string(document.documentType),
            "DocumentFormat": .string(document.documentFormat),
        ]
        if let versionName = version.versionName { output["VersionName"] = .string(versionName) }
        return output
    }

    func describe(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try documentName(input)
        let (document, version) = try lookup(name: name, input: input)
        return ["Document": .object(description(document, version))]
    }

    func list(_ input: APIInput) throws -> [String: JSONValue] {
        let limit = try input.int("MaxResults", range: 1...50) ?? 50
        let filters = try DocumentFilters(input)
        var cursor = try PageToken.read(try input.string("NextToken"), listing: "documents", error: Self.invalidToken)
        var identifiers: [JSONValue] = []
        var more = false
        // Filters are applied after the fetch, so read pages until the result is full. AWS-owned
        // documents are merged in by name.
        scan: while true {
            let stored = try environment.database.documentPage(after: cursor, limit: limit + 1)
            let exhausted = stored.count <= limit
            let bound = exhausted ? nil : stored.last?.name
            let amazon = AmazonDocuments.all.filter { document, _ in
                document.name > (cursor ?? "") && (bound.map { document.name <= $0 } ?? true)
            }
            let merged = (stored.map { ($0, nil as DocumentVersionRecord?) } + amazon.map { ($0.0, $0.1 as DocumentVersionRecord?) })
                .sorted { $0.0.name < $1.0.name }
            for (document, amazonVersion) in merged {
                if identifiers.count == limit { more = true; break scan }
                cursor = document.name
                guard filters.admit(document) else { continue }
                guard let version = try amazonVersion
                        ?? environment.database.documentVersion(name: document.name, version: nil, versionName: nil)?.1 else { continue }
                identifiers.append(.object(identifier(document, version)))
            }
            if exhausted { break }
        }
        var output: [String: JSONValue] = ["DocumentIdentifiers": .array(identifiers)]
        if more, let cursor { output["NextToken"] = .string(PageToken.make(after: cursor, listing: "documents")) }
        return output
    }

    func delete(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try documentName(input)
        let version = try versionNumber(input, allowLatest: false)
        let versionName = try input.string("VersionName")
        if AmazonDocuments.records(name) != nil, try environment.database.document(name: name) == nil { throw AmazonDocuments.readOnly(name) }
        let change = try environment.database.deleteDocumentFromAPI(name: name, version: version, versionName: versionName)
        let (document, _) = try outcome(change, name: name)
        if version == nil, versionName == nil, document.documentType == DocumentKinds.changeCalendar {
            environment.state.setCalendar(name, nil)
            environment.logger.notice("calendar deleted through the API", metadata: ["calendar.name": "\(name)"])
        }
        return [:]
    }

    func setDefault(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try documentName(input)
        guard let version = try versionNumber(input, allowLatest: false) else {
            throw APIError.validation(member: "DocumentVersion", value: nil, constraint: "Member must not be null")
        }
        if AmazonDocuments.records(name) != nil, try environment.database.document(name: name) == nil { throw AmazonDocuments.readOnly(name) }
        let change = try environment.database.setDefaultVersion(name: name, version: version)
        let (document, record) = try outcome(change, name: name)
        try applySchedule(document)
        var description: [String: JSONValue] = ["Name": .string(name), "DefaultVersion": .string(String(record.version))]
        if let versionName = record.versionName { description["DefaultVersionName"] = .string(versionName) }
        return ["Description": .object(description)]
    }

    func versions(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try documentName(input)
        let limit = try input.int("MaxResults", range: 1...50) ?? 50
        let after = try PageToken.read(try input.string("NextToken"), listing: "versions:\(name)", error: Self.invalidToken).flatMap { Int($0) } ?? 0
        var stored = try environment.database.document(name: name)
        var versions = try environment.database.documentVersions(name: name)
        if stored == nil, let (document, version) = AmazonDocuments.records(name) {
            stored = document
            versions = [version]
        }
        guard let document = stored else { throw Self.invalidDocument }
        let all = versions.filter { $0.version > after }
        let page = all.prefix(limit)
        var output: [String: JSONValue] = ["DocumentVersions": .array(page.map { version in
            var item: [String: JSONValue] = [
                "Name": .string(name), "DocumentVersion": .string(String(version.version)), "CreatedDate": .number(version.createdAt),
                "IsDefaultVersion": .bool(version.version == document.defaultVersion),
                "DocumentFormat": .string(document.documentFormat), "Status": "Active",
            ]
            if let versionName = version.versionName { item["VersionName"] = .string(versionName) }
            return .object(item)
        })]
        if all.count > limit, let last = page.last {
            output["NextToken"] = .string(PageToken.make(after: String(last.version), listing: "versions:\(name)"))
        }
        return output
    }

    // MARK: Shapes

    func description(_ document: DocumentRecord, _ version: DocumentVersionRecord) -> [String: JSONValue] {
        var shape: [String: JSONValue] = [
            "Name": .string(document.name), "Owner": .string(owner(document)),
            "Hash": .string(Self.sha256(version.content)), "HashType": "Sha256",
            "CreatedDate": .number(document.createdAt), "Status": "Active",
            "DocumentVersion": .string(String(version.version)), "DocumentType": .string(document.documentType),
            "DocumentFormat": .string(document.documentFormat), "LatestVersion": .string(String(document.latestVersion)),
            "DefaultVersion": .string(String(document.defaultVersion)), "PlatformTypes": [],
            "Tags": .array(tags(of: document)),
        ]
        if let versionName = version.versionName { shape["VersionName"] = .string(versionName) }
        if let text = Self.calendarDescription(version.content), document.documentType == DocumentKinds.changeCalendar {
            shape["Description"] = .string(text)
        }
        let (description, parameters) = AmazonDocuments.details(document, version)
        if let description { shape["Description"] = .string(description) }
        if !parameters.isEmpty { shape["Parameters"] = .array(parameters.map { .object($0.mapValues { .string($0) }) }) }
        return shape
    }

    /// `Amazon` for AWS-owned documents, else this account.
    func owner(_ document: DocumentRecord) -> String {
        document.origin == AmazonDocuments.origin ? "Amazon" : environment.account
    }

    func identifier(_ document: DocumentRecord, _ version: DocumentVersionRecord) -> [String: JSONValue] {
        var shape: [String: JSONValue] = [
            "Name": .string(document.name), "Owner": .string(owner(document)), "CreatedDate": .number(document.createdAt),
            "DocumentVersion": .string(String(version.version)), "DocumentType": .string(document.documentType),
            "DocumentFormat": .string(document.documentFormat), "PlatformTypes": [], "Tags": .array(tags(of: document)),
        ]
        if let versionName = version.versionName { shape["VersionName"] = .string(versionName) }
        return shape
    }

    /// The stored tags, plus the marks of a configuration-managed document.
    func tags(of document: DocumentRecord) -> [JSONValue] {
        var tags = (try? JSONValue(json: document.tags))?.arrayValue ?? []
        if document.origin == SchedulerDatabase.Origin.config.rawValue {
            tags.append(["Key": "schedulerd:managed-by", "Value": "configuration"])
            if let path = document.sourcePath { tags.append(["Key": "schedulerd:source", "Value": .string(path)]) }
        }
        return tags
    }

    // MARK: Helpers

    static let invalidDocument = APIError("InvalidDocument", "The specified document does not exist.")
    static let invalidVersion = APIError("InvalidDocumentVersion", "The document version is not valid or does not exist.")
    static let invalidToken = APIError("InvalidNextToken", "The specified token is not valid.")

    /// The document named by `Name`: a name, or a document ARN of this account and region.
    func documentName(_ input: APIInput) throws -> String {
        let name = try input.string("Name", required: true, length: 1...256, pattern: .documentReference)!
        return DocumentReference.name(name)
    }

    func format(_ input: APIInput) throws(APIError) -> String? {
        guard let format = try input.string("DocumentFormat") else { return nil }
        guard DocumentKinds.formats.contains(format) else {
            throw APIError.validation(member: "DocumentFormat", value: format, constraint: "Member must satisfy enum value set: [YAML, JSON, TEXT]")
        }
        return format
    }

    /// `DocumentVersion`: a positive number, or `$LATEST` (nil) where allowed; `$DEFAULT` is nil too.
    func versionNumber(_ input: APIInput, allowLatest: Bool) throws(APIError) -> Int? {
        guard let text = try input.string("DocumentVersion") else { return nil }
        if text == "$LATEST", allowLatest { return nil }
        if text == "$DEFAULT", !allowLatest { return nil }
        guard let number = Int(text), number > 0 else {
            throw APIError.validation(member: "DocumentVersion", value: text, constraint: "Member must satisfy regular expression pattern: ([$]LATEST|[$]DEFAULT|^[1-9][0-9]*$)")
        }
        return number
    }

    func lookup(name: String, input: APIInput) throws -> (DocumentRecord, DocumentVersionRecord) {
        let versionText = try input.string("DocumentVersion")
        // `$DEFAULT` (the default version) is nil, like no version at all.
        var version = versionText == "$DEFAULT" ? nil : try versionNumber(input, allowLatest: true)
        let versionName = try input.string("VersionName")
        guard let document = try environment.database.document(name: name) else {
            guard let amazon = AmazonDocuments.records(name) else { throw Self.invalidDocument }
            if versionName != nil || !(version == nil || version == 1) { throw Self.invalidVersion }
            return amazon
        }
        if versionText == "$LATEST" { version = document.latestVersion }
        guard let found = try environment.database.documentVersion(name: name, version: version, versionName: versionName) else {
            throw Self.invalidVersion
        }
        return found
    }

    func checkSize(_ content: String) throws(APIError) {
        if content.utf8.count > Self.maximumContentBytes {
            throw APIError("MaxDocumentSizeExceeded", "The size limit of a document is 64 KB.")
        }
    }

    /// The record of a successful change, or the AWS error for the outcome.
    func outcome(_ change: SchedulerDatabase.DocumentChange, name: String) throws(APIError) -> (DocumentRecord, DocumentVersionRecord) {
        switch change {
        case .done(let document, let version): return (document, version)
        case .notFound: throw Self.invalidDocument
        case .alreadyExists: throw APIError("DocumentAlreadyExists", "Document with same name \(name) already exists")
        case .managedByConfiguration(let path):
            throw APIError("InvalidDocumentOperation",
                           "Document \(name) is managed by the schedulerd configuration (\(path ?? "the calendars directory")); "
                           + "edit that file and reload the daemon (SIGHUP) instead.")
        case .duplicateContent:
            throw APIError("DuplicateDocumentContent", "The content of the document matches the latest version. Change the content of the document and try again.")
        case .duplicateVersionName: throw APIError("DuplicateDocumentVersionName", "The version name has already been used in this document. Specify a different version name, and then try again.")
        case .versionNotFound: throw Self.invalidVersion
        case .notLatestVersion:
            throw APIError("InvalidDocumentVersion", "Only the latest version of a document can be updated; specify $LATEST or the latest version number.")
        case .cannotDeleteDefaultVersion:
            throw APIError("InvalidDocumentOperation", "The default version of a document cannot be deleted; make another version the default first.")
        }
    }

    /// A calendar document's default version goes into force at once.
    func applySchedule(_ document: DocumentRecord) throws {
        guard document.documentType == DocumentKinds.changeCalendar,
              let (_, version) = try environment.database.documentVersion(name: document.name, version: nil, versionName: nil) else { return }
        let schedule = try CalendarSchedule(ics: version.content, defaultTimeZone: environment.defaultTimeZone)
        environment.state.setCalendar(document.name, schedule)
        environment.logger.notice("calendar scheduled from the API", metadata: ["calendar.name": "\(document.name)", "document.version": "\(version.version)"])
    }

    static func tags(_ input: APIInput) throws(APIError) -> String {
        guard let list = try input.structures("Tags") else { return "[]" }
        var tags: [JSONValue] = []
        for tag in list {
            let key = try tag.string("Key", required: true, length: 1...128)!
            let value = try tag.string("Value", required: true, length: 0...256)!
            tags.append(["Key": .string(key), "Value": .string(value)])
        }
        return JSONValue.array(tags).serialized()
    }

    static func sha256(_ content: String) -> String {
        SHA256.hash(data: Array(content.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// `X-WR-CALDESC`, AWS's calendar description property.
    static func calendarDescription(_ ics: String) -> String? {
        for line in ics.split(whereSeparator: \.isNewline) where line.hasPrefix("X-WR-CALDESC") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return String(line[line.index(after: colon)...])
        }
        return nil
    }
}

/// Document names as the SSM API accepts them: a name, or an ARN ending in `document/NAME`.
enum DocumentReference {
    static func name(_ reference: String) -> String {
        guard reference.hasPrefix("arn:"), let slash = reference.range(of: ":document/") else { return reference }
        return String(reference[slash.upperBound...])
    }
}

/// ListDocuments' filters: the legacy `DocumentFilterList` (key/value) and `Filters`
/// (Key/Values), on Name (prefix), Owner, DocumentType and tags (`tag:KEY`).
struct DocumentFilters {
    private var predicates: [(DocumentRecord) -> Bool] = []

    init(_ input: APIInput) throws(APIError) {
        for filter in try input.structures("DocumentFilterList") ?? [] {
            let key = try filter.requiredString("key")
            let value = try filter.requiredString("value")
            try add(key: key, values: [value])
        }
        for filter in try input.structures("Filters") ?? [] {
            let key = try filter.string("Key", required: true, length: 1...128)!
            try add(key: key, values: try filter.stringList("Values") ?? [])
        }
    }

    private mutating func add(key: String, values: [String]) throws(APIError) {
        switch key {
        case "Name":
            predicates.append { document in values.contains { document.name.hasPrefix($0) } }
        case "DocumentType":
            predicates.append { document in values.contains(document.documentType) }
        case "Owner":
            // Stored documents are the account's own ("Self"); AWS's are "Amazon" (and "Public").
            predicates.append { document in
                let owners = document.origin == AmazonDocuments.origin ? ["Amazon", "Public", "All"] : ["Self", "Private", "All"]
                return values.contains { owners.contains($0) }
            }
        case "PlatformTypes":
            // Calendars have no platform types, so no calendar matches a platform filter.
            predicates.append { _ in false }
        case "DocumentFormat":
            predicates.append { document in values.contains(document.documentFormat) }
        case "SearchKeyword":
            predicates.append { document in values.contains { document.name.localizedCaseInsensitiveContains($0) } }
        case let tag where tag.hasPrefix("tag:"):
            let tagKey = String(tag.dropFirst(4))
            predicates.append { document in
                let tags = (try? JSONValue(json: document.tags))?.arrayValue ?? []
                let managed: [JSONValue] = document.origin == "config" ? [["Key": "schedulerd:managed-by", "Value": "configuration"]] : []
                return (tags + managed).contains { $0["Key"]?.stringValue == tagKey && (values.isEmpty || values.contains($0["Value"]?.stringValue ?? "")) }
            }
        default:
            throw APIError("InvalidFilterKey", "The specified key is not valid: \(key).")
        }
    }

    func admit(_ document: DocumentRecord) -> Bool { predicates.allSatisfy { $0(document) } }
}
