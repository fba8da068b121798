import EventBus
import Runbooks

extension AutomationEngine {
    /// The parameter values a start request gives (and the defaults that hold references),
    /// with Parameter Store references resolved twice over:
    /// - `checked`: every reference resolved, to check against the runbook's definitions;
    /// - `stored`: `{{ssm:}}` resolved, `{{ssm-secure:}}` left as written, to persist.
    /// `secret` names the parameters whose two forms differ.
    struct ReferencedValues {
        var checked: [String: [String]] = [:]
        var stored: [String: [String]] = [:]
        var secret: Set<String> = []
    }

    static func expandReferences(_ given: [String: [String]], for runbook: Runbook,
                                 references: ParameterReferences) throws(AutomationError) -> ReferencedValues {
        var result = ReferencedValues(checked: given, stored: given)
        for spec in runbook.parameters {
            var strings = given[spec.name]
            if strings == nil, let fallback = spec.defaultValue,
               ParameterReferences.mentions(fallback, .plain) || ParameterReferences.mentions(fallback, .secure) {
                strings = Self.strings(fallback)
            }
            guard let strings else { continue }
            var stored: [String] = []
            for text in strings {
                switch try references.resolve(.string(text), [.plain]) {
                case .array(let items) where spec.type == .stringList: stored += items.compactMap(\.stringValue)
                case .array(let items): stored.append(items.compactMap(\.stringValue).joined(separator: ","))
                case let value: stored.append(value.stringValue ?? text)
                }
            }
            var checked: [String] = []
            for text in stored {
                let value = try references.resolve(.string(text), [.secure])
                checked.append(value.stringValue ?? text)
            }
            if checked != stored {
                guard spec.type == .string || spec.type == .stringList else {
                    throw .invalidParameters("Parameter \(spec.name) is a \(spec.type.rawValue); {{ssm-secure:}} references fit String and StringList parameters only.")
                }
                result.secret.insert(spec.name)
            }
            result.stored[spec.name] = stored
            result.checked[spec.name] = checked
        }
        return result
    }
}
