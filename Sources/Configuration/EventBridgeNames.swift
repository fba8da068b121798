/// The shapes AWS gives names and identifiers, checked where the configuration accepts them.
enum EventBridgeNames {
    /// A rule name or target id: 1 to 64 of `.-_A-Za-z0-9` (EventBridge's `RuleName`, `TargetId`).
    static func checkIdentifier(_ text: String, what: String) throws(ValueProblem) {
        guard (1...64).contains(text.count) else {
            throw ValueProblem("\(what) must be 1 to 64 characters long; '\(text)' has \(text.count)")
        }
        if let bad = text.first(where: { !isIdentifierCharacter($0) }) {
            throw ValueProblem("\(what) '\(text)' contains '\(bad)'; use only letters, digits, '.', '-' and '_'")
        }
    }

    /// An AWS region: lowercase words joined by hyphens and ending in a number, such as
    /// `us-east-1`, `us-gov-west-1` or `eu-central-2`. Whether the region exists is not checked:
    /// the daemon only writes it into ARNs and events.
    static func checkRegion(_ text: String) throws(ValueProblem) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let words = parts.dropLast()
        let isRegion = parts.count >= 3
            && words.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLowercase } }
            && parts[0].count >= 2
            && parts.last.map { !$0.isEmpty && $0.count <= 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } } == true
        guard isRegion else {
            throw ValueProblem("'\(text)' is not an AWS region; write one like us-east-1 or eu-central-2")
        }
    }

    /// A 12-digit AWS account id.
    static func checkAccountID(_ text: String) throws(ValueProblem) {
        guard text.count == 12, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValueProblem("'\(text)' is not an AWS account id; write exactly 12 digits, such as 123456789012")
        }
    }

    private static func isIdentifierCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "." || character == "-"
                              || character == "_")
    }
}
