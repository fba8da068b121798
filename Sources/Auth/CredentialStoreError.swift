/// A credential operation that cannot be done: what, and how to fix it.
public struct CredentialStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable error code. New codes may be added.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The key file has group or other permission bits, is not a regular file, or has the
        /// wrong size.
        public static let unsafeKeyFile = Code(rawValue: "UnsafeKeyFile")
        /// The key file cannot be read or created.
        public static let unreadableKeyFile = Code(rawValue: "UnreadableKeyFile")
        /// The key does not open the stored secrets, or the key file is missing while the
        /// database holds sealed secrets.
        public static let wrongKey = Code(rawValue: "WrongKey")
        /// The name is not a valid credential name.
        public static let invalidName = Code(rawValue: "InvalidName")
        /// An active credential already has this name.
        public static let duplicateName = Code(rawValue: "DuplicateName")
        /// No credential has this access key id or name.
        public static let unknownCredential = Code(rawValue: "UnknownCredential")
        /// The credential is already revoked.
        public static let alreadyRevoked = Code(rawValue: "AlreadyRevoked")
        /// The credential comes from the configuration file and can only be removed there.
        public static let configuredCredential = Code(rawValue: "ConfiguredCredential")
    }

    /// What kind of problem this is.
    public var code: Code
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
