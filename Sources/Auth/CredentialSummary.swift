public import Foundation

/// What `CredentialStore.list()` shows of a credential: everything but the secret.
public struct CredentialSummary: Sendable, Equatable {
    /// Where a credential comes from.
    public enum Origin: String, Sendable {
        /// Created by the daemon on first start (the bootstrap administrator).
        case generated
        /// Created with `schedulerd credentials create`.
        case cli
        /// Listed under `auth.credentials` in the configuration file (kept in memory only).
        case configuration
    }

    /// The access key id.
    public var accessKeyId: String
    /// The credential's name.
    public var name: String
    /// What it may do.
    public var role: Role
    /// Where it comes from.
    public var origin: Origin
    /// When it was created; `nil` for configured credentials.
    public var createdAt: Date?
    /// When it was revoked; `nil` while it is active.
    public var revokedAt: Date?

    /// Creates a summary.
    public init(accessKeyId: String, name: String, role: Role, origin: Origin, createdAt: Date?, revokedAt: Date?) {
        self.accessKeyId = accessKeyId
        self.name = name
        self.role = role
        self.origin = origin
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Whether requests signed with it are accepted.
    public var isActive: Bool { revokedAt == nil }
}
