import EventBus
import Testing

/// `RuleMatcher` (indexes, flat evaluation, shortcuts) must give exactly the rules that
/// evaluating every `EventPattern` in turn gives, on random patterns and events.
@Suite("RuleMatcher agrees with pattern-by-pattern evaluation")
struct RuleMatcherDifferentialTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func randomPatternsAndEvents(seed: UInt64) throws {
        var generator = RandomPatterns(seed: seed)
        var patterns: [EventPattern] = []
        while patterns.count < 300 {
            let text = generator.pattern()
            do {
                patterns.append(try EventPattern(json: text))
            } catch {
                Issue.record("generated pattern refused: \(error)\n\(text)")
                return
            }
        }
        let matcher = RuleMatcher(patterns.enumerated().map { ($0.offset, $0.element) })
        var totalMatches = 0
        var eventsWithMatches = 0
        var disagreements = 0
        for _ in 0..<3_000 {
            let event = generator.event()
            let expected = patterns.indices.filter { patterns[$0].matches(event) }
            let actual = matcher.matchingRules(for: event)
            if actual != expected {
                disagreements += 1
                if disagreements <= 3 {
                    let missing = Set(expected).subtracting(actual).map { patterns[$0].json }
                    let extra = Set(actual).subtracting(expected).map { patterns[$0].json }
                    Issue.record("event \(event)\nmissed: \(missing)\nextra: \(extra)")
                }
            }
            totalMatches += expected.count
            if !expected.isEmpty { eventsWithMatches += 1 }
        }
        #expect(disagreements == 0)
        // The vocabulary is small enough that rules and events meet often.
        #expect(eventsWithMatches > 1_500)
        #expect(totalMatches > 10_000)
    }

    @Test func sharedRuleIDsAgreeToo() throws {
        var generator = RandomPatterns(seed: 99)
        let rules = try (0..<200).map { index in (index % 50, try EventPattern(json: generator.pattern())) }
        let matcher = RuleMatcher(rules)
        for _ in 0..<1_000 {
            let event = generator.event()
            var expected: [Int] = []
            for (id, pattern) in rules where !expected.contains(id) && pattern.matches(event) { expected.append(id) }
            let firstSeen = Dictionary(rules.enumerated().map { ($0.element.0, $0.offset) }, uniquingKeysWith: min)
            expected.sort { firstSeen[$0]! < firstSeen[$1]! }
            #expect(matcher.matchingRules(for: event) == expected)
        }
    }
}
