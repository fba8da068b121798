import GRDB
import Foundation

/// The document operations the SSM API needs, each one transaction. They report outcomes
/// as values (`DocumentChange`), and the API turns them into AWS's errors.
extension SchedulerDatabase {
    public enum DocumentChange: Sendable, Equatable {
        case done(DocumentRecord, DocumentVersionRecord)
        case notFound
        case alreadyExists
        /// The document comes from the configuration; the API may not change it.
        case managedByConfiguration(sourcePath: String?)
        case duplicateContent
        case duplicateVersionName
        case versionNotFound
        /// The request names a version other than the latest (UpdateDocument) or the default
        /// (DeleteDocument of one version).
        case notLatestVersion
        case cannotDeleteDefaultVersion
    }

    public func document(name: String) throws -> DocumentRecord? {
        try writer.read { db in try DocumentRecord.fetchOne(db, key: name) }
    }

    public func documentVersions(name: String) throws -> [DocumentVersionRecord] {
        try writer.read { db in
            try DocumentVersionRecord.filter(Column("name") == name).order(Column("version")).fetchAll(db)
        }
    }

    /// A version by number, by version name, or (both nil) the default one.
    public func documentVersion(name: String, version: Int?, versionName: String?) throws -> (DocumentRecord, DocumentVersionRecord)? {
        try writer.read { db in
            guard let document = try DocumentRecord.fetchOne(db, key: name) else { return nil }
            var request = DocumentVersionRecord.filter(Column("name") == name)
            if let version { request = request.filter(Column("version") == version) }
            if let versionName { request = request.filter(Column("versionName") == versionName) }
            if version == nil, versionName == nil { request = request.filter(Column("version") == document.defaultVersion) }
            return try request.fetchOne(db).map { (document, $0) }
        }
    }

    public func createDocument(name: String, type: String, format: String, content: String, versionName: String?,
                               tags: String, now: Date) throws -> DocumentChange {
        try writer.write { db in
            if try DocumentRecord.fetchOne(db, key: name) != nil { return .alreadyExists }
            let document = DocumentRecord(name: name, documentType: type, documentFormat: format, defaultVersion: 1, latestVersion: 1,
                                          createdAt: now.timeIntervalSince1970, origin: Origin.api.rawValue, sourcePath: nil, tags: tags)
            let version = DocumentVersionRecord(name: name, version: 1, content: content, contentHash: Self.contentHash(content),
                                                createdAt: now.timeIntervalSince1970, versionName: versionName)
            try document.insert(db)
            try version.insert(db)
            return .done(document, version)
        }
    }

    /// A new latest version. `baseVersion` nil means `$LATEST`; a number must be the latest.
    public func updateDocument(name: String, content: String, format: String?, versionName: String?, baseVersion: Int?,
                               now: Date) throws -> DocumentChange {
        try writer.write { db in
            guard var document = try DocumentRecord.fetchOne(db, key: name) else { return .notFound }
            if document.origin == Origin.config.rawValue { return .managedByConfiguration(sourcePath: document.sourcePath) }
            if let baseVersion, baseVersion != document.latestVersion {
                return try DocumentVersionRecord.fetchOne(db, key: ["name": name, "version": baseVersion]) == nil
                    ? .versionNotFound : .notLatestVersion
            }
            let hash = Self.contentHash(content)
            let latest = try DocumentVersionRecord.fetchOne(db, key: ["name": name, "version": document.latestVersion])
            if latest?.contentHash == hash { return .duplicateContent }
            if let versionName,
               try DocumentVersionRecord.filter(Column("name") == name).filter(Column("versionName") == versionName).fetchCount(db) > 0 {
                return .duplicateVersionName
            }
            document.latestVersion += 1
            if let format { document.documentFormat = format }
            try document.update(db)
            let version = DocumentVersionRecord(name: name, version: document.latestVersion, content: content, contentHash: hash,
                                                createdAt: now.timeIntervalSince1970, versionName: versionName)
            try version.insert(db)
            return .done(document, version)
        }
    }

    public func setDefaultVersion(name: String, version: Int) throws -> DocumentChange {
        try writer.write { db in
            guard var document = try DocumentRecord.fetchOne(db, key: name) else { return .notFound }
            if document.origin == Origin.config.rawValue { return .managedByConfiguration(sourcePath: document.sourcePath) }
            guard let record = try DocumentVersionRecord.fetchOne(db, key: ["name": name, "version": version]) else { return .versionNotFound }
            document.defaultVersion = version
            try document.update(db)
            return .done(document, record)
        }
    }

    /// Deletes the document, or only one of its versions (never the default one).
    public func deleteDocumentFromAPI(name: String, version: Int?, versionName: String?) throws -> DocumentChange {
        try writer.write { db in
            guard let document = try DocumentRecord.fetchOne(db, key: name) else { return .notFound }
            if document.origin == Origin.config.rawValue { return .managedByConfiguration(sourcePath: document.sourcePath) }
            guard version != nil || versionName != nil else {
                let record = try DocumentVersionRecord.fetchOne(db, key: ["name": name, "version": document.defaultVersion])
                try DocumentRecord.deleteOne(db, key: name)
                return record.map { .done(document, $0) } ?? .notFound
            }
            var request = DocumentVersionRecord.filter(Column("name") == name)
            if let version { request = request.filter(Column("version") == version) }
            if let versionName { request = request.filter(Column("versionName") == versionName) }
            guard let record = try request.fetchOne(db) else { return .versionNotFound }
            if record.version == document.defaultVersion { return .cannotDeleteDefaultVersion }
            try record.delete(db)
            return .done(document, record)
        }
    }

    /// Documents in name order after `after` (exclusive), at most `limit`.
    public func documentPage(after: String?, limit: Int, type: String? = nil) throws -> [DocumentRecord] {
        try writer.read { db in
            var request = DocumentRecord.all()
            if let after { request = request.filter(Column("name") > after) }
            if let type { request = request.filter(Column("documentType") == type) }
            return try request.order(Column("name")).limit(limit).fetchAll(db)
        }
    }
}
