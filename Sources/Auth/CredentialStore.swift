import Foundation
public import Store
import Synchronization

/// The API's credentials: those stored in the daemon's database (secrets sealed with AES-GCM
/// under the key file's key) and those listed in the configuration file (held in memory only).
///
/// `credential(accessKeyId:)` answers from memory. The stored part is re-read at most once
/// per `refreshInterval` (one second by default), so a credential revoked by another process
/// (`schedulerd credentials revoke` while the daemon runs) stops working within about a
/// second; changes made through this instance take effect at once. A configured credential
/// wins over a stored one with the same access key id.
public final class CredentialStore: CredentialLookup {
    /// The key file's name in the data directory, when the configuration names none.
    public static let keyFileName = "credentials.key"
    /// The file `bootstrapAdminIfEmpty` writes in the data directory.
    public static let adminCredentialsFileName = "admin-credentials"

    private struct Snapshot {
        var stored: [String: Credential]
        var loadedAt: ContinuousClock.Instant
        var refreshing = false
    }

    private let database: SchedulerDatabase
    private let sealer: SecretSealer
    private let configured: [Credential]
    private let configuredByID: [String: Credential]
    private let refreshInterval: Duration
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let snapshot: Mutex<Snapshot>

    /// Opens the credentials of `database`, creating the key file if it does not exist.
    ///
    /// - Parameters:
    ///   - database: The daemon's database.
    ///   - keyFile: The key file, normally `<data_dir>/credentials.key`. Created with mode 0600
    ///     when missing (unless the database holds active sealed secrets); refused when it is
    ///     open to group or others.
    ///   - configured: Credentials from the configuration file, never written anywhere.
    ///   - refreshInterval: How stale the in-memory copy of the stored credentials may get.
    ///   - clock: The monotonic time the refresh interval is measured on (tests advance it).
    /// - Throws: `CredentialStoreError` for an unsafe, unreadable or wrong key file; database errors.
    public init(database: SchedulerDatabase, keyFile: String, configured: [Credential] = [],
                refreshInterval: Duration = .seconds(1),
                clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) throws {
        let records = try database.credentialRecords(activeOnly: true)
        let key = try KeyFile.load(path: keyFile, mayCreate: records.isEmpty)
        let sealer = SecretSealer(key: key)
        var stored: [String: Credential] = [:]
        for record in records {
            guard let credential = Self.credential(record, sealer: sealer) else {
                throw CredentialStoreError(
                    code: .wrongKey,
                    message: "the credentials key file \(keyFile) does not open the secret of \(record.accessKeyId) "
                        + "(\(record.name)) stored in the database: it was sealed with another key. Restore the key "
                        + "file the credentials were created with")
            }
            stored[record.accessKeyId] = credential
        }
        self.database = database
        self.sealer = sealer
        self.configured = configured
        self.configuredByID = Dictionary(configured.map { ($0.accessKeyId, $0) }, uniquingKeysWith: { first, _ in first })
        self.refreshInterval = refreshInterval
        self.clock = clock
        self.snapshot = Mutex(Snapshot(stored: stored, loadedAt: clock()))
    }

    // MARK: - Look-up (the hot path)

    /// The active credential with this access key id, configured or stored.
    public func credential(accessKeyId: String) -> Credential? {
        if let credential = configuredByID[accessKeyId] { return credential }
        let now = clock()
        let (found, mustRefresh) = snapshot.withLock { snapshot in
            let stale = !snapshot.refreshing && snapshot.loadedAt + refreshInterval <= now
            if stale { snapshot.refreshing = true }
            return (snapshot.stored[accessKeyId], stale)
        }
        guard mustRefresh else { return found }
        refresh(at: now)
        return snapshot.withLock { $0.stored[accessKeyId] }
    }

    /// Re-reads the active stored credentials, opening only the secrets not already in memory.
    /// On a database error the previous copy stays until the next try.
    private func refresh(at now: ContinuousClock.Instant) {
        let previous = snapshot.withLock { $0.stored }
        var stored: [String: Credential]?
        if let records = try? database.credentialRecords(activeOnly: true) {
            var fresh: [String: Credential] = [:]
            for record in records {
                fresh[record.accessKeyId] = previous[record.accessKeyId] ?? Self.credential(record, sealer: sealer)
            }
            stored = fresh
        }
        snapshot.withLock { snapshot in
            if let stored { snapshot.stored = stored }
            snapshot.loadedAt = now
            snapshot.refreshing = false
        }
    }

    private static func credential(_ record: CredentialRecord, sealer: SecretSealer) -> Credential? {
        guard let role = Role(rawValue: record.role),
              let secret = sealer.open(record.sealedSecret, accessKeyId: record.accessKeyId) else { return nil }
        return Credential(accessKeyId: record.accessKeyId, secretAccessKey: secret, name: record.name, role: role)
    }

    // MARK: - Management

