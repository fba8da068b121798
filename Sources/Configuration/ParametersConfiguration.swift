/// The Parameter Store's keys: the `parameters` section.
///
/// ```yaml
/// parameters:
///   key_file: /etc/schedulerd/parameters.key   # default <data_dir>/parameters.key (made 0600 at first start)
///   # key_env: SCHEDULERD_PARAMETER_KEYS       # or: the master keys from this environment variable
///   kms_keys:                                  # keys beyond alias/aws/ssm, named as KMS names them
///     - key_id: 1234abcd-12ab-34cd-56ef-1234567890ab
///       aliases: [alias/app-secrets]
/// ```
public struct ParametersConfiguration: Sendable, Equatable {
    /// Where the master keys come from.
    public enum MasterKeys: Sendable, Equatable {
        /// A key file; `nil` for `<data_dir>/parameters.key`.
        case file(String?)
        /// An environment variable holding the keys (`1:<base64>` entries).
        case environment(String)
    }

    /// A customer key SecureStrings may name in `KeyId`: its key id and aliases.
    public struct KMSKey: Sendable, Equatable {
        /// `key_id`: letters, digits, `-` and `_` (a KMS key id is a UUID).
        public var keyID: String
        /// `aliases`: each `alias/NAME`, not under `alias/aws/`.
        public var aliases: [String]

        public init(keyID: String, aliases: [String]) {
            self.keyID = keyID
            self.aliases = aliases
        }
    }

    /// `key_file` or `key_env`.
    public var masterKeys: MasterKeys
    /// `kms_keys`.
    public var kmsKeys: [KMSKey]

    /// The default: the key file in the data directory, and only `alias/aws/ssm`.
    public static let `default` = ParametersConfiguration(masterKeys: .file(nil), kmsKeys: [])

    public init(masterKeys: MasterKeys, kmsKeys: [KMSKey]) {
        self.masterKeys = masterKeys
        self.kmsKeys = kmsKeys
    }
}
