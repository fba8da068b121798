import ChangeCalendar
import EventBus

/// What a target receives for an event: the event itself, or `Input`, `InputPath` or
/// `InputTransformer` applied as EventBridge applies them.
enum TargetInput {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func render(_ target: TargetDefinition, event: EventEnvelope) throws -> String {
        if let input = target.input { return input }
        if let path = target.inputPath {
            guard let value = try select(path, in: event.value) else { return "null" }
            return value.serialized(sortingKeys: true)
        }
        if let transformer = target.inputTransformer {
            let parsed = event.value   // parsed once for all the paths
            var values: [String: String] = [
                "aws.events.event.json": event.json,
                "aws.events.event.ingestion-time": CalendarTime.format(event.time),
            ]
            for (name, path) in transformer.inputPathsMap {
                // Strings go in as their text (a template quotes them itself when it wants JSON
                // strings); anything else as JSON; a path that selects nothing as null.
                switch try select(path, in: parsed) {
                case .string(let text)?: values[name] = text
                case let other?: values[name] = other.serialized(sortingKeys: true)
                case nil: values[name] = "null"
                }
            }
            return substitute(transformer.inputTemplate, values)
        }
        return event.json
    }

    /// Replaces each `<name>` of `template` that `values` knows, in one pass: text that a
    /// value brings in is never scanned again (a detail containing `<other>` stays as it is),
    /// and unknown `<...>` stays literal, as in EventBridge.
    static func substitute(_ template: String, _ values: [String: String]) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "<") {
            output += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(where: { $0 == ">" || $0 == "<" }), rest[close] == ">",
               let value = values[String(rest[afterOpen..<close])] {
                output += value
                rest = rest[rest.index(after: close)...]
            } else {
                output += "<"
                rest = rest[afterOpen...]
            }
        }
        return output + rest
    }

    /// A JSONPath of the form EventBridge input paths use: `$`, `$.a.b`, `$.a[0].b`, `$['a-b']`.
    static func select(_ path: String, in root: JSONValue) throws -> JSONValue? {
        guard path.hasPrefix("$") else { throw Failure(description: "input path '\(path)' must start with $") }
        var rest = Substring(path.dropFirst())
        var current: JSONValue? = root
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { throw Failure(description: "input path '\(path)' has an empty field name") }
                current = current?[String(name)]
                rest = rest.dropFirst(name.count)
            } else if rest.hasPrefix("['") {
                guard let end = rest.range(of: "']") else { throw Failure(description: "input path '\(path)' has an unclosed ['") }
                current = current?[String(rest[rest.index(rest.startIndex, offsetBy: 2)..<end.lowerBound])]
                rest = rest[end.upperBound...]
            } else if rest.hasPrefix("[") {
                guard let end = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<end]) else {
                    throw Failure(description: "input path '\(path)' has a bad index")
                }
                current = current?[index]
                rest = rest[rest.index(after: end)...]
            } else {
                throw Failure(description: "input path '\(path)' is not a JSONPath EventBridge accepts")
            }
        }
        return current
    }
}

/// Checks the API can run before storing a target.
public enum TargetInputCheck {
    /// Throws when `path` is not an input path EventBridge (and the daemon) can apply.
    public static func path(_ path: String) throws {
        _ = try TargetInput.select(path, in: .object([:]))
    }
}
