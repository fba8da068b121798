public import GRDB
import Foundation

/// One automation execution: what was started (the runbook's text as it was at the start, so a
/// later document version never changes a running execution), how far it got, and how it
/// ended. JSON columns hold the API's shapes.
public struct AutomationExecutionRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "automationExecution"

    /// A 36-character lower-case UUID.
    public var id: String
    public var documentName: String
    /// The version that runs: a number, or `1` for AWS-owned runbooks.
    public var documentVersion: String
    /// AWS's `AutomationExecutionStatus` (Pending, InProgress, Waiting, Success, ...).
    public var status: String
    /// `Auto`.
    public var mode: String
    /// The parameters as the API reports them: JSON object of name to list of strings,
    /// defaults filled in.
    public var parameters: String
    /// The parameter values typed as the runbook declares them: JSON object.
    public var values: String
    /// The runbook's `outputs` when the execution ended: JSON object of name to list of strings.
    public var outputs: String?
    public var failureMessage: String?
    public var startTime: Double
    public var endTime: Double?
    /// A rate-controlled parent's id, for its children.
    public var parentId: String?
    /// The target value a child runs for (`Target`).
    public var target: String?
    /// `ClientToken` (API) or `RULE:EVENT_ID:TARGET_ID` (rule target); unique.
    public var clientToken: String?
    /// What the request asked for, canonical JSON: a retry with the same token must match it.
    public var requestFingerprint: String?
    public var executedBy: String
    /// The step in flight (nil between steps and at the end).
    public var currentStepName: String?
    public var currentAction: String?
    /// The step to run next when none is in flight; nil before the first and after the last.
    public var nextStep: String?
    public var targetParameterName: String?
    /// JSON array of `{"Key": ..., "Values": [...]}`, when started with targets.
    public var targets: String?
    public var maxConcurrency: String?
    public var maxErrors: String?
    /// JSON array of the values the targets resolved to; nil until resolved.
    public var resolvedTargets: String?
    /// The runbook text and its format (YAML or JSON).
    public var content: String
    public var contentFormat: String
    /// `Cancel` or `Complete` once StopAutomationExecution asked.
    public var stopType: String?
    /// JSON array of `{"Key": ..., "Value": ...}`.
    public var tags: String
    public var updatedAt: Double

    public init(id: String, documentName: String, documentVersion: String, status: String, mode: String, parameters: String,
                values: String, outputs: String? = nil, failureMessage: String? = nil, startTime: Double, endTime: Double? = nil,
                parentId: String? = nil, target: String? = nil, clientToken: String? = nil, requestFingerprint: String? = nil,
                executedBy: String, currentStepName: String? = nil, currentAction: String? = nil, nextStep: String? = nil,
                targetParameterName: String? = nil, targets: String? = nil, maxConcurrency: String? = nil, maxErrors: String? = nil,
                resolvedTargets: String? = nil, content: String, contentFormat: String, stopType: String? = nil,
                tags: String = "[]", updatedAt: Double) {
        self.id = id
        self.documentName = documentName
        self.documentVersion = documentVersion
        self.status = status
        self.mode = mode
        self.parameters = parameters
        self.values = values
        self.outputs = outputs
        self.failureMessage = failureMessage
        self.startTime = startTime
        self.endTime = endTime
        self.parentId = parentId
        self.target = target
        self.clientToken = clientToken
        self.requestFingerprint = requestFingerprint
        self.executedBy = executedBy
        self.currentStepName = currentStepName
        self.currentAction = currentAction
        self.nextStep = nextStep
        self.targetParameterName = targetParameterName
        self.targets = targets
        self.maxConcurrency = maxConcurrency
        self.maxErrors = maxErrors
        self.resolvedTargets = resolvedTargets
        self.content = content
        self.contentFormat = contentFormat
        self.stopType = stopType
        self.tags = tags
        self.updatedAt = updatedAt
    }
}

/// One step execution of an automation: a step that ran (or runs), in the order steps ran. A
/// step that runs twice (a loop through `onFailure: step:X`) has two records.
public struct AutomationStepRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "automationStep"

    public var executionId: String
    /// 1, 2, 3... in the order the steps ran.
    public var sequence: Int
    /// A UUID, AWS's `StepExecutionId`.
    public var stepExecutionId: String
    public var stepName: String
    public var action: String
    /// AWS's step status (Pending, InProgress, Waiting, Success, Failed, TimedOut, Cancelled).
    public var status: String
    /// The inputs with every `{{ }}` resolved: JSON object.
    public var inputs: String?
    /// The step's outputs, typed: JSON object of name to value.
    public var outputs: String?
    public var response: String?
    public var responseCode: String?
    public var failureMessage: String?
    /// JSON `{"FailureStage": ..., "FailureType": ..., "Details": {...}}`.
    public var failureDetails: String?
    public var startTime: Double
    public var endTime: Double?
    /// Attempts made so far (`maxAttempts` bounds them).
    public var attempts: Int
    /// What the action needs to carry on after a restart (approvals so far, say): JSON.
    public var state: String?
    /// Where the automation went after this step, once decided.
    public var nextStep: String?
    /// Whether the step ran as part of a cancel workflow (`onCancel: step:X`).
    public var isCancelWorkflow: Bool
    public var updatedAt: Double

    public init(executionId: String, sequence: Int, stepExecutionId: String, stepName: String, action: String, status: String,
                inputs: String? = nil, outputs: String? = nil, response: String? = nil, responseCode: String? = nil,
                failureMessage: String? = nil, failureDetails: String? = nil, startTime: Double, endTime: Double? = nil,
                attempts: Int = 0, state: String? = nil, nextStep: String? = nil, isCancelWorkflow: Bool = false, updatedAt: Double) {
        self.executionId = executionId
        self.sequence = sequence
        self.stepExecutionId = stepExecutionId
        self.stepName = stepName
        self.action = action
        self.status = status
        self.inputs = inputs
        self.outputs = outputs
        self.response = response
        self.responseCode = responseCode
        self.failureMessage = failureMessage
        self.failureDetails = failureDetails
        self.startTime = startTime
        self.endTime = endTime
        self.attempts = attempts
        self.state = state
        self.nextStep = nextStep
        self.isCancelWorkflow = isCancelWorkflow
        self.updatedAt = updatedAt
    }
}

/// An event to record in the outbox together with the change that caused it.
public struct OutboxEntry: Sendable {
    public var event: StoredEvent
    public var deliveries: [DeliveryRecord]

    public init(event: StoredEvent, deliveries: [DeliveryRecord]) {
        self.event = event
        self.deliveries = deliveries
    }
}
