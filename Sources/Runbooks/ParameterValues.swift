public import EventBus
import Foundation

/// Runbook parameter values: checked against their definitions, and converted from the
/// `map<string, list<string>>` that `StartAutomationExecution` takes.
public enum ParameterValues {
    public struct Problem: Error, Sendable, Equatable {
        public let message: String
    }

    /// The value when it fits `spec` (type, allowed values, pattern, sizes).
    static func check(_ value: JSONValue, against spec: ParameterSpec) throws(Problem) -> JSONValue {
        func fail(_ message: String) -> Problem { Problem(message: message) }
        switch spec.type {
        case .string:
            guard let text = value.stringValue else { throw fail("\(spec.name) is a String") }
            try checkText(text, spec)
        case .integer:
            guard let number = value.numberValue, number.rounded() == number else { throw fail("\(spec.name) is an Integer (a quoted number is not)") }
        case .boolean:
            guard value.boolValue != nil else { throw fail("\(spec.name) is a Boolean: true or false") }
        case .stringList:
            guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else { throw fail("\(spec.name) is a StringList") }
            if let min = spec.minItems, items.count < min { throw fail("\(spec.name) needs at least \(min) items") }
            if let max = spec.maxItems, items.count > max { throw fail("\(spec.name) takes at most \(max) items") }
            for item in items { try checkText(item.stringValue!, spec) }
        case .stringMap:
            guard let members = value.objectValue, members.values.allSatisfy({ $0.stringValue != nil }) else { throw fail("\(spec.name) is a StringMap") }
        case .mapList:
            guard let items = value.arrayValue, items.allSatisfy({ $0.objectValue != nil }) else { throw fail("\(spec.name) is a MapList") }
        }
        return value
    }

    static func checkText(_ text: String, _ spec: ParameterSpec) throws(Problem) {
        if let allowed = spec.allowedValues, !allowed.contains(text) {
            throw Problem(message: "\(spec.name) must be one of \(allowed.joined(separator: ", ")), not \(text)")
        }
        if let pattern = spec.allowedPattern, !text.isEmpty || spec.defaultValue == nil,
           text.range(of: pattern, options: .regularExpression) == nil {
            throw Problem(message: "\(spec.name) value \(text) does not match \(pattern)")
        }
        if let min = spec.minChars, text.count < min { throw Problem(message: "\(spec.name) needs at least \(min) characters") }
        if let max = spec.maxChars, text.count > max { throw Problem(message: "\(spec.name) takes at most \(max) characters") }
    }

    /// The execution's parameter values: each given value converted to its type and checked,
    /// defaults for the rest; a missing required one, an unknown one, or a value that does
    /// not fit is refused with AWS's error. With `checking` false the values are only
    /// converted (for values that still hold a `{{ssm-secure:}}` reference, checked resolved).
    public static func resolve(_ given: [String: [String]], for runbook: Runbook, checking: Bool = true) throws(Problem) -> [String: JSONValue] {
        for name in given.keys where runbook.parameter(named: name) == nil {
            throw Problem(message: "Parameter \(name) is not defined in the runbook")
        }
        var values: [String: JSONValue] = [:]
        for spec in runbook.parameters {
            guard let strings = given[spec.name] else {
                guard let fallback = spec.defaultValue else { throw Problem(message: "Parameter \(spec.name) is required") }
                values[spec.name] = fallback
                continue
            }
            let value: JSONValue
            switch spec.type {
            case .stringList: value = .array(strings.map { .string($0) })
            case .string:
                guard strings.count == 1 else { throw Problem(message: "\(spec.name) is a String: give one value") }
                value = .string(strings[0])
            case .integer:
                guard strings.count == 1, let number = Int(strings[0]) else { throw Problem(message: "\(spec.name) is an Integer") }
                value = .number(Double(number))
            case .boolean:
                guard strings.count == 1, ["true", "false"].contains(strings[0].lowercased()) else {
                    throw Problem(message: "\(spec.name) is a Boolean: true or false")
                }
                value = .bool(strings[0].lowercased() == "true")
            case .stringMap, .mapList:
                guard strings.count == 1, let parsed = try? JSONValue(json: strings[0]) else {
                    throw Problem(message: "\(spec.name) is a \(spec.type.rawValue) written as JSON")
                }
                value = parsed
            }
            values[spec.name] = checking ? try check(value, against: spec) : value
        }
        return values
    }
}
