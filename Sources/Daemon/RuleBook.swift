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
    /// Which sources and detail types the enabled rules can match: an event no rule's pattern
    /// lists matches nothing, and is not even parsed. A fleet's state changes and automations'
    /// status changes are tens of thousands of events that most rule books never listen to.
    private let prefilter: EnvelopePrefilter

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
        prefilter = EnvelopePrefilter(patterns.map(\.1))
    }

    /// Names of the enabled rules whose pattern matches `event`.
    public func matchingRules(for event: EventEnvelope) -> [String] {
        guard prefilter.mayMatch(source: event.source, detailType: event.detailType) else { return [] }
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
