public import EventBus
public import Foundation
public import Store

/// The rules in force, compiled once: patterns parsed and indexed (`RuleMatcher`), so an
/// event costs a lookup in the index rather than a scan of every rule's JSON.
public struct RuleBook: Sendable {
    public struct Rule: Sendable {
        public let name: String
        public let enabled: Bool
        public let pattern: EventPattern?
        public let scheduleExpression: String?
        /// The parsed `scheduleExpression`.
        public let schedule: ScheduleExpression?
        public let targets: [TargetDefinition]
    }

    /// A rule that cannot be compiled: which one and why.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let rule: String
        public let reason: String
        public var description: String { "rule \(rule): \(reason)" }
    }

    public let rules: [String: Rule]
    private let matcher: RuleMatcher<String>
    /// Every `source` an enabled rule's pattern can match, when each names its sources as a
    /// plain list (nil when one may match any source): an event from any other source
    /// matches nothing, and is not even parsed.
    private let sources: Set<String>?

    public init(records: [RuleRecord]) throws(Failure) {
        var rules: [String: Rule] = [:]
        var patterns: [(String, EventPattern)] = []
        for record in records {
            var pattern: EventPattern?
            if let text = record.eventPattern {
                do {
                    pattern = try EventPattern(json: text)
                } catch {
                    throw Failure(rule: record.name, reason: error.message)
                }
            }
            let targets: [TargetDefinition]
            do {
                targets = try TargetDefinition.decodeList(record.targets)
            } catch {
                throw Failure(rule: record.name, reason: "stored targets cannot be read: \(error)")
            }
            var schedule: ScheduleExpression?
            if let text = record.scheduleExpression {
                do {
                    schedule = try ScheduleExpression(text)
                } catch {
                    throw Failure(rule: record.name, reason: error.description)
                }
            }
            let rule = Rule(name: record.name, enabled: record.state == "ENABLED", pattern: pattern,
                            scheduleExpression: record.scheduleExpression, schedule: schedule, targets: targets)
            rules[record.name] = rule
            if rule.enabled, let pattern { patterns.append((record.name, pattern)) }
        }
        self.rules = rules
        matcher = RuleMatcher(patterns)
        var sources: Set<String>? = []
        for (_, pattern) in patterns {
            guard let listed = Self.listedSources(pattern) else {
                sources = nil
                break
            }
            sources?.formUnion(listed)
        }
        self.sources = sources
    }

    /// The sources a pattern names as `"source": ["a", "b"]` at its top (exact strings only; a
    /// `$or` beside it narrows further, never widens); nil when it may match any source.
    static func listedSources(_ pattern: EventPattern) -> [String]? {
        guard let top = (try? JSONValue(json: pattern.json))?.objectValue, let list = top["source"]?.arrayValue else { return nil }
        let names = list.compactMap(\.stringValue)
        return names.count == list.count ? names : nil
    }

    /// Names of the enabled rules whose pattern matches `event`.
    public func matchingRules(for event: EventEnvelope) -> [String] {
        if let sources, !sources.contains(event.source) { return [] }
        return matcher.matchingRules(for: event.value).sorted()
    }

    /// One pending delivery per target of every matching rule.
    public func deliveries(for event: EventEnvelope, now: Date) -> [DeliveryRecord] {
        matchingRules(for: event).flatMap { name in
            (rules[name]?.targets ?? []).map {
                DeliveryRecord(eventId: event.id, rule: name, targetId: $0.id, nextAttemptAt: now.timeIntervalSince1970,
                               updatedAt: now.timeIntervalSince1970)
            }
        }
    }
}
