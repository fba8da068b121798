/// Many rules' event patterns, compiled together so that matching an event costs a few
/// index lookups plus the evaluation of the rules it could match, not a scan of all rules.
///
/// A `RuleMatcher` is an immutable value: share it freely between tasks and threads.
/// Changing the rule set (`adding`, `removing`) builds a new matcher; swap it in where
/// readers find it (an actor, a `Mutex`) and readers never see a half-built index.
///
///     let matcher = RuleMatcher([("calendar-closed", try EventPattern(json: closedPattern)),
///                                ("any-ec2", try EventPattern(json: #"{"source": ["aws.ec2"]}"#))])
///     matcher.matchingRules(for: event)   // ["calendar-closed"]
///
/// A rule ID given several patterns matches when any of them does, as in event-ruler.
/// Results come in the order rules were first given.
public struct RuleMatcher<RuleID: Hashable & Sendable>: Sendable {
    /// The rules in first-given order, each with its patterns.
    public let rules: [(id: RuleID, patterns: [EventPattern])]
    /// The rule IDs alone, so that naming the matches copies no patterns.
    @usableFromInline let ids: [RuleID]
    @usableFromInline let engine: CompiledRuleSet

    /// Compiles the given rules. A rule ID that appears more than once gathers its patterns.
    public init<Rules: Sequence>(_ rules: Rules) where Rules.Element == (RuleID, EventPattern) {
        var order: [RuleID] = []
        var patterns: [RuleID: [EventPattern]] = [:]
        for (id, pattern) in rules {
            if patterns[id] == nil { order.append(id) }
            patterns[id, default: []].append(pattern)
        }
        self.init(grouped: order.map { ($0, patterns[$0]!) })
    }

    /// A matcher with no rules.
    public init() {
        self.init(grouped: [])
    }

    private init(grouped: [(id: RuleID, patterns: [EventPattern])]) {
        rules = grouped
        ids = grouped.map(\.id)
        engine = CompiledRuleSet(patterns: grouped.map(\.patterns))
    }

    /// The number of distinct rule IDs.
    public var count: Int { rules.count }

    /// The IDs of the rules whose patterns match `event`, in the order rules were given.
    @inlinable
    public func matchingRules(for event: JSONValue) -> [RuleID] {
        // Inlinable so that this small generic step is specialised for the caller's ID type.
        var result: [RuleID] = []
        engine.forEachMatch(of: event) { result.append(ids[$0]) }
        return result
    }

    /// A new matcher with `pattern` added to rule `id` (a new rule if `id` is new).
    public func adding(_ id: RuleID, pattern: EventPattern) -> RuleMatcher {
        var grouped = rules
        if let index = grouped.firstIndex(where: { $0.id == id }) {
            grouped[index].patterns.append(pattern)
        } else {
            grouped.append((id, [pattern]))
        }
        return RuleMatcher(grouped: grouped)
    }

    /// A new matcher without rule `id`.
    public func removing(_ id: RuleID) -> RuleMatcher {
        RuleMatcher(grouped: rules.filter { $0.id != id })
    }
}
