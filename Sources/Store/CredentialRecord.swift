public import GRDB
public import Foundation

/// An API credential: its access key id, name, role and secret sealed with AES-GCM.
///
/// The secret is never stored in clear: `sealedSecret` is the combined nonce, ciphertext and
/// tag, under a key kept in a separate file (the `Auth` module seals and opens it).
/// Credentials are revoked, never deleted, so their ids stay unique.
public struct CredentialRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "credential"

    /// Who created a stored credential.
    public enum Origin: String, Codable, Sendable {
        /// Created by the daemon on first start (the bootstrap administrator).
        case generated
        /// Created with `schedulerd credentials create`.
        case cli
    }

    public var accessKeyId: String
    public var name: String
    /// `admin`, `operator` or `readonly`.
    public var role: String
    public var sealedSecret: Data
    public var createdAt: Double
    /// When the credential was revoked; `nil` while it is active.
    public var revokedAt: Double?
    public var origin: Origin

    public init(accessKeyId: String, name: String, role: String, sealedSecret: Data, createdAt: Double,
                revokedAt: Double? = nil, origin: Origin) {
        self.accessKeyId = accessKeyId
        self.name = name
        self.role = role
        self.sealedSecret = sealedSecret
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.origin = origin
    }
}
