import EventBus
import SchedulerConfiguration

/// The checks that need the whole runbook: names unique, every step reference resolves, each
/// action has its inputs, every `{{ }}` reference names a parameter or a step output.
struct RunbookChecks {
    let runbook: Runbook
    let root: ConfigurationNode

    func stepPath(_ index: Int) -> String { "mainSteps[\(index)] (\(runbook.mainSteps[index].name))" }

    func fail(_ index: Int, _ field: String, _ message: String) -> RunbookError {
        RunbookError(path: stepPath(index) + (field.isEmpty ? "" : ".\(field)"), line: runbook.mainSteps[index].line, message: message)
    }

    func check() throws(RunbookError) {
        var seen: Set<String> = []
        for (index, step) in runbook.mainSteps.enumerated() {
            guard seen.insert(step.name).inserted else { throw fail(index, "name", "another step is already named \(step.name)") }
        }
        for (index, step) in runbook.mainSteps.enumerated() {
            try checkReferences(index, step)
            try checkAction(index, step)
            try checkInterpolations(index, step)
        }
        for (index, output) in runbook.outputs.enumerated() {
            guard knownOutput(output) else {
                throw RunbookError(path: "outputs[\(index)]", line: root["outputs"]?.line ?? 0,
                                   message: "\(output) names no step output; write stepName.OutputName")
            }
        }
    }

    func checkReferences(_ index: Int, _ step: Step) throws(RunbookError) {
        func exists(_ name: String, _ field: String) throws(RunbookError) {
            guard runbook.step(named: name) != nil else { throw fail(index, field, "names step \(name), which the runbook does not have") }
        }
        if let next = step.nextStep { try exists(next, "nextStep") }
        if case .step(let target) = step.onFailure { try exists(target, "onFailure") }
        if case .step(let target) = step.onCancel {
            try exists(target, "onCancel")
            if let action = runbook.step(named: target)?.action, RunbookActions.notCancelTargets.contains(action) {
                throw fail(index, "onCancel", "a cancel workflow cannot go to a \(action) step")
            }
        }
    }

    func checkAction(_ index: Int, _ step: Step) throws(RunbookError) {
        guard let action = RunbookActions.all[step.action] else {
            throw fail(index, "action", "\(step.action) is not an action schedulerd runs; it runs \(RunbookActions.names)")
        }
        for input in action.required where step.inputs[input] == nil {
            throw fail(index, "inputs.\(input)", "required by \(step.action)")
        }
        if !action.oneOf.isEmpty, !action.oneOf.contains(where: { step.inputs[$0] != nil }) {
            throw fail(index, "inputs", "\(step.action) needs one of \(action.oneOf.joined(separator: ", "))")
        }
        switch step.action {
        case "aws:changeInstanceState":
            if let state = step.inputs["DesiredState"]?.stringValue, !Interpolation.isReference(state),
               !["running", "stopped", "terminated"].contains(state) {
                throw fail(index, "inputs.DesiredState", "must be running, stopped or terminated, not \(state)")
            }
        case "aws:sleep":
            if step.inputs["Duration"] != nil, step.inputs["Timestamp"] != nil {
                throw fail(index, "inputs", "aws:sleep takes Duration or Timestamp, not both")
            }
            if let duration = step.inputs["Duration"]?.stringValue, !Interpolation.isReference(duration) {
                guard let seconds = ISODuration.seconds(duration) else {
                    throw fail(index, "inputs.Duration", "\(duration) is not an ISO 8601 duration such as PT10M")
                }
                if seconds > 604_799 { throw fail(index, "inputs.Duration", "at most 604799 seconds (7 days)") }
            }
        case "aws:branch":
            try checkBranch(index, step)
        case "aws:assertAwsResourceProperty", "aws:waitForAwsResourceProperty":
            if let selector = step.inputs["PropertySelector"]?.stringValue, !selector.hasPrefix("$") {
                throw fail(index, "inputs.PropertySelector", "must be a JSONPath starting with $")
            }
            if let values = step.inputs["DesiredValues"], values.arrayValue == nil, !(values.stringValue.map(Interpolation.isReference) ?? false) {
                throw fail(index, "inputs.DesiredValues", "must be a list of values")
            }
        default:
            break
        }
    }

