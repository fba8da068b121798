/// A compiled EventBridge event pattern.
///
/// The full EventBridge language is supported: exact strings, numbers, Booleans and
/// `null`; value lists as OR; nested objects; `prefix`, `suffix` and `equals-ignore-case`
/// (and `prefix`/`suffix` with `equals-ignore-case`); `wildcard`; `anything-but` with a
/// value, a list, `prefix`, `suffix`, `equals-ignore-case` or `wildcard`; `numeric`
/// ranges; `exists`; `cidr` (IPv4 and IPv6); and `$or` at any level.
///
///     let pattern = try EventPattern(json: #"{"source": ["aws.ssm"], "detail": {"state": ["OPEN"]}}"#)
///     pattern.matches(event)   // true when source is aws.ssm and detail.state is OPEN
///
/// Compiling validates the pattern as EventBridge does and throws `EventPatternError`
/// with EventBridge's reason and the JSON path of the offending value.
public struct EventPattern: Sendable, CustomStringConvertible {
    /// The pattern text as given.
    public let json: String
    let root: ObjectCondition
    /// The key path of every leaf field, indexed by `FieldCondition.path`.
    let paths: [[String]]

    /// Compiles pattern text.
    /// - Throws: `EventPatternError` when EventBridge would refuse the pattern.
    public init(json: String) throws(EventPatternError) {
        var text = json
        let compiled = text.withUTF8 { bytes in
            Result { () throws(EventPatternError) in try EventPattern.compile(bytes) }
        }
        (root, paths) = try compiled.get()
        self.json = json
    }

    private static func compile(_ bytes: UnsafeBufferPointer<UInt8>) throws(EventPatternError) -> (ObjectCondition, [[String]]) {
        let syntax: PatternSyntax.Located
        do {
            var parser = PatternSyntaxParser(reader: JSONReader(bytes))
            syntax = try parser.parseDocument()
        } catch {
            throw EventPatternError(reason: error.reason, path: "$", line: error.line, column: error.column)
        }
        var compiler = PatternCompiler(source: bytes)
        let root = try compiler.compileDocument(syntax)
        return (root, compiler.paths)
    }

    /// Whether the event matches. Events are JSON objects; anything else is treated as
    /// an event with no fields.
    public func matches(_ event: JSONValue) -> Bool {
        if case .object(let members) = event { return root.matches(object: members) }
        return root.matches(object: nil)
    }

    /// The pattern text as given.
    public var description: String { json }
}
