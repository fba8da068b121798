public import EventBus

/// `{{ name }}` references in runbook inputs: parameters, `step.Output` values, and the
/// system variables (`automation:EXECUTION_ID`, `global:ACCOUNT_ID`, ...).
public enum Interpolation {
    /// References resolved by the engine itself, not by the runbook's parameters or steps.
    public static let systemPrefixes = ["automation:", "global:", "ssm:", "ssm-secure:"]

    /// Whether `text` is exactly one reference, `{{ X }}` (its value may then be a list).
    public static func isReference(_ text: String) -> Bool { soleReference(text) != nil }

    /// The name in `text` when `text` is exactly one `{{ X }}`.
    /// (Without Foundation: every step of every execution asks, and `trimmingCharacters` was
    /// three percent of a fleet stop's CPU.)
    public static func soleReference(_ text: String) -> String? {
        let trimmed = trimmingSpaces(Substring(text))
        guard trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}"), trimmed.count > 4 else { return nil }
        let inner = trimmed.dropFirst(2).dropLast(2)
        guard !hasBracePair(inner, UInt8(ascii: "{")), !hasBracePair(inner, UInt8(ascii: "}")) else { return nil }
        return String(trimmingSpaces(inner))
    }

    /// `text` without the spaces at its ends: tabs and Unicode's space separators, the set
    /// Foundation calls `whitespaces` (line breaks stay). Every reference's name is trimmed so.
    static func trimmingSpaces(_ text: Substring) -> Substring {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return Substring(scalars[start..<end])
    }

    /// Whether `brace` appears twice in a row in `text`.
    private static func hasBracePair(_ text: Substring, _ brace: UInt8) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == brace && previous == brace { return true }
            previous = byte
        }
        return false
    }

    /// Every reference in a value, in order of appearance.
    public static func references(in value: JSONValue) -> [String] {
        switch value {
        case .string(let text): return references(inText: text)
        case .array(let items): return items.flatMap { references(in: $0) }
        case .object(let members): return members.keys.sorted().flatMap { references(in: members[$0]!) }
        default: return []
        }
    }

    static func references(inText text: String) -> [String] {
        var found: [String] = []
        guard text.utf8.contains(UInt8(ascii: "{")) else { return found }
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            found.append(String(trimmingSpaces(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// Replaces references with values. A string that is exactly one reference becomes the
    /// value itself (a list stays a list, as `InstanceIds: "{{ InstanceId }}"` needs); inside
    /// longer text a value goes in as text. Unknown references are left as written.
    public static func resolve(_ value: JSONValue, _ lookup: (String) -> JSONValue?) -> JSONValue {
        switch value {
        case .string(let text):
            // Most inputs hold no reference (`DesiredState: stopped`): skip Foundation's search.
            guard text.utf8.contains(UInt8(ascii: "{")) else { return value }
            if let name = soleReference(text), let resolved = lookup(name) { return resolved }
            var output = ""
            var rest = Substring(text)
            while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
                output += rest[..<open.lowerBound]
                let name = String(trimmingSpaces(rest[open.upperBound..<close.lowerBound]))
                switch lookup(name) {
                case .string(let s)?: output += s
                case let other?: output += other.serialized(sortingKeys: true)
                case nil: output += rest[open.lowerBound..<close.upperBound]
                }
                rest = rest[close.upperBound...]
            }
            return .string(output + rest)
        case .array(let items): return .array(items.map { resolve($0, lookup) })
        case .object(let members): return .object(members.mapValues { resolve($0, lookup) })
        default: return value
        }
    }
}
