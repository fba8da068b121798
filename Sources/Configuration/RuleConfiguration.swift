/// One rule from the configuration: what it matches (an event pattern) or when it fires
/// (a schedule), and the targets that receive what it matches.
///
/// Patterns and schedule expressions are kept as text here; the event bus compiles them.
/// `patternLine` and `patternColumn` remember where the file wrote them, so the daemon can
/// report a pattern the event bus refuses at the right place (`patternError`).
public struct RuleConfiguration: Sendable, Hashable {
    /// EventBridge's limit on targets per rule.
    public static let maximumTargets = 5
    /// EventBridge's limit on a rule description, in characters.
    public static let maximumDescriptionLength = 512

    /// Whether a rule acts on what it matches.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// The rule matches events and delivers to its targets (the default).
        case enabled = "ENABLED"
        /// The rule is kept but matches nothing.
        case disabled = "DISABLED"
    }

    /// What makes the rule fire: exactly one of an event pattern and a schedule.
    public enum Trigger: Sendable, Hashable {
        /// `event_pattern`: an EventBridge event pattern, as compact JSON with keys in the
        /// order they were written.
        case eventPattern(String)
        /// `schedule_expression`: `rate(...)` or `cron(...)`, exactly as written.
        case scheduleExpression(String)

        /// The configuration key the trigger was written under.
        public var key: String {
            switch self {
            case .eventPattern: "event_pattern"
            case .scheduleExpression: "schedule_expression"
            }
        }
    }

    /// The rule's name, unique in the file (1 to 64 of `.-_A-Za-z0-9`, as EventBridge).
    public var name: String
    /// A description for people, at most 512 characters; empty when not given.
    public var description: String
    /// Whether the rule is enabled.
    public var state: State
    /// The event pattern or the schedule.
    public var trigger: Trigger
    /// Where matched events go: at most 5 targets, with unique ids.
    public var targets: [TargetConfiguration]
    /// The 1-based line of the `event_pattern` or `schedule_expression` key, or 0 when the rule
    /// did not come from a file.
    public var patternLine: Int
    /// The 1-based column of that key, or 0.
    public var patternColumn: Int

    /// Creates a rule.
    public init(name: String, description: String = "", state: State = .enabled, trigger: Trigger,
                targets: [TargetConfiguration] = [], patternLine: Int = 0, patternColumn: Int = 0) {
        self.name = name
        self.description = description
        self.state = state
        self.trigger = trigger
        self.targets = targets
        self.patternLine = patternLine
        self.patternColumn = patternColumn
    }

    /// The compact JSON event pattern, or `nil` for a scheduled rule.
    public var eventPattern: String? {
        if case .eventPattern(let pattern) = trigger { return pattern }
        return nil
    }

    /// The schedule expression, or `nil` for a rule with an event pattern.
    public var scheduleExpression: String? {
        if case .scheduleExpression(let expression) = trigger { return expression }
        return nil
    }

    /// An error about this rule's pattern or schedule, placed where the file wrote it:
    /// `FILE:LINE:COLUMN: rules[INDEX].event_pattern: MESSAGE`.
    ///
    /// - Parameters:
    ///   - message: Why the event bus refused the pattern or schedule.
    ///   - file: The configuration file the rule came from.
    ///   - ruleIndex: The rule's position in `DaemonConfiguration.rules`.
    public func patternError(_ message: String, file: String, ruleIndex: Int) -> ConfigurationError {
        ConfigurationError(code: .invalidValue, file: file,
                           path: DocumentPath.key(DocumentPath.index("rules", ruleIndex), trigger.key),
                           line: patternLine, column: patternColumn, message: message)
    }
}
