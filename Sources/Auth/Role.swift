/// What a credential may do with the API.
///
/// Operations are named as IAM actions, `service:Operation` (`ssm:PutParameter`,
/// `events:PutEvents`, `ec2:StartInstances`); the role looks at the part after the colon
/// only, so a bare `PutParameter` is judged the same way.
///
/// | Role | May call |
/// |---|---|
/// | `admin` | every operation |
/// | `operator` | everything `readonly` may, plus running things without redefining them: `PutEvents`, `EnableRule`, `DisableRule`, `StartAutomationExecution`, `StopAutomationExecution`, `SendAutomationSignal`, `StartChangeRequestExecution`, `SendCommand`, `CancelCommand`, `StartSession`, `TerminateSession`, `ResumeSession`, `StartInstances`, `StopInstances`, `StartDBInstance`, `StopDBInstance` |
/// | `readonly` | operations whose name starts with `Get`, `Describe`, `List` or `Test` (followed by an upper-case letter, as in `GetParameter`, `TestEventPattern`) |
public enum Role: String, Sendable, CaseIterable {
    /// Every operation.
    case admin
    /// Read-only operations, plus starting, stopping and signalling what is already defined.
    case `operator`
    /// Operations that only read: `Get…`, `Describe…`, `List…`, `Test…`.
    case readonly

    /// The operations an `operator` may call beyond the read-only ones.
    public static let operatorOperations: Set<String> = [
        "PutEvents", "EnableRule", "DisableRule",
        "StartAutomationExecution", "StopAutomationExecution", "SendAutomationSignal",
        "StartChangeRequestExecution",
        "SendCommand", "CancelCommand",
        "StartSession", "TerminateSession", "ResumeSession",
        "StartInstances", "StopInstances",
        "StartDBInstance", "StopDBInstance",
    ]

    /// Whether this role may call `operation`, written `service:Operation` or `Operation`.
    public func allows(operation: String) -> Bool {
        switch self {
        case .admin:
            return true
        case .readonly:
            return Self.isReadOnly(Self.operationName(operation))
        case .operator:
            let name = Self.operationName(operation)
            return Self.isReadOnly(name) || Self.operatorOperations.contains(String(name))
        }
    }

    /// `PutParameter` out of `ssm:PutParameter`.
    static func operationName(_ operation: String) -> Substring {
        guard let colon = operation.utf8.lastIndex(of: UInt8(ascii: ":")) else { return operation[...] }
        return operation[operation.index(after: colon)...]
    }

    private static let readOnlyPrefixes: [String] = ["Get", "Describe", "List", "Test"]

    /// A read-only verb followed by an upper-case letter: `GetParameter`, not `Getaway`.
    static func isReadOnly(_ name: Substring) -> Bool {
        let bytes = name.utf8
        for prefix in readOnlyPrefixes where bytes.starts(with: prefix.utf8) {
            let rest = bytes.dropFirst(prefix.utf8.count)
            if let next = rest.first, next >= UInt8(ascii: "A"), next <= UInt8(ascii: "Z") { return true }
        }
        return false
    }
}
