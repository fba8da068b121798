import EventBus
import Foundation
import Parameters
import Runbooks

/// `{{ssm:NAME}}` and `{{ssm-secure:NAME}}`: Parameter Store values in runbook parameters and
/// step inputs. `NAME` may carry a selector, `{{ssm:/app/ami:3}}` or `{{ssm:/app/ami:prod}}`.
///
/// The two kinds are resolved at different moments, because what an execution persists
/// must never hold a SecureString's plaintext:
/// - `ssm:` (String and StringList parameters) resolves when the execution starts, and in
///   step inputs when the step starts; the values are persisted and shown like any other.
/// - `ssm-secure:` (SecureString parameters) is checked when the execution starts (the
///   parameter exists, is a SecureString, decrypts, and its value fits the runbook
///   parameter), but the reference stays as written in every stored record. It is decrypted
///   into the inputs an action receives, in memory, each time a step runs.
struct ParameterReferences: Sendable {
    enum Kind: Sendable {
        case plain
        case secure

        var prefix: String {
            switch self {
            case .plain: "ssm:"
            case .secure: "ssm-secure:"
            }
        }
    }

    /// Nil when the daemon runs without a Parameter Store (some tests): every reference is
    /// then an error that says so.
    let store: ParameterStore?

    /// `value` with the references of `kinds` replaced. A string that is exactly one reference
    /// to a StringList parameter becomes a list; inside longer text the value goes in as text
    /// (`a,b`).
    /// Throws for a reference that names no parameter, a missing version or label, or the
    /// wrong type for its kind.
    func resolve(_ value: JSONValue, _ kinds: [Kind]) throws(AutomationError) -> JSONValue {
        Self.substitute(value, try views(in: value, kinds, skippingFailures: false))
    }

    /// Like `resolve`, but a reference that cannot be resolved now stays as written (the step
    /// resolves it again when it runs and fails then, with the reason).
    func resolveWhatResolves(_ value: JSONValue, _ kinds: [Kind]) -> JSONValue {
        Self.substitute(value, (try? views(in: value, kinds, skippingFailures: true)) ?? [:])
    }

    /// The parameter each reference of `kinds` in `value` names, by reference text.
    private func views(in value: JSONValue, _ kinds: [Kind], skippingFailures: Bool) throws(AutomationError) -> [String: ParameterView] {
        var found: [String: ParameterView] = [:]
        for reference in Interpolation.references(in: value) where found[reference] == nil {
            guard let kind = kinds.first(where: { reference.hasPrefix($0.prefix) }) else { continue }
            do {
                found[reference] = try fetch(String(reference.dropFirst(kind.prefix.count)), kind)
            } catch where skippingFailures {
                continue
            }
        }
        return found
    }

    /// A sole reference to a StringList becomes a list; everywhere else a value is its text.
    private static func substitute(_ value: JSONValue, _ found: [String: ParameterView]) -> JSONValue {
        if found.isEmpty { return value }
        switch value {
        case .string(let text):
            if let name = Interpolation.soleReference(text), let view = found[name], view.type == "StringList" {
                return .array(view.value.split(separator: ",", omittingEmptySubsequences: false).map { .string(String($0)) })
            }
            return Interpolation.resolve(value) { found[$0].map { .string($0.value) } }
        case .array(let items): return .array(items.map { substitute($0, found) })
        case .object(let members): return .object(members.mapValues { substitute($0, found) })
        default: return value
        }
    }

    /// Whether `value` holds a reference of `kind`.
    static func mentions(_ value: JSONValue, _ kind: Kind) -> Bool {
        Interpolation.references(in: value).contains { $0.hasPrefix(kind.prefix) }
    }

    private func fetch(_ name: String, _ kind: Kind) throws(AutomationError) -> ParameterView {
        let written = "{{\(kind.prefix)\(name)}}"
        guard let store else {
            throw .invalidParameters("\(written): this daemon runs without a Parameter Store.")
        }
        let view: ParameterView
        do {
            view = try store.get(name, decrypt: kind == .secure)
        } catch let error as ParameterError {
            switch error.code {
            case "ParameterNotFound":
                throw .invalidParameters("\(written): Parameter Store has no parameter \(name).")
            case "ParameterVersionNotFound":
                throw .invalidParameters("\(written): \(error.message)")
            default:
                throw .invalidParameters("\(written) cannot be read: \(error.description)")
            }
        } catch {
            throw .invalidParameters("\(written) cannot be read: \(error)")
        }
        switch (kind, view.type) {
        case (.plain, "SecureString"):
            throw .invalidParameters("\(written) names a SecureString; reference it as {{ssm-secure:\(name)}} so its value is never stored.")
        case (.secure, let type) where type != "SecureString":
            throw .invalidParameters("\(written) names a \(type) parameter; {{ssm-secure:}} is for SecureString parameters, use {{ssm:\(name)}}.")
        default:
            return view
        }
    }
}
