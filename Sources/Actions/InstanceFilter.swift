/// A DescribeInstances filter, checked once and then matched against instances. A filter
/// matches when any of its values does; values take EC2's `*` and `?` wildcards.
struct InstanceFilter {
    /// The filter names the simulator knows (EC2 has many more).
    static let names = ["availability-zone", "image-id", "instance-id", "instance-state-code", "instance-state-name",
                        "instance-type", "key-name", "private-ip-address", "reservation-id", "tag-key", "tag-value", "tag:KEY"]

    let name: String
    let values: [String]

    init(_ filter: ResourceFilter) throws {
        guard filter.name.hasPrefix("tag:") ? filter.name.count > 4 : Self.names.contains(filter.name) else {
            throw ResourceError.invalidParameterValue("The filter '\(filter.name)' is invalid")
        }
        name = filter.name
        values = filter.values
    }

    func matches(_ instance: EC2Instance) -> Bool {
        switch name {
        case "availability-zone": any(instance.availabilityZone)
        case "image-id": any(instance.imageId)
        case "instance-id": any(instance.id)
        case "instance-state-code": any(String(instance.state.code))
        case "instance-state-name": any(instance.state.rawValue)
        case "instance-type": any(instance.instanceType)
        case "key-name": instance.keyName.map(any) ?? false
        case "private-ip-address": any(instance.privateIpAddress)
        case "reservation-id": any(instance.reservationId)
        case "tag-key": instance.tags.contains { any($0.key) }
        case "tag-value": instance.tags.contains { any($0.value) }
        default: instance.tag(String(name.dropFirst(4))).map(any) ?? false
        }
    }

    private func any(_ value: String) -> Bool {
        values.contains { Wildcard.matches(value, pattern: $0) }
    }
}

/// EC2's filter wildcards: `*` any run of characters, `?` exactly one, `\` escapes either.
enum Wildcard {
    static func matches(_ text: String, pattern: String) -> Bool {
        if !pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "\\" }) { return text == pattern }
        let text = Array(text)
        // The pattern as tokens: a literal character, one-character wildcard, or a run wildcard.
        enum Token: Equatable { case literal(Character), one, any }
        var tokens: [Token] = []
        var escaped = false
        for character in pattern {
            if escaped {
                tokens.append(.literal(character))
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                tokens.append(character == "*" ? .any : character == "?" ? .one : .literal(character))
            }
        }
        if escaped { tokens.append(.literal("\\")) }
        // Classic two-pointer glob matching with backtracking to the last `*`.
        var t = 0, p = 0
        var star: Int?
        var mark = 0
        while t < text.count {
            if p < tokens.count, tokens[p] == .one || tokens[p] == .literal(text[t]) {
                t += 1
                p += 1
            } else if p < tokens.count, tokens[p] == .any {
                star = p
                mark = t
                p += 1
            } else if let star {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < tokens.count, tokens[p] == .any { p += 1 }
        return p == tokens.count
    }
}
