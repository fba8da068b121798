/// Reads typed values out of `ConfigurationNode`s and turns every problem into a
/// `ConfigurationError` with the file, the document path and the position.
struct ConfigurationDecoder {
    let file: String
    let baseDirectory: String
    /// The file's lines, to place errors inside block scalars (JSON written with `|`).
    let sourceLines: [Substring]

    init(yaml: String, file: String, baseDirectory: String) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.sourceLines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func error(_ code: ConfigurationError.Code, _ message: String, path: String,
               line: Int, column: Int) -> ConfigurationError {
        ConfigurationError(code: code, file: file, path: path, line: line, column: column, message: message)
    }

    func error(_ code: ConfigurationError.Code, _ message: String, at node: ConfigurationNode,
               path: String) -> ConfigurationError {
        error(code, message, path: path, line: node.line, column: node.column)
    }

    /// The keys of a mapping, after checking that every key is one of `allowedKeys`.
    func mapping(_ node: ConfigurationNode, path: String, allowedKeys: [String]) throws(ConfigurationError) -> Fields {
        guard let entries = node.entries else {
            let keys = allowedKeys.joined(separator: ", ")
            throw error(.wrongType, "expected a mapping with the keys \(keys); found \(node.shapeName)",
                        at: node, path: path)
        }
        for entry in entries where !allowedKeys.contains(entry.key) {
            var message = "unknown key '\(entry.key)'"
            if let suggestion = Self.closestKey(to: entry.key, in: allowedKeys) {
                message += "; did you mean '\(suggestion)'?"
            } else {
                message += "; the keys here are \(allowedKeys.joined(separator: ", "))"
            }
            throw error(.unknownKey, message, path: DocumentPath.key(path, entry.key),
                        line: entry.line, column: entry.column)
        }
        return Fields(path: path, node: node, entries: entries)
    }

    /// A scalar's text; lists, mappings and null are errors.
    func text(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> String {
        guard let text = node.text else {
            throw error(.wrongType, "expected text; found \(node.shapeName)", at: node, path: path)
        }
        return text
    }

    /// A scalar's text that is not empty.
    func nonEmptyText(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> String {
        let value = try text(node, path: path)
        guard !value.isEmpty else { throw error(.invalidValue, "must not be empty", at: node, path: path) }
        return value
    }

    /// A decimal integer within `range`.
    func integer(_ node: ConfigurationNode, path: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        if case .scalar(let text, .integer) = node.content, Int(text) == nil {
            throw error(.invalidValue, "write '\(text)' as a decimal number from \(range.lowerBound) to "
                        + "\(range.upperBound)", at: node, path: path)
        }
        guard case .scalar(let text, .integer) = node.content, let value = Int(text) else {
            throw error(.wrongType, "expected a whole number from \(range.lowerBound) to \(range.upperBound); "
                        + "found \(node.shapeName)", at: node, path: path)
        }
        guard range.contains(value) else {
            throw error(.invalidValue, "must be from \(range.lowerBound) to \(range.upperBound), not \(value)",
                        at: node, path: path)
        }
        return value
    }

    /// `true` or `false`.
    func boolean(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> Bool {
        guard case .scalar(let text, .boolean) = node.content else {
            throw error(.wrongType, "expected true or false; found \(node.shapeName)", at: node, path: path)
        }
        return CoreSchema.booleanValue(text)
    }

    /// A list's items; anything else is an error.
    func list(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> [ConfigurationNode] {
        guard let items = node.items else {
            throw error(.wrongType, "expected a list; found \(node.shapeName)", at: node, path: path)
        }
        return items
    }

    /// A duration such as `30s`, `1h30m` or `500ms`, or a number of seconds (`0` only when
    /// `allowZero`).
    func duration(_ node: ConfigurationNode, path: String, allowZero: Bool = false) throws(ConfigurationError) -> Duration {
        let text = try text(node, path: path)
        return try checked(node, path: path) { () throws(ValueProblem) in try DurationText.parse(text, allowZero: allowZero) }
    }

    /// Runs a text parser and places its problem, if any, at `node`.
    func checked<Value>(_ node: ConfigurationNode, path: String,
                        _ parse: () throws(ValueProblem) -> Value) throws(ConfigurationError) -> Value {
        do {
            return try parse()
        } catch {
            throw self.error(.invalidValue, error.message, at: node, path: path)
        }
    }

    /// The allowed key nearest to a mistyped one, when it is near enough to be the likely intent.
    static func closestKey(to key: String, in keys: [String]) -> String? {
        let scored = keys.map { (key: $0, distance: editDistance(key.lowercased(), $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        return best.distance <= max(2, key.count / 3) ? best.key : nil
    }

    /// Levenshtein distance, over characters.
    static func editDistance(_ left: String, _ right: String) -> Int {
        let left = Array(left)
        let right = Array(right)
        var previous = Array(0...right.count)
        for (i, leftCharacter) in left.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: right.count)
            for (j, rightCharacter) in right.enumerated() {
                let substitution = previous[j] + (leftCharacter == rightCharacter ? 0 : 1)
                current[j + 1] = min(substitution, previous[j + 1] + 1, current[j] + 1)
            }
            previous = current
        }
        return previous[right.count]
    }
}

/// The entries of one mapping in the document, with the path that names it.
struct Fields {
    let path: String
    let node: ConfigurationNode
    let entries: [ConfigurationNode.Entry]

    /// The value under `key`, or `nil` when the key is absent or its value is null.
    subscript(key: String) -> ConfigurationNode? {
        guard let value = entry(key)?.value, !value.isNull else { return nil }
        return value
    }

    /// The entry for `key`, including its position, even when its value is null.
    func entry(_ key: String) -> ConfigurationNode.Entry? {
        entries.first { $0.key == key }
    }

    /// The document path of `key` in this mapping.
    func path(_ key: String) -> String {
        DocumentPath.key(path, key)
    }
}
