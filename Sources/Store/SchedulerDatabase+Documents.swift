import GRDB
import Foundation

extension SchedulerDatabase {
    /// Where a document came from: reconciled from the configuration, or created through the API.
    public enum Origin: String, Sendable { case config, api }

    /// Why a document cannot be stored under `name`: a document of another origin or type has
    /// that name (a calendar file named like a runbook, a file named like an API document).
    public struct DocumentNameTaken: Error, CustomStringConvertible, Sendable {
        public let name: String
        public let existing: DocumentRecord

        public var description: String {
            if existing.origin != Origin.config.rawValue {
                return "a document named \(name) was made through the API; rename the file or delete that document"
            }
            return "\(name) is already a document of type \(existing.documentType) (from \(existing.sourcePath ?? "the configuration")); rename the file"
        }
    }

    /// Stores `content` as the newest version of document `name` (creating it at version 1).
    /// Unchanged content adds no version. Configuration documents follow their file, so their
    /// default version moves to the newest. Returns the version that holds `content`.
    ///
    /// - Throws: `DocumentNameTaken` when a document of another origin or type has the name.
    @discardableResult
    public func putDocument(name: String, type: String, format: String = "TEXT", content: String,
                            origin: Origin, sourcePath: String? = nil, now: Date) throws -> (version: Int, changed: Bool) {
        let hash = Self.contentHash(content)
        return try writer.write { db in
            if var document = try DocumentRecord.fetchOne(db, key: name) {
                guard document.origin == origin.rawValue, document.documentType == type else {
                    throw DocumentNameTaken(name: name, existing: document)
                }
                let latest = try DocumentVersionRecord.fetchOne(db, key: ["name": name, "version": document.latestVersion])
                if latest?.contentHash == hash { return (document.latestVersion, false) }
                document.latestVersion += 1
                if origin == .config { document.defaultVersion = document.latestVersion }
                document.sourcePath = sourcePath ?? document.sourcePath
                try document.update(db)
                try DocumentVersionRecord(name: name, version: document.latestVersion, content: content,
                                          contentHash: hash, createdAt: now.timeIntervalSince1970).insert(db)
                return (document.latestVersion, true)
            }
            try DocumentRecord(name: name, documentType: type, documentFormat: format, defaultVersion: 1, latestVersion: 1,
                               createdAt: now.timeIntervalSince1970, origin: origin.rawValue, sourcePath: sourcePath).insert(db)
            try DocumentVersionRecord(name: name, version: 1, content: content, contentHash: hash,
                                      createdAt: now.timeIntervalSince1970).insert(db)
            return (1, true)
        }
    }

    public func deleteDocument(name: String) throws {
        _ = try writer.write { db in try DocumentRecord.deleteOne(db, key: name) }
    }

    public func documents(type: String? = nil, origin: Origin? = nil) throws -> [DocumentRecord] {
        try writer.read { db in
            var request = DocumentRecord.all()
            if let type { request = request.filter(Column("documentType") == type) }
            if let origin { request = request.filter(Column("origin") == origin.rawValue) }
            return try request.order(Column("name")).fetchAll(db)
        }
    }

    /// The content of each document's default version, by name.
    public func defaultContents(type: String) throws -> [String: String] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.name, v.content FROM document d
                JOIN documentVersion v ON v.name = d.name AND v.version = d.defaultVersion
                WHERE d.documentType = ?
                """, arguments: [type])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as String, $0["content"] as String) })
        }
    }

    static func contentHash(_ content: String) -> String {
        // FNV-1a, 64 bit: change detection only, not security.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in content.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16) + "-\(content.utf8.count)"
    }
}