    func checkBranch(_ index: Int, _ step: Step) throws(RunbookError) {
        guard let choices = step.inputs["Choices"]?.arrayValue, !choices.isEmpty else {
            throw fail(index, "inputs.Choices", "must be a non-empty list of choices")
        }
        if let fallback = step.inputs["Default"] {
            guard let name = fallback.stringValue, runbook.step(named: name) != nil else {
                throw fail(index, "inputs.Default", "must name a step of the runbook")
            }
        }
        for (choiceIndex, choice) in choices.enumerated() {
            let field = "inputs.Choices[\(choiceIndex)]"
            guard let next = choice["NextStep"]?.stringValue, runbook.step(named: next) != nil else {
                throw fail(index, "\(field).NextStep", "required: the name of a step of the runbook")
            }
            try checkCondition(choice, index: index, field: field)
        }
    }

    /// One condition: `Variable` with one operator, or `And`/`Or` of conditions, or `Not`.
    func checkCondition(_ condition: JSONValue, index: Int, field: String) throws(RunbookError) {
        if let list = condition["And"]?.arrayValue ?? condition["Or"]?.arrayValue {
            for (i, item) in list.enumerated() { try checkCondition(item, index: index, field: "\(field).\(condition["And"] != nil ? "And" : "Or")[\(i)]") }
            return
        }
        if let inner = condition["Not"] {
            try checkCondition(inner, index: index, field: "\(field).Not")
            return
        }
        guard condition["Variable"]?.stringValue != nil else { throw fail(index, "\(field).Variable", "required: {{ parameter }} or {{ step.Output }}") }
        let operators = (condition.objectValue ?? [:]).keys.filter { RunbookActions.branchOperators.contains($0) }
        guard operators.count == 1 else {
            throw fail(index, field, "needs exactly one operator: \(RunbookActions.branchOperators.sorted().joined(separator: ", "))")
        }
    }

    func checkInterpolations(_ index: Int, _ step: Step) throws(RunbookError) {
        for reference in Interpolation.references(in: .object(step.inputs)) where !known(reference) {
            throw fail(index, "inputs", "{{ \(reference) }} names no parameter and no output of another step")
        }
    }

    func known(_ reference: String) -> Bool {
        if runbook.parameter(named: reference) != nil { return true }
        if Interpolation.systemPrefixes.contains(where: { reference.hasPrefix($0) }) { return true }
        return knownOutput(reference)
    }

    func knownOutput(_ reference: String) -> Bool {
        let parts = reference.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let step = runbook.step(named: parts[0]) else { return false }
        return step.outputs.contains { $0.name == parts[1] } || (RunbookActions.all[step.action]?.builtInOutputs.contains(parts[1]) ?? false)
    }
}

/// ISO 8601 durations as aws:sleep takes them: `PT10M`, `PT1H30M`, `P1DT2H`, `PT45S`.
/// The validator and the engine both read them here.
public enum ISODuration {
    public static func seconds(_ text: String) -> Int? {
        var rest = Substring(text)
        guard rest.hasPrefix("P") else { return nil }
        rest = rest.dropFirst()
        var total = 0, inTime = false, any = false
        while !rest.isEmpty {
            if rest.hasPrefix("T") { inTime = true; rest = rest.dropFirst(); continue }
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = rest.first else { return nil }
            rest = rest.dropFirst()
            switch (unit, inTime) {
            case ("W", false): total += value * 604_800
            case ("D", false): total += value * 86_400
            case ("H", true): total += value * 3600
            case ("M", true): total += value * 60
            case ("S", true): total += value
            default: return nil
            }
            any = true
        }
        return any ? total : nil
    }
}
