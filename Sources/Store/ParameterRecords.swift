public import GRDB
import Foundation

/// A Parameter Store parameter: its name and which version is the latest. The versions hold
/// everything else.
public struct ParameterRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "parameter"
    /// The name without its leading slash (`/x` and `x` are one parameter).
    public var key: String
    /// The name as it was written when the parameter was created.
    public var name: String
    public var latestVersion: Int
    /// The tier now (`Standard` or `Advanced`), for the per-tier count limits.
    public var tier: String
    /// When the earliest pending policy of the latest version is due (nil: none).
    public var nextPolicyAt: Double?

    public init(key: String, name: String, latestVersion: Int, tier: String, nextPolicyAt: Double?) {
        self.key = key
        self.name = name
        self.latestVersion = latestVersion
        self.tier = tier
        self.nextPolicyAt = nextPolicyAt
    }
}

/// One version of a parameter. A SecureString's value is only ever stored sealed
/// (`ciphertext`, an envelope under a master key); `value` holds String and StringList values.
public struct ParameterVersionRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "parameterVersion"
    public var key: String
    public var version: Int
    public var type: String
    /// The value of a String or StringList; nil for a SecureString.
    public var value: String?
    /// The sealed value of a SecureString; nil otherwise.
    public var ciphertext: Data?
    /// The `KeyId` as the request gave it (SecureString only).
    public var keyId: String?
    public var description: String?
    public var allowedPattern: String?
    public var dataType: String
    public var tier: String
    /// JSON array of `{"PolicyText", "PolicyType", "PolicyStatus"}`, as the API reports them.
    public var policies: String
    public var modifiedAt: Double
    /// The ARN of who wrote this version (`arn:aws:iam::ACCOUNT:user/NAME`).
    public var modifiedBy: String

    public init(key: String, version: Int, type: String, value: String?, ciphertext: Data?, keyId: String?, description: String?,
                allowedPattern: String?, dataType: String, tier: String, policies: String, modifiedAt: Double, modifiedBy: String) {
        self.key = key
        self.version = version
        self.type = type
        self.value = value
        self.ciphertext = ciphertext
        self.keyId = keyId
        self.description = description
        self.allowedPattern = allowedPattern
        self.dataType = dataType
        self.tier = tier
        self.policies = policies
        self.modifiedAt = modifiedAt
        self.modifiedBy = modifiedBy
    }
}

/// A label on one version; a label names at most one version of its parameter.
public struct ParameterLabelRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "parameterLabel"
    public var key: String
    public var label: String
    public var version: Int

    public init(key: String, label: String, version: Int) {
        self.key = key
        self.label = label
        self.version = version
    }
}

/// A tag on a parameter.
public struct ParameterTagRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "parameterTag"
    public var key: String
    public var tagKey: String
    public var tagValue: String

    public init(key: String, tagKey: String, tagValue: String) {
        self.key = key
        self.tagKey = tagKey
        self.tagValue = tagValue
    }
}