    /// Creates and stores a credential with a new random key pair. The returned secret is the
    /// only time it is seen in clear.
    ///
    /// - Parameter name: 1 to 64 of `A–Z a–z 0–9 + = , . @ _ -` (IAM user-name characters),
    ///   unique among active credentials, configured ones included.
    /// - Throws: `invalidName`, `duplicateName`; database errors.
    @discardableResult
    public func create(name: String, role: Role, origin: CredentialRecord.Origin = .cli) throws -> Credential {
        try Self.checkName(name)
        if configured.contains(where: { $0.name == name }) {
            throw CredentialStoreError(code: .duplicateName,
                                       message: "a credential named '\(name)' is defined in the configuration file; "
                                           + "choose another name")
        }
        let credential = Credential(accessKeyId: AccessKeyGenerator.accessKeyId(),
                                    secretAccessKey: AccessKeyGenerator.secretAccessKey(), name: name, role: role)
        let record = CredentialRecord(accessKeyId: credential.accessKeyId, name: name, role: role.rawValue,
                                      sealedSecret: try sealer.seal(credential.secretAccessKey,
                                                                    accessKeyId: credential.accessKeyId),
                                      createdAt: Date().timeIntervalSince1970, origin: origin)
        guard try database.insertCredential(record) else {
            throw CredentialStoreError(code: .duplicateName,
                                       message: "an active credential is already named '\(name)'; revoke it first "
                                           + "(schedulerd credentials revoke \(name)) or choose another name")
        }
        snapshot.withLock { $0.stored[credential.accessKeyId] = credential }
        return credential
    }

    /// Every credential, configured ones first, then stored ones (revoked too) by creation.
    public func list() throws -> [CredentialSummary] {
        let configuredSummaries = configured.map {
            CredentialSummary(accessKeyId: $0.accessKeyId, name: $0.name, role: $0.role, origin: .configuration,
                              createdAt: nil, revokedAt: nil)
        }
        let stored = try database.credentialRecords(activeOnly: false).map(Self.summary)
        return configuredSummaries + stored
    }

    /// Revokes the active stored credential with this access key id or, failing that, this name.
    ///
    /// - Returns: The credential as revoked.
    /// - Throws: `configuredCredential`, `alreadyRevoked`, `unknownCredential`; database errors.
    @discardableResult
    public func revoke(accessKeyIdOrName key: String) throws -> CredentialSummary {
        if let credential = configured.first(where: { $0.accessKeyId == key || $0.name == key }) {
            throw CredentialStoreError(code: .configuredCredential,
                                       message: "\(credential.accessKeyId) (\(credential.name)) is defined in the "
                                           + "configuration file under auth.credentials; remove it there and reload")
        }
        let record: CredentialRecord
        if let byID = try database.credentialRecord(accessKeyId: key) {
            record = byID
        } else if let byName = try database.activeCredentialRecord(name: key) {
            record = byName
        } else if let revoked = try database.credentialRecords(activeOnly: false).last(where: { $0.name == key }) {
            record = revoked
        } else {
            throw CredentialStoreError(code: .unknownCredential,
                                       message: "no credential has the access key id or name '\(key)'; "
                                           + "schedulerd credentials list shows them")
        }
        let now = Date()
        guard record.revokedAt == nil, try database.revokeCredential(accessKeyId: record.accessKeyId, at: now) else {
            let when = record.revokedAt.map { " at " + ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: $0)) }
            throw CredentialStoreError(code: .alreadyRevoked,
                                       message: "\(record.accessKeyId) (\(record.name)) is already revoked\(when ?? "")")
        }
        snapshot.withLock { _ = $0.stored.removeValue(forKey: record.accessKeyId) }
        var revoked = Self.summary(record)
        revoked.revokedAt = now
        return revoked
    }

    /// Whether any credential, configured or stored, is active.
    public func hasActiveCredentials() throws -> Bool {
        try !configured.isEmpty || !database.credentialRecords(activeOnly: true).isEmpty
    }

    private static func summary(_ record: CredentialRecord) -> CredentialSummary {
        CredentialSummary(accessKeyId: record.accessKeyId, name: record.name, role: Role(rawValue: record.role) ?? .readonly,
                          origin: record.origin == .generated ? .generated : .cli,
                          createdAt: Date(timeIntervalSince1970: record.createdAt),
                          revokedAt: record.revokedAt.map { Date(timeIntervalSince1970: $0) })
    }

    private static func checkName(_ name: String) throws(CredentialStoreError) {
        let allowed = name.utf8.allSatisfy { byte in
            ASCII.isUnreserved(byte) && byte != UInt8(ascii: "~")
                || [UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ","), UInt8(ascii: "@")].contains(byte)
        }
        guard (1...64).contains(name.utf8.count), allowed else {
            throw CredentialStoreError(code: .invalidName,
                                       message: "'\(name)' is not a credential name: use 1 to 64 letters, digits and "
                                           + "+ = , . @ _ - (as an IAM user name)")
        }
    }
}
