/// One target of a rule: where a matched event goes, in what shape, and how failures retry.
public struct TargetConfiguration: Sendable, Hashable {
    /// How long a command may run when the configuration gives no `timeout`.
    public static let defaultCommandTimeout = Duration.seconds(30)
    /// How long a webhook may take when the configuration gives no `timeout`.
    public static let defaultWebhookTimeout = Duration.seconds(10)

    /// The target's id, unique within its rule (1 to 64 of `.-_A-Za-z0-9`). With the event id it
    /// forms the idempotency key of a delivery.
    public var id: String
    /// What the target does with the event.
    public var kind: TargetKind
    /// What the target receives.
    public var input: TargetInput
    /// How failed deliveries are retried.
    public var retryPolicy: RetryPolicy

    /// Creates a target.
    public init(id: String, kind: TargetKind, input: TargetInput = .matchedEvent,
                retryPolicy: RetryPolicy = .default) {
        self.id = id
        self.kind = kind
        self.input = input
        self.retryPolicy = retryPolicy
    }
}

/// What a target does with a matched event.
public enum TargetKind: Sendable, Hashable {
    /// `log: true`: write the event to the daemon's event log.
    case log
    /// `command: [argv...]`: run the program with the input on standard input; killed after
    /// `timeout`. The program is started directly, not through a shell.
    case command(argv: [String], timeout: Duration)
    /// `webhook: URL`: POST the input as JSON to an http or https URL, giving up after `timeout`.
    case webhook(url: String, timeout: Duration)
    /// `automation: ARN-or-NAME` (or a mapping with rate control): start a runbook, the input
    /// being its parameters.
    case automation(AutomationTargetConfiguration)
}

/// An automation target: the runbook (`document`, an automation definition ARN or a document
/// name, and `version`) and, optionally, the rate control its execution runs with
/// (`targets`, `target_parameter_name`, `max_concurrency`, `max_errors`, as
/// StartAutomationExecution takes them).
public struct AutomationTargetConfiguration: Sendable, Hashable {
    /// One `{key, values}` of `targets`, such as `tag:Schedule` = `[office-hours]`.
    public struct Selector: Sendable, Hashable {
        public var key: String
        public var values: [String]

        public init(key: String, values: [String]) {
            self.key = key
            self.values = values
        }
    }

    /// The runbook's name.
    public var documentName: String
    /// `$DEFAULT`, `$LATEST` or a number; nil is `$DEFAULT`.
    public var documentVersion: String?
    /// The ARN as written, when the configuration gave one.
    public var arn: String?
    public var targetParameterName: String?
    public var targets: [Selector]
    public var maxConcurrency: String?
    public var maxErrors: String?

    public init(documentName: String, documentVersion: String? = nil, arn: String? = nil, targetParameterName: String? = nil,
                targets: [Selector] = [], maxConcurrency: String? = nil, maxErrors: String? = nil) {
        self.documentName = documentName
        self.documentVersion = documentVersion
        self.arn = arn
        self.targetParameterName = targetParameterName
        self.targets = targets
        self.maxConcurrency = maxConcurrency
        self.maxErrors = maxErrors
    }
}
