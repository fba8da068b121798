import Automation
import Runbooks
import Store

/// AWS-owned documents (owner `Amazon`) as the document operations show them: read-only,
/// one version, listed among the account's own. Their content is `BuiltInDocuments`.
enum AmazonDocuments {
    /// The `origin` that marks them (no stored document has it).
    static let origin = "amazon"

    static func records(_ name: String) -> (DocumentRecord, DocumentVersionRecord)? {
        guard let document = BuiltInDocuments.all[name] else { return nil }
        return (DocumentRecord.unstored(name: name, documentType: document.type, documentFormat: document.format, version: document.version,
                                        createdAt: document.createdDate, origin: origin),
                DocumentVersionRecord.unstored(name: name, version: document.version, content: document.content, createdAt: document.createdDate))
    }

    /// Every one, by name.
    static var all: [(DocumentRecord, DocumentVersionRecord)] {
        BuiltInDocuments.all.keys.sorted().compactMap(records)
    }

    static func readOnly(_ name: String) -> APIError {
        APIError("InvalidDocumentOperation", "\(name) is owned by Amazon; it cannot be changed or deleted. Copy its content into a document of your own.")
    }

    /// `Description` and `Parameters` of an Automation or Command document, as DescribeDocument reports them.
    static func details(_ document: DocumentRecord, _ version: DocumentVersionRecord) -> (String?, [[String: String]]) {
        guard document.documentType == "Automation", let runbook = try? Runbook.parse(version.content, format: document.documentFormat) else {
            return (nil, [])
        }
        let parameters = runbook.parameters.map { spec -> [String: String] in
            var shape = ["Name": spec.name, "Type": spec.type.rawValue]
            if let text = spec.description { shape["Description"] = text }
            if let value = spec.defaultValue { shape["DefaultValue"] = value.stringValue ?? value.serialized(sortingKeys: true) }
            return shape
        }
        return (runbook.description, parameters)
    }
}
