/// One entry of `auth.credentials`: an access key pair written in the configuration file.
///
/// Printing it never shows the secret.
public struct ConfiguredCredential: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The roles a credential may have, as written in the file.
    public static let roles = ["admin", "operator", "readonly"]

    /// `name`: unique among the credentials; the user name in ARNs.
    public var name: String
    /// `access_key_id`: 16 to 128 of `[A-Z0-9]`, unique.
    public var accessKeyID: String
    /// `secret_access_key`: not empty.
    public var secretAccessKey: String
    /// `role`: `admin`, `operator` or `readonly`.
    public var role: String

    /// Creates a credential; the decoder checks the values, this does not.
    public init(name: String, accessKeyID: String, secretAccessKey: String, role: String) {
        self.name = name
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.role = role
    }

    /// Name, key id and role; the secret is left out.
    public var description: String { "\(name) (\(accessKeyID), \(role))" }

    /// As `description`: the secret is left out of debug output too.
    public var debugDescription: String { "ConfiguredCredential(\(description))" }
}
