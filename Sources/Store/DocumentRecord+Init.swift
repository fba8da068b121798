extension DocumentRecord {
    /// A document record made outside the store (the AWS-owned documents the API lists).
    public static func unstored(name: String, documentType: String, documentFormat: String, version: Int, createdAt: Double,
                                origin: String) -> DocumentRecord {
        DocumentRecord(name: name, documentType: documentType, documentFormat: documentFormat, defaultVersion: version,
                       latestVersion: version, createdAt: createdAt, origin: origin, sourcePath: nil)
    }
}

extension DocumentVersionRecord {
    /// A version record made outside the store.
    public static func unstored(name: String, version: Int, content: String, createdAt: Double) -> DocumentVersionRecord {
        DocumentVersionRecord(name: name, version: version, content: content, contentHash: "", createdAt: createdAt)
    }
}
