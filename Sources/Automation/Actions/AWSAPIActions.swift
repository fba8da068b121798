public import EventBus
import Foundation
import Runbooks

/// `aws:executeAwsApi`, `aws:assertAwsResourceProperty` and `aws:waitForAwsResourceProperty`:
/// one API call through the caller, its response read with `PropertySelector`s.
enum AWSAPIActions {
    /// The inputs that are the action's own, not the API's parameters.
    static let ownInputs: Set<String> = ["Service", "Api", "PropertySelector", "DesiredValues"]

    static func target(_ context: ActionContext) throws -> (service: String, api: String, parameters: [String: JSONValue]) {
        guard let service = context.string("Service")?.lowercased(), let api = context.string("Api") else {
            throw StepFailure("Service and Api must be text", retryable: false, stage: "InputValidation")
        }
        return (service, api, context.inputs.filter { !ownInputs.contains($0.key) })
    }

    static func executeAwsApi(_ context: ActionContext) async throws -> ActionSuccess {
        let (service, api, parameters) = try target(context)
        var response: JSONValue
        do {
            response = try await context.call(service, api, parameters)
        } catch let error as AWSAPIError {
            // A Start/Stop re-sent after a restart finds the resource already on its way: the
            // first call took effect before the daemon stopped.
            if context.resumed, ResumePolicy.alreadyDoneCodes[api] == error.code {
                response = .object([:])
            } else {
                throw StepFailure("\(service).\(api) failed: \(error.code): \(error.message)")
            }
        }
        return ActionSuccess(outputs: try outputs(of: context.step, from: response))
    }

    /// The step's declared outputs, each selected from `response` and converted to its type.
    /// An output whose selector selects nothing is left out.
    static func outputs(of step: Step, from response: JSONValue) throws -> [String: JSONValue] {
        var outputs: [String: JSONValue] = [:]
        for output in step.outputs {
            let selector: PropertySelector
            do {
                selector = try PropertySelector(output.selector)
            } catch {
                throw StepFailure("output \(output.name): \(error)", retryable: false, stage: "PostVerification")
            }
            guard let value = selector.select(response) else { continue }
            guard let converted = OutputValues.convert(value, to: output.type) else {
                throw StepFailure("output \(output.name): \(output.selector) selected \(value.serialized(sortingKeys: true)), "
                                  + "which is not a \(output.type.rawValue)", retryable: false, stage: "PostVerification", type: "Verification")
            }
            outputs[output.name] = converted
        }
        return outputs
    }

    /// The selector, the desired values, and whether `selected` is one of them: a list must be
    /// non-empty with every element desired.
    static func expectation(_ context: ActionContext) throws -> (PropertySelector, [String]) {
        guard let text = context.string("PropertySelector") else {
            throw StepFailure("PropertySelector must be text", retryable: false, stage: "InputValidation")
        }
        let selector: PropertySelector
        do {
            selector = try PropertySelector(text)
        } catch {
            throw StepFailure("\(error)", retryable: false, stage: "InputValidation")
        }
        guard let desired = context.strings("DesiredValues") else {
            throw StepFailure("DesiredValues must be a list of values", retryable: false, stage: "InputValidation")
        }
        return (selector, desired)
    }

    static func matches(_ selected: JSONValue?, _ desired: [String]) -> Bool {
        guard let selected else { return false }
        if let items = selected.arrayValue {
            return !items.isEmpty && items.allSatisfy { desired.contains(PropertySelector.text(of: $0)) }
        }
        return desired.contains(PropertySelector.text(of: selected))
    }

    static func describe(_ selected: JSONValue?) -> String {
        guard let selected else { return "nothing" }
        if let items = selected.arrayValue { return "[" + items.map(PropertySelector.text).joined(separator: ", ") + "]" }
        return PropertySelector.text(of: selected)
    }

    static func assertProperty(_ context: ActionContext) async throws -> ActionSuccess {
        let (service, api, parameters) = try target(context)
        let (selector, desired) = try expectation(context)
        let response = try await context.callOrFail(service, api, parameters)
        let selected = selector.select(response)
        guard matches(selected, desired) else {
            throw StepFailure("\(selector) is \(describe(selected)); expected one of \(desired.joined(separator: ", "))",
                              stage: "Verification", type: "Verification")
        }
        return ActionSuccess()
    }

    static func waitForProperty(_ context: ActionContext) async throws -> ActionSuccess {
        let (service, api, parameters) = try target(context)
        let (selector, desired) = try expectation(context)
        while true {
            let response = try await context.callOrFail(service, api, parameters)
            if matches(selector.select(response), desired) { return ActionSuccess() }
            try await context.sleep(seconds: context.environment.options.pollInterval)
        }
    }
}

/// Step outputs converted to the `Type` a step declares.
public enum OutputValues {
    static func convert(_ value: JSONValue, to type: ValueType) -> JSONValue? {
        switch type {
        case .string:
            switch value {
            case .string, .number, .bool: return .string(PropertySelector.text(of: value))
            case .array(let items) where items.count == 1: return convert(items[0], to: .string)
            default: return nil
            }
        case .integer:
            if let number = value.numberValue, number.rounded() == number { return value }
            if let text = value.stringValue, let number = Int(text) { return .number(Double(number)) }
            return nil
        case .boolean:
            if value.boolValue != nil { return value }
            switch value.stringValue?.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return nil
            }
        case .stringList:
            if let items = value.arrayValue {
                guard items.allSatisfy({ $0.objectValue == nil && $0.arrayValue == nil }) else { return nil }
                return .array(items.map { .string(PropertySelector.text(of: $0)) })
            }
            return convert(value, to: .string).map { .array([$0]) }
        case .stringMap:
            return value.objectValue != nil ? value : nil
        case .mapList:
            guard let items = value.arrayValue, items.allSatisfy({ $0.objectValue != nil }) else { return nil }
            return value
        }
    }

    /// A value as the API reports outputs: a list of strings.
    public static func apiList(_ value: JSONValue) -> [String] {
        switch value {
        case .array(let items): return items.map { $0.stringValue ?? $0.serialized(sortingKeys: true) }
        case .string(let text): return [text]
        default: return [PropertySelector.text(of: value)]
        }
    }
}
