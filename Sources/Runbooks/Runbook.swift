public import EventBus

/// An Automation runbook (schema 0.3) as the engine runs it: parameters, steps and outputs,
/// checked when the document is created so a bad runbook is refused there, with the step and
/// field at fault, and never half-runs.
public struct Runbook: Sendable, Equatable {
    public var description: String?
    public var assumeRole: String?
    /// In the order the document declares them.
    public var parameters: [ParameterSpec]
    public var mainSteps: [Step]
    /// `stepName.OutputName` values reported as the execution's outputs.
    public var outputs: [String]

    public func step(named name: String) -> Step? { mainSteps.first { $0.name == name } }
    public func parameter(named name: String) -> ParameterSpec? { parameters.first { $0.name == name } }
}

/// The types a runbook parameter or step output may have.
public enum ValueType: String, Sendable, CaseIterable {
    case string = "String", stringList = "StringList", integer = "Integer", boolean = "Boolean"
    case mapList = "MapList", stringMap = "StringMap"
}

public struct ParameterSpec: Sendable, Equatable {
    public var name: String
    public var type: ValueType
    public var description: String?
    /// nil: the parameter is required.
    public var defaultValue: JSONValue?
    public var allowedValues: [String]?
    public var allowedPattern: String?
    public var minItems: Int?
    public var maxItems: Int?
    public var minChars: Int?
    public var maxChars: Int?

    public var isRequired: Bool { defaultValue == nil }
}

public struct Step: Sendable, Equatable {
    public enum FailurePolicy: Sendable, Equatable {
        case abort, `continue`, step(String)
    }

    public enum CancelPolicy: Sendable, Equatable {
        case abort, step(String)
    }

    public struct Output: Sendable, Equatable {
        public var name: String
        public var selector: String
        public var type: ValueType
    }

    public var name: String
    public var action: String
    public var description: String?
    /// The action's inputs, `{{ }}` references still in them.
    public var inputs: [String: JSONValue]
    public var maxAttempts: Int
    public var timeoutSeconds: Int?
    public var onFailure: FailurePolicy
    public var onCancel: CancelPolicy
    public var isCritical: Bool
    public var isEnd: Bool
    public var nextStep: String?
    public var outputs: [Output]
    /// 1-based line of the step in the document, for execution errors that point back.
    public var line: Int
}

/// Why a runbook is refused: where (`mainSteps[1] (stopInstances).inputs.DesiredState`), the
/// line when known, and what is wrong.
public struct RunbookError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let message: String

    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        (line > 0 ? "line \(line): " : "") + (path.isEmpty ? "" : "\(path): ") + message
    }
}
