import ChangeCalendar
import EventBus
import Foundation
import Runbooks

/// `aws:sleep` and `aws:branch`.
enum FlowActions {
    /// Sleeps until the step's start plus `Duration`, or until `Timestamp` (a past one goes on
    /// at once). Measured from the recorded start, so a restart does not sleep twice.
    static func sleep(_ context: ActionContext) async throws -> ActionSuccess {
        let deadline: Date
        if let duration = context.string("Duration") {
            guard let seconds = ISODuration.seconds(duration), seconds <= 604_799 else {
                throw StepFailure("Duration \(duration) is not an ISO 8601 duration of at most 7 days, such as PT10M",
                                  retryable: false, stage: "InputValidation")
            }
            deadline = context.stepStart.addingTimeInterval(TimeInterval(seconds))
        } else if let timestamp = context.string("Timestamp") {
            guard let instant = CalendarTime.parse(timestamp) else {
                throw StepFailure("Timestamp \(timestamp) is not an ISO 8601 instant such as 2026-12-01T22:00:00Z",
                                  retryable: false, stage: "InputValidation")
            }
            deadline = instant
        } else {
            throw StepFailure("aws:sleep needs Duration or Timestamp", retryable: false, stage: "InputValidation")
        }
        try await context.sleep(until: deadline)
        return ActionSuccess()
    }

    /// The first choice that holds names the next step; else `Default`; else the following step.
    static func branch(_ context: ActionContext) async throws -> ActionSuccess {
        guard let choices = context.inputs["Choices"]?.arrayValue else {
            throw StepFailure("Choices must be a list", retryable: false, stage: "InputValidation")
        }
        for choice in choices where holds(choice) {
            guard let next = choice["NextStep"]?.stringValue else { continue }
            return ActionSuccess(response: "Choice matched: \(next)", chosenStep: next)
        }
        let fallback = context.string("Default")
        return ActionSuccess(response: fallback.map { "No choice matched: Default \($0)" } ?? "No choice matched", chosenStep: fallback)
    }

    /// Whether one choice (or condition of And/Or/Not) holds.
    static func holds(_ condition: JSONValue) -> Bool {
        if let all = condition["And"]?.arrayValue { return !all.isEmpty && all.allSatisfy(holds) }
        if let any = condition["Or"]?.arrayValue { return any.contains(where: holds) }
        if let negated = condition["Not"] { return !holds(negated) }
        guard let variable = condition["Variable"] else { return false }
        let text = PropertySelector.text(of: variable)
        for (name, operand) in condition.objectValue ?? [:] where name != "Variable" && name != "NextStep" {
            let expected = PropertySelector.text(of: operand)
            switch name {
            case "StringEquals": return text == expected
            case "EqualsIgnoreCase": return text.lowercased() == expected.lowercased()
            case "StartsWith": return text.hasPrefix(expected)
            case "EndsWith": return text.hasSuffix(expected)
            case "Contains": return text.contains(expected)
            case "BooleanEquals":
                guard let left = boolean(variable), let right = boolean(operand) else { return false }
                return left == right
            case "NumericEquals", "NumericGreater", "NumericLesser", "NumericGreaterOrEquals", "NumericLesserOrEquals":
                guard let left = number(variable), let right = number(operand) else { return false }
                switch name {
                case "NumericEquals": return left == right
                case "NumericGreater": return left > right
                case "NumericLesser": return left < right
                case "NumericGreaterOrEquals": return left >= right
                default: return left <= right
                }
            default:
                continue
            }
        }
        return false
    }

    static func number(_ value: JSONValue) -> Double? {
        value.numberValue ?? value.stringValue.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    static func boolean(_ value: JSONValue) -> Bool? {
        if let flag = value.boolValue { return flag }
        switch value.stringValue?.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }
}
