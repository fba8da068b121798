/// The values an `anything-but` refuses. Every other leaf value matches, whatever its
/// type: `{"anything-but": "x"}` matches `null`, `12` and `"y"`, but never a missing field.
enum AnythingBut: Sendable, Equatable {
    case strings([String])
    case numbers([Double])
    case prefixes([String])
    case suffixes([String])
    /// Values held in `foldedCase` form.
    case ignoringCase([String])
    case wildcards([WildcardPattern])

    func excludes(_ leaf: JSONValue) -> Bool {
        switch self {
        case .numbers(let numbers):
            guard case .number(let value) = leaf else { return false }
            return numbers.contains { ValueMatcher.numbersEqual(value, $0) }
        case .strings(let strings):
            guard case .string(let value) = leaf else { return false }
            return strings.contains { utf8Equal(value, $0) }
        case .prefixes(let prefixes):
            guard case .string(let value) = leaf else { return false }
            return prefixes.contains { utf8HasPrefix(value, $0) }
        case .suffixes(let suffixes):
            guard case .string(let value) = leaf else { return false }
            return suffixes.contains { utf8HasSuffix(value, $0) }
        case .ignoringCase(let folded):
            guard case .string(let value) = leaf else { return false }
            return folded.contains { ValueMatcher.equalsIgnoringCase(value, $0) }
        case .wildcards(let patterns):
            guard case .string(let value) = leaf else { return false }
            return patterns.contains { $0.matches(value) }
        }
    }
}
