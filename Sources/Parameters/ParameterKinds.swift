/// `Type`: what a parameter's value is.
public enum ParameterType: String, Sendable, CaseIterable {
    case string = "String"
    case stringList = "StringList"
    case secureString = "SecureString"

    /// The request's `Type`, or AWS's enum error.
    public static func parse(_ text: String) throws(ParameterError) -> ParameterType {
        guard let type = ParameterType(rawValue: text) else {
            throw .validation(member: "Type", value: text, constraint: "Member must satisfy enum value set: [SecureString, StringList, String]")
        }
        return type
    }
}

/// `Tier`: Standard (4 KB values, no policies), Advanced (8 KB, policies), or
/// Intelligent-Tiering (Advanced only when the value or the policies need it).
public enum ParameterTier: String, Sendable, CaseIterable {
    case standard = "Standard"
    case advanced = "Advanced"
    case intelligentTiering = "Intelligent-Tiering"

    /// The largest value a tier holds, in bytes of UTF-8.
    public var maximumValueBytes: Int { self == .standard ? 4096 : 8192 }

    /// How many parameters of the tier an account may have.
    public var maximumCount: Int { self == .standard ? 10_000 : 100_000 }

    public static func parse(_ text: String) throws(ParameterError) -> ParameterTier {
        guard let tier = ParameterTier(rawValue: text) else {
            throw .validation(member: "Tier", value: text, constraint: "Member must satisfy enum value set: [Standard, Advanced, Intelligent-Tiering]")
        }
        return tier
    }
}

/// `DataType`: `text`, or `aws:ec2:image` (an AMI id, checked for its form).
public enum ParameterDataType: String, Sendable, CaseIterable {
    case text
    case ec2Image = "aws:ec2:image"

    public static func parse(_ text: String) throws(ParameterError) -> ParameterDataType {
        guard let type = ParameterDataType(rawValue: text) else {
            throw .validation("The following data type is not supported: \(text) (Data type names are all lowercase.)")
        }
        return type
    }

    /// Checks a value against the data type: an `aws:ec2:image` value is an AMI id,
    /// `ami-` and 8 or 17 lower-case hexadecimal digits. (AWS also looks the image up, after
    /// the fact; schedulerd has no images to look up.)
    func check(_ value: String, type: ParameterType) throws(ParameterError) {
        guard self == .ec2Image else { return }
        guard type == .string else {
            throw .validation("The aws:ec2:image data type is supported only for String parameters, not \(type.rawValue).")
        }
        let digits = value.utf8.dropFirst(4)
        let isHex = digits.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
        guard value.hasPrefix("ami-"), digits.count == 8 || digits.count == 17, isHex else {
            throw .validation("Parameter value \(value) is not a valid AMI id for the aws:ec2:image data type: an AMI id is ami- "
                              + "followed by 8 or 17 hexadecimal digits, like ami-0123456789abcdef0.")
        }
    }
}
