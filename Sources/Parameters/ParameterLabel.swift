/// Labels on parameter versions, with AWS's rules: at most 100 characters of letters, digits,
/// `.`, `-` and `_`; not starting with a digit, `aws` or `ssm` (in any case); at most 10 on a
/// version; unique across a parameter's versions (labelling another version moves it).
///
/// A label that breaks the character rules is not an error: it comes back in `InvalidLabels`.
public enum ParameterLabel {
    public static let maximumPerVersion = 10
    public static let maximumLength = 100

    /// Whether AWS would accept `label` on a version.
    public static func isValid(_ label: String) -> Bool {
        guard let first = label.utf8.first, label.utf8.count <= maximumLength else { return false }
        if first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") { return false }
        let lowered = label.lowercased()
        if lowered.hasPrefix("aws") || lowered.hasPrefix("ssm") { return false }
        return label.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    /// The request's `Labels`: 1 to 10 of them, each 1 to 100 characters (AWS's model limits,
    /// checked before the rules above).
    public static func checkRequest(_ labels: [String]) throws(ParameterError) {
        if labels.isEmpty {
            throw .validation(member: "Labels", value: "[]", constraint: "Member must have length greater than or equal to 1")
        }
        if labels.count > maximumPerVersion {
            throw .validation(member: "Labels", value: nil, constraint: "Member must have length less than or equal to 10")
        }
        for label in labels where label.isEmpty || label.count > maximumLength {
            throw .validation(member: "Labels", value: "[\(label)]",
                              constraint: "Member must satisfy constraint: [Member must have length less than or equal to 100, Member must have length greater than or equal to 1]")
        }
    }

    static let limitExceeded = ParameterError(
        "ParameterVersionLabelLimitExceeded",
        "A parameter version can have a maximum of ten labels. Move one or more labels to another version and try again.")
}
