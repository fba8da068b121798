/// Who signed a request: the credential's access key id, its name and its role.
public struct Principal: Sendable, Equatable {
    /// The access key id the request was signed with.
    public let accessKeyId: String
    /// The credential's name, as in its ARN `arn:aws:iam::ACCOUNT:user/NAME`.
    public let name: String
    /// What the credential may do.
    public let role: Role

    /// Creates a principal.
    public init(accessKeyId: String, name: String, role: Role) {
        self.accessKeyId = accessKeyId
        self.name = name
        self.role = role
    }
}
