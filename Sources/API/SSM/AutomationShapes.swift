import Automation
import EventBus
import Foundation
import Runbooks
import Store

/// The API's shapes of executions and step executions (`AutomationExecution`,
/// `AutomationExecutionMetadata`, `StepExecution`), field for field as botocore's model
/// names them, from the stored records.
enum AutomationShapes {
    static let noOutputYet = "No output available yet because the step is not successfully executed"

    static func json(_ text: String?) -> JSONValue? { text.flatMap { try? JSONValue(json: $0) } }

    static let runbooks = RunbookCache()

    static func runbook(_ record: AutomationExecutionRecord) -> Runbook? {
        try? runbooks.runbook(record.content, format: record.contentFormat)
    }

    /// GetAutomationExecution's `AutomationExecution`.
    static func execution(_ record: AutomationExecutionRecord, steps: [AutomationStepRecord], children: [AutomationExecutionRecord]?) -> [String: JSONValue] {
        let runbook = runbook(record)
        var shape = common(record, runbook: runbook)
        let isParent = record.targets != nil && record.parentId == nil
        var stepShapes = steps.map { step(record: $0, runbook: runbook) }
        if !isParent, let runbook {
            let ran = Set(steps.map(\.stepName))
            for step in runbook.mainSteps where !ran.contains(step.name) {
                stepShapes.append(["StepName": .string(step.name), "Action": .string(step.action), "StepStatus": "Pending"])
            }
        }
        shape["StepExecutions"] = .array(stepShapes)
        shape["StepExecutionsTruncated"] = false
        shape["Parameters"] = json(record.parameters) ?? [:]
        if let children {
            let total = json(record.resolvedTargets)?.arrayValue?.count ?? children.count
            let count = { (status: String) in JSONValue.number(Double(children.filter { $0.status == status }.count)) }
            shape["ProgressCounters"] = ["TotalSteps": .number(Double(total)), "SuccessSteps": count("Success"),
                                         "FailedSteps": count("Failed"), "CancelledSteps": count("Cancelled"),
                                         "TimedOutSteps": count("TimedOut")]
        }
        return shape
    }

    /// DescribeAutomationExecutions' `AutomationExecutionMetadata`.
    static func metadata(_ record: AutomationExecutionRecord) -> [String: JSONValue] {
        var shape = common(record, runbook: record.outputs == nil ? runbook(record) : nil)
        shape["LogFile"] = ""
        shape["AutomationType"] = "Local"
        return shape
    }

    /// The fields both shapes have.
    static func common(_ record: AutomationExecutionRecord, runbook: Runbook?) -> [String: JSONValue] {
        var shape: [String: JSONValue] = [
            "AutomationExecutionId": .string(record.id), "DocumentName": .string(record.documentName),
            "DocumentVersion": .string(record.documentVersion), "AutomationExecutionStatus": .string(record.status),
            "ExecutionStartTime": .number(record.startTime), "Mode": .string(record.mode), "ExecutedBy": .string(record.executedBy),
            "Outputs": outputs(record, runbook: runbook),
        ]
        if let end = record.endTime { shape["ExecutionEndTime"] = .number(end) }
        if let message = record.failureMessage { shape["FailureMessage"] = .string(message) }
        if let name = record.currentStepName { shape["CurrentStepName"] = .string(name) }
        if let action = record.currentAction { shape["CurrentAction"] = .string(action) }
        if let parent = record.parentId { shape["ParentAutomationExecutionId"] = .string(parent) }
        if let target = record.target { shape["Target"] = .string(target) }
        if let name = record.targetParameterName { shape["TargetParameterName"] = .string(name) }
        if let targets = json(record.targets) { shape["Targets"] = targets }
        if let concurrency = record.maxConcurrency { shape["MaxConcurrency"] = .string(concurrency) }
        if let errors = record.maxErrors { shape["MaxErrors"] = .string(errors) }
        if record.targets != nil {
            let values = json(record.resolvedTargets)?.arrayValue ?? []
            shape["ResolvedTargets"] = ["ParameterValues": .array(values), "Truncated": false]
        }
        return shape
    }

    /// The execution's outputs; while it runs, each declared one says it is not available yet.
    static func outputs(_ record: AutomationExecutionRecord, runbook: Runbook?) -> JSONValue {
        if let outputs = json(record.outputs) { return outputs }
        var pending: [String: JSONValue] = [:]
        for name in runbook?.outputs ?? [] { pending[name] = [.string(noOutputYet)] }
        return .object(pending)
    }

    /// One `StepExecution`.
    static func step(record: AutomationStepRecord, runbook: Runbook?) -> JSONValue {
        let definition = runbook?.step(named: record.stepName)
        var shape: [String: JSONValue] = [
            "StepName": .string(record.stepName), "Action": .string(record.action), "StepStatus": .string(record.status),
            "StepExecutionId": .string(record.stepExecutionId), "ExecutionStartTime": .number(record.startTime),
        ]
        if let end = record.endTime { shape["ExecutionEndTime"] = .number(end) }
        var inputs: [String: JSONValue] = [:]
        for (name, value) in json(record.inputs)?.objectValue ?? [:] { inputs[name] = .string(value.serialized(sortingKeys: true)) }
        shape["Inputs"] = .object(inputs)
        if let outputs = json(record.outputs)?.objectValue {
            shape["Outputs"] = .object(outputs.mapValues { .array(OutputValues.apiList($0).map { .string($0) }) })
        }
        if let response = record.response { shape["Response"] = .string(response) }
        if let code = record.responseCode { shape["ResponseCode"] = .string(code) }
        if let message = record.failureMessage { shape["FailureMessage"] = .string(message) }
        if let details = json(record.failureDetails) { shape["FailureDetails"] = details }
        if let definition {
            if let timeout = definition.timeoutSeconds { shape["TimeoutSeconds"] = .number(Double(timeout)) }
            shape["MaxAttempts"] = .number(Double(definition.maxAttempts))
            shape["OnFailure"] = .string(policy(definition.onFailure))
            shape["IsEnd"] = .bool(definition.isEnd)
            shape["IsCritical"] = .bool(definition.isCritical)
            if let next = record.nextStep ?? definition.nextStep { shape["NextStep"] = .string(next) }
            if definition.action == "aws:branch" {
                var valid = (definition.inputs["Choices"]?.arrayValue ?? []).compactMap { $0["NextStep"]?.stringValue }
                if let fallback = definition.inputs["Default"]?.stringValue { valid.append(fallback) }
                shape["ValidNextSteps"] = .array(valid.map { .string($0) })
            }
        } else if let next = record.nextStep {
            shape["NextStep"] = .string(next)
        }
        return .object(shape)
    }

    static func policy(_ policy: Step.FailurePolicy) -> String {
        switch policy {
        case .abort: "Abort"
        case .continue: "Continue"
        case .step(let name): "step:\(name)"
        }
    }
}
