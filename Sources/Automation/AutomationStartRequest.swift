public import EventBus

/// StartAutomationExecution's request, as the engine takes it (from the API or a rule target).
public struct AutomationStartRequest: Sendable {
    /// A document name or ARN.
    public var documentName: String
    /// `$DEFAULT` (nil), `$LATEST` or a number.
    public var documentVersion: String?
    public var parameters: [String: [String]]
    /// Same token, same request: the same execution. Rule targets pass `RULE:EVENT_ID:TARGET_ID`.
    public var clientToken: String?
    /// `Auto` (the only mode schedulerd runs).
    public var mode: String
    public var targetParameterName: String?
    public var targets: [AutomationTarget]
    public var maxConcurrency: String?
    public var maxErrors: String?
    /// `{"Key": ..., "Value": ...}` objects.
    public var tags: [JSONValue]
    /// Who started it: an IAM-style ARN (`ExecutedBy`).
    public var executedBy: String

    public init(documentName: String, documentVersion: String? = nil, parameters: [String: [String]] = [:], clientToken: String? = nil,
                mode: String = "Auto", targetParameterName: String? = nil, targets: [AutomationTarget] = [],
                maxConcurrency: String? = nil, maxErrors: String? = nil, tags: [JSONValue] = [], executedBy: String) {
        self.documentName = documentName
        self.documentVersion = documentVersion
        self.parameters = parameters
        self.clientToken = clientToken
        self.mode = mode
        self.targetParameterName = targetParameterName
        self.targets = targets
        self.maxConcurrency = maxConcurrency
        self.maxErrors = maxErrors
        self.tags = tags
        self.executedBy = executedBy
    }

    /// What the request asks for, as canonical JSON: a retry with the same client token must
    /// ask for the same.
    var fingerprint: String {
        var members: [String: JSONValue] = [
            "DocumentName": .string(documentName), "Mode": .string(mode),
            "Parameters": .object(parameters.mapValues { .array($0.map { .string($0) }) }),
            "Targets": .array(targets.map(\.json)),
        ]
        if let documentVersion { members["DocumentVersion"] = .string(documentVersion) }
        if let targetParameterName { members["TargetParameterName"] = .string(targetParameterName) }
        if let maxConcurrency { members["MaxConcurrency"] = .string(maxConcurrency) }
        if let maxErrors { members["MaxErrors"] = .string(maxErrors) }
        return JSONValue.object(members).serialized(sortingKeys: true)
    }
}
