import EventBus
import Testing

/// Parses JSON written in a test, failing the test (not crashing) when it is malformed.
func json(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
    do {
        return try JSONValue(json: text)
    } catch {
        Issue.record("test JSON does not parse: \(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// Whether pattern text matches event text.
func matches(_ pattern: String, _ event: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
    let compiled: EventPattern
    do {
        compiled = try EventPattern(json: pattern)
    } catch {
        Issue.record("pattern does not compile: \(error)", sourceLocation: sourceLocation)
        throw error
    }
    return compiled.matches(try json(event, sourceLocation: sourceLocation))
}

/// The error a pattern is refused with, or `nil` when it compiles.
func refusal(_ pattern: String) -> EventPatternError? {
    do {
        _ = try EventPattern(json: pattern)
        return nil
    } catch {
        return error
    }
}
