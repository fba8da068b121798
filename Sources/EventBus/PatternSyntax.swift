/// Pattern JSON as written: like `JSONValue`, but keeping member order, repeated keys,
/// the literal text of numbers and the byte offset of every value, so that a pattern
/// can be validated the way EventBridge validates it and every error can say where.
indirect enum PatternSyntax {
    case null
    case bool(Bool)
    case number(Double, text: String)
    case string(String)
    case array([Located])
    case object([Member])

    struct Located {
        let value: PatternSyntax
        /// Byte offset of the value's first byte in the pattern text.
        let offset: Int
    }

    struct Member {
        let key: String
        let value: Located
    }

    /// How the value is named in EventBridge's messages.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
