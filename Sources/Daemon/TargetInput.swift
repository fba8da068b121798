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
            return value.serialized()
        }
        if let transformer = target.inputTransformer {
            var output = transformer.inputTemplate
            output = output.replacingOccurrences(of: "<aws.events.event.json>", with: event.json)
            output = output.replacingOccurrences(of: "<aws.events.event.ingestion-time>", with: CalendarTime.format(event.time))
            for (name, path) in transformer.inputPathsMap.sorted(by: { $0.key > $1.key }) {
                let value = try select(path, in: event.value)
                // Strings go in as their text (a template quotes them itself when it wants JSON
                // strings); anything else as JSON; a path that selects nothing as null.
                let text: String
                switch value {
                case .string(let s)?: text = s
                case let other?: text = other.serialized()
                case nil: text = "null"
                }
                output = output.replacingOccurrences(of: "<\(name)>", with: text)
            }
            return output
        }
        return event.json
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
