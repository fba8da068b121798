/// What a target receives, as EventBridge's `Input`, `InputPath` and `InputTransformer`
/// (which exclude each other).
public enum TargetInput: Sendable, Hashable {
    /// The matched event, whole (no input key).
    case matchedEvent
    /// `input`: this constant JSON text instead of the event, compact.
    case constant(json: String)
    /// `input_path`: the part of the event a JSONPath selects, such as `$.detail`.
    case path(String)
    /// `input_transformer`: values picked from the event and put into a template.
    case transformer(InputTransformer)
}

/// EventBridge's `InputTransformer`: JSONPaths that pick values out of the event, and a
/// template into which `<name>` placeholders put them.
public struct InputTransformer: Sendable, Hashable {
    /// Placeholder name to JSONPath, such as `"state": "$.detail.state"`.
    public var inputPathsMap: [String: String]
    /// The text sent to the target, with `<name>` placeholders.
    public var inputTemplate: String

    /// Creates a transformer.
    public init(inputPathsMap: [String: String] = [:], inputTemplate: String) {
        self.inputPathsMap = inputPathsMap
        self.inputTemplate = inputTemplate
    }
}
