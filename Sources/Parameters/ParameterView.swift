public import Foundation

/// One version of a parameter as the read operations report it. Which members a response
/// carries is the API's business (`Parameter` has no `Tier`, `ParameterMetadata` no `Value`).
public struct ParameterView: Sendable, Equatable {
    public let name: String
    public let type: String
    /// The value; for a SecureString read without decryption, its ciphertext in base64.
    public let value: String
    public let version: Int
    /// `:3` or `:prod` when the read named a version or label.
    public let selector: String?
    public let modified: Date
    /// `arn:aws:iam::ACCOUNT:user/NAME` of who wrote this version.
    public let modifiedBy: String
    public let arn: String
    public let dataType: String
    public let keyId: String?
    public let description: String?
    public let allowedPattern: String?
    public let labels: [String]
    public let tier: String
    public let policies: [PolicyState]
}

/// A tag, as the API takes and returns them.
public struct ParameterTag: Sendable, Equatable {
    public let key: String
    public let value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// PutParameter's request, its members typed.
public struct PutParameterRequest: Sendable {
    public var name: String
    public var value: String
    public var type: ParameterType?
    public var description: String?
    public var keyId: String?
    public var overwrite: Bool
    public var allowedPattern: String?
    public var tags: [ParameterTag]?
    public var tier: ParameterTier?
    public var policies: String?
    public var dataType: String?

    public init(name: String, value: String, type: ParameterType? = nil, description: String? = nil, keyId: String? = nil,
                overwrite: Bool = false, allowedPattern: String? = nil, tags: [ParameterTag]? = nil, tier: ParameterTier? = nil,
                policies: String? = nil, dataType: String? = nil) {
        self.name = name
        self.value = value
        self.type = type
        self.description = description
        self.keyId = keyId
        self.overwrite = overwrite
        self.allowedPattern = allowedPattern
        self.tags = tags
        self.tier = tier
        self.policies = policies
        self.dataType = dataType
    }
}
