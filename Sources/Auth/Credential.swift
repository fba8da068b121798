/// An access key pair with its name and role. The secret is what requests are signed with;
/// it never leaves the process except once, when the credential is created.
public struct Credential: Sendable, Equatable, CustomStringConvertible {
    /// `AKIA` followed by 16 characters for generated keys; 16 to 128 of `[A-Z0-9]` when configured.
    public let accessKeyId: String
    /// The secret access key.
    public let secretAccessKey: String
    /// A name unique among active credentials (IAM user-name characters).
    public let name: String
    /// What the credential may do.
    public let role: Role

    /// Creates a credential.
    public init(accessKeyId: String, secretAccessKey: String, name: String, role: Role) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.name = name
        self.role = role
    }

    /// The principal that requests signed with this credential act as.
    public var principal: Principal {
        Principal(accessKeyId: accessKeyId, name: name, role: role)
    }

    /// The key id, name and role; never the secret, so a credential can be logged safely.
    public var description: String {
        "\(accessKeyId) (\(name), \(role.rawValue))"
    }
}

/// Finds the credential for an access key id. The verifier calls this once per request, so
/// implementations answer from memory.
public protocol CredentialLookup: Sendable {
    /// The active credential with this access key id, or `nil` when it is unknown or revoked.
    func credential(accessKeyId: String) -> Credential?
}
