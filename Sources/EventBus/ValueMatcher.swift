/// One entry of a field's value list in a compiled pattern: what a single leaf value of
/// the event must be for the field to match.
enum ValueMatcher: Sendable, Equatable {
    case exactString(String)
    case exactNumber(Double)
    case exactBool(Bool)
    case exactNull
    case prefix(String)
    case suffix(String)
    /// Values held in `foldedCase` form.
    case equalsIgnoringCase(String)
    case prefixIgnoringCase(String)
    case suffixIgnoringCase(String)
    case wildcard(WildcardPattern)
    case anythingBut(AnythingBut)
    case numeric(NumericRange)
    case cidr(IPRange)
    /// `exists: true` matches when the field has at least one leaf value, `false` when none.
    case exists(Bool)

    /// Whether `leaf` (a string, number, Boolean or null from the event) satisfies this
    /// matcher. `exists` is decided by the field as a whole, never here.
    func matches(_ leaf: JSONValue) -> Bool {
        switch self {
        case .exactString(let expected):
            guard case .string(let value) = leaf else { return false }
            return utf8Equal(value, expected)
        case .exactNumber(let expected):
            guard case .number(let value) = leaf else { return false }
            return Self.numbersEqual(value, expected)
        case .exactBool(let expected):
            guard case .bool(let value) = leaf else { return false }
            return value == expected
        case .exactNull:
            return leaf.isNull
        case .prefix(let prefix):
            guard case .string(let value) = leaf else { return false }
            return utf8HasPrefix(value, prefix)
        case .suffix(let suffix):
            guard case .string(let value) = leaf else { return false }
            return utf8HasSuffix(value, suffix)
        case .equalsIgnoringCase(let folded):
            guard case .string(let value) = leaf else { return false }
            return Self.equalsIgnoringCase(value, folded)
        case .prefixIgnoringCase(let folded):
            guard case .string(let value) = leaf else { return false }
            return Self.hasPrefixIgnoringCase(value, folded)
        case .suffixIgnoringCase(let folded):
            guard case .string(let value) = leaf else { return false }
            return Self.hasSuffixIgnoringCase(value, folded)
        case .wildcard(let pattern):
            guard case .string(let value) = leaf else { return false }
            return pattern.matches(value)
        case .anythingBut(let excluded):
            return !excluded.excludes(leaf)
        case .numeric(let range):
            guard case .number(let value) = leaf, let number = ComparableNumber.quantize(value) else { return false }
            return range.contains(number)
        case .cidr(let range):
            guard case .string(let value) = leaf, let address = IPAddress(value) else { return false }
            return range.contains(address)
        case .exists:
            return false
        }
    }

    /// Numbers in a value list match by value: to six decimals within ±5e9, exactly beyond.
    @inline(__always)
    static func numbersEqual(_ a: Double, _ b: Double) -> Bool {
        if let x = ComparableNumber.quantize(a), let y = ComparableNumber.quantize(b) { return x == y }
        return a == b
    }

    static func equalsIgnoringCase(_ value: String, _ folded: String) -> Bool {
        let quick: Bool?? = withUTF8Bytes(value) { v in
            withUTF8Bytes(folded) { f in
                guard v.count == f.count else { return v.allSatisfy { $0 < 0x80 } ? .some(false) : nil }
                return .some(asciiFoldedEqual(v, from: 0, f))
            }
        }
        if let quick, let answer = quick { return answer }
        return utf8Equal(foldedCase(value), folded)
    }

    static func hasPrefixIgnoringCase(_ value: String, _ folded: String) -> Bool {
        let quick: Bool? = withUTF8Bytes(value) { v in
            withUTF8Bytes(folded) { f in
                guard f.count <= v.count else { return v.allSatisfy { $0 < 0x80 } ? false : nil }
                return asciiFoldedEqual(v, from: 0, f)
            }
        }
        if let quick { return quick }
        return utf8HasPrefix(foldedCase(value), folded)
    }

    static func hasSuffixIgnoringCase(_ value: String, _ folded: String) -> Bool {
        let quick: Bool? = withUTF8Bytes(value) { v in
            withUTF8Bytes(folded) { f in
                guard f.count <= v.count else { return v.allSatisfy { $0 < 0x80 } ? false : nil }
                return asciiFoldedEqual(v, from: v.count - f.count, f)
            }
        }
        if let quick { return quick }
        return utf8HasSuffix(foldedCase(value), folded)
    }
}
