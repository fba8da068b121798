/// Chooses, for a compiled pattern, the field conditions ("anchors") that every match
/// must satisfy and that are cheap to look up.
///
/// Anchors come in *groups*: the pattern can only match an event in which every group
/// has at least one anchor that holds. Each leaf field of the pattern's top-level AND
/// (fields of nested objects included) is a group of one. A `$or` is a group too when
/// every branch can be anchored: its anchors are the union of the branches'. Fields
/// that may hold through absence (`exists: false`) can never anchor.
///
/// Selective anchors (exact values, case-insensitive values, prefixes, suffixes,
/// wildcards with a literal end, numeric and CIDR ranges) all become groups, up to
/// `maximumGroups`. Only when a pattern has none is it anchored by its best weak anchor
/// alone (`anything-but`, `exists: true`, bare wildcards), which any present value may
/// satisfy.
enum AnchorSelection {
    struct Anchor {
        let node: Int
        let matchers: [ValueMatcher]
    }

    /// Groups are counted in a per-rule bit mask whose top bit marks "already a candidate".
    static let maximumGroups = 7
    /// Weakness up to which an anchor is selective enough to be required alongside others.
    private static let selective = 4

    private struct Choice {
        var weakness: Int
        var anchors: [Anchor]
        var matcherCount: Int
        /// Whether the index answers this choice exactly: a hit means it holds.
        var exact = false

        func isBetter(than other: Choice) -> Bool {
            (weakness, anchors.count, matcherCount) < (other.weakness, other.anchors.count, other.matcherCount)
        }
    }

    /// The anchor groups, and whether they decide the pattern on their own: every part
    /// of the pattern is a group the index answers exactly, so when all groups are hit
    /// (and no path ran through an array of several objects) the pattern matches.
    static func selection(of condition: ObjectCondition) -> (groups: [[Anchor]], decisive: Bool)? {
        var strong: [Choice] = []
        var parts = 0
        collectSelective(condition, into: &strong, parts: &parts)
        if strong.contains(where: { $0.weakness <= selective }) {
            let ordered = strong.enumerated().sorted { ($0.element.weakness, $0.offset) < ($1.element.weakness, $1.offset) }
            // Every extra group costs lookups for every event; past two groups, only
            // cheap, highly selective ones (exact or case-insensitive values) pay for that.
            var chosen: [[Anchor]] = []
            var exactCount = 0
            for (_, choice) in ordered where chosen.count < maximumGroups {
                if chosen.count >= 2 && choice.weakness > 2 && choice.weakness <= selective { continue }
                chosen.append(choice.anchors)
                if choice.exact { exactCount += 1 }
            }
            return (chosen, exactCount == parts && chosen.count == parts)
        }
        return best(condition).map { ([$0.anchors], false) }
    }

    /// Matchers the index answers exactly (tables, tries and interval indexes compare
    /// what evaluation compares); wildcards and `anything-but` are only approximated.
    private static func isExact(_ matchers: [ValueMatcher]) -> Bool {
        matchers.allSatisfy { matcher in
            switch matcher {
            case .wildcard, .anythingBut, .exists(false): false
            default: true
            }
        }
    }

    /// One group: the best anchor choice of `condition` alone (used when a rule has
    /// several patterns, any of which may match).
    static func singleGroup(of condition: ObjectCondition) -> [Anchor]? {
        best(condition)?.anchors
    }

    /// Adds the selective choices of the AND of `condition`; counts its parts (fields and
    /// `$or` groups, through nested objects) in `parts`.
    private static func collectSelective(_ condition: ObjectCondition, into choices: inout [Choice], parts: inout Int) {
        for field in condition.fields {
            parts += 1
            let anchor = Anchor(node: field.path, matchers: field.matchers)
            if let weakness = weakness(of: field.matchers), weakness <= selective {
                choices.append(Choice(weakness: weakness, anchors: [anchor], matcherCount: field.matchers.count,
                                      exact: isExact(field.matchers)))
            } else if field.matchers.allSatisfy({ $0 == .exists(true) }) {
                // `exists: true` usually tests an optional field: a cheap extra group that
                // lets the rule through only when the field is there.
                choices.append(Choice(weakness: selective + 1, anchors: [anchor], matcherCount: 1, exact: true))
            }
        }
        for child in condition.children {
            collectSelective(child.object, into: &choices, parts: &parts)
        }
        for group in condition.alternatives {
            parts += 1
            guard var union = union(of: group), union.weakness <= selective else { continue }
            // Exact when each branch is a single exact field: then the union is the `$or`.
            union.exact = group.allSatisfy { branch in
                branch.children.isEmpty && branch.alternatives.isEmpty && branch.fields.count == 1
                    && isExact(branch.fields[0].matchers) && weakness(of: branch.fields[0].matchers) != nil
            }
            choices.append(union)
        }
    }

    private static func union(of group: [ObjectCondition]) -> Choice? {
        var union = Choice(weakness: 0, anchors: [], matcherCount: 0)
        for branch in group {
            guard let choice = best(branch) else { return nil }
            union.weakness = max(union.weakness, choice.weakness)
            union.anchors += choice.anchors
            union.matcherCount += choice.matcherCount
        }
        return union
    }

    private static func best(_ condition: ObjectCondition) -> Choice? {
        var chosen: Choice?
        func consider(_ choice: Choice?) {
            guard let choice else { return }
            if chosen == nil || choice.isBetter(than: chosen!) { chosen = choice }
        }
        for field in condition.fields {
            guard let weakness = weakness(of: field.matchers) else { continue }
            consider(Choice(weakness: weakness, anchors: [Anchor(node: field.path, matchers: field.matchers)],
                            matcherCount: field.matchers.count))
        }
        for child in condition.children {
            consider(best(child.object))
        }
        for group in condition.alternatives {
            consider(union(of: group))
        }
        return chosen
    }

    /// How many events an anchor lets through, roughly (lower is more selective); `nil`
    /// when the field can hold without any leaf value.
    private static func weakness(of matchers: [ValueMatcher]) -> Int? {
        var worst = 0
        for matcher in matchers {
            let value: Int
            switch matcher {
            case .exactString, .exactNumber, .exactBool, .exactNull: value = 1
            case .equalsIgnoringCase: value = 2
            case .prefix(let text), .suffix(let text), .prefixIgnoringCase(let text), .suffixIgnoringCase(let text):
                value = text.isEmpty ? 6 : 3
            case .wildcard(let pattern):
                value = pattern.leadingLiteral.isEmpty && pattern.trailingLiteral.isEmpty ? 6 : 3
            case .numeric, .cidr: value = 4
            case .anythingBut, .exists(true): value = 7
            case .exists(false): return nil
            }
            worst = max(worst, value)
        }
        return worst
    }
}
