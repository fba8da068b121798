extension ConfigurationDecoder {
    /// JSON written either as YAML (a mapping or a list) or as JSON text in a string, as compact
    /// JSON text with keys in the order they were written. Both spellings of the same value give
    /// the same text, so a pattern does not change meaning when someone rewrites it.
    ///
    /// - Parameter what: A name for the value in messages, such as "an event pattern".
    /// - Parameter objectOnly: Whether the value must be a JSON object.
    func json(_ node: ConfigurationNode, path: String, what: String,
              objectOnly: Bool) throws(ConfigurationError) -> String {
        let value: OrderedJSON
        switch node.content {
        case .mapping, .sequence:
            value = try jsonValue(ofYAML: node, path: path)
        case .scalar(let text, _):
            do {
                value = try OrderedJSON.parse(text)
            } catch {
                let (line, column) = position(of: error, in: node)
                throw self.error(.invalidValue, "\(what) is not valid JSON: \(error.message)",
                                 path: path, line: line, column: column)
            }
        }
        if objectOnly && !value.isObject {
            throw error(.wrongType, "\(what) must be a JSON object ({...}) or a YAML mapping", at: node, path: path)
        }
        return value.compactText
    }

    /// A YAML value as JSON. Scalars follow the YAML 1.2 core schema, so `yes` stays the text
    /// "yes", and numbers keep the digits they were written with.
    private func jsonValue(ofYAML node: ConfigurationNode, path: String) throws(ConfigurationError) -> OrderedJSON {
        switch node.content {
        case .mapping(let entries):
            var members: [(key: String, value: OrderedJSON)] = []
            for entry in entries {
                members.append((entry.key, try jsonValue(ofYAML: entry.value, path: DocumentPath.key(path, entry.key))))
            }
            return .object(members)
        case .sequence(let items):
            var values: [OrderedJSON] = []
            for (index, item) in items.enumerated() {
                values.append(try jsonValue(ofYAML: item, path: DocumentPath.index(path, index)))
            }
            return .array(values)
        case .scalar(let text, .string):
            return .string(text)
        case .scalar(_, .null):
            return .null
        case .scalar(let text, .boolean):
            return .bool(CoreSchema.booleanValue(text))
        case .scalar(let text, .integer):
            guard let literal = Self.jsonInteger(text) else {
                throw error(.invalidValue, "\(text) is too large for a number; quote it to make it text",
                            at: node, path: path)
            }
            return .number(literal)
        case .scalar(let text, .float):
            guard let literal = Self.jsonFloat(text) else {
                throw error(.invalidValue, "JSON has no infinity or NaN; quote '\(text)' to make it text",
                            at: node, path: path)
            }
            return .number(literal)
        }
    }

    /// A core-schema integer (`+7`, `007`, `0x1F`, `0o17`) as a JSON number literal.
    static func jsonInteger(_ text: String) -> String? {
        if let digits = CoreSchema.radixDigits(Array(text.utf8)) {
            return Int(String(decoding: digits.body, as: UTF8.self), radix: digits.radix).map(String.init)
        }
        let negative = text.hasPrefix("-")
        let unsigned = text.drop { $0 == "-" || $0 == "+" }
        let digits = unsigned.drop { $0 == "0" }
        let magnitude = digits.isEmpty ? "0" : String(digits)
        return negative && magnitude != "0" ? "-" + magnitude : magnitude
    }

    /// A core-schema float (`+1.5`, `.5`, `1.`, `01e3`) as a JSON number literal; `nil` for
    /// infinities and NaN.
    static func jsonFloat(_ text: String) -> String? {
        guard !CoreSchema.isInfinity(text), !CoreSchema.isNaN(text) else { return nil }
        let negative = text.hasPrefix("-")
        let unsigned = text.drop { $0 == "-" || $0 == "+" }
        let mantissa = unsigned.prefix { $0 != "e" && $0 != "E" }
        let exponent = unsigned.dropFirst(mantissa.count)
        let integerPart = mantissa.prefix { $0 != "." }
        let fraction = mantissa.dropFirst(integerPart.count).dropFirst()
        let trimmedInteger = integerPart.drop { $0 == "0" }
        var literal = negative ? "-" : ""
        literal += trimmedInteger.isEmpty ? "0" : String(trimmedInteger)
        if !fraction.isEmpty { literal += "." + fraction }
        literal += exponent
        return literal
    }

    /// Where in the file a syntax error inside JSON text lies. Exact for a `|` block (lines map
    /// one to one) and for single-line text; otherwise the start of the value.
    private func position(of error: JSONSyntaxError, in node: ConfigurationNode) -> (line: Int, column: Int) {
        switch node.style {
        case .literal:
            // The block's content starts on the line after the `|` indicator.
            // The block's indentation is what the file has in front of a line and the text
            // inside the block does not.
            let line = node.line + error.line
            let blockLines = (node.text ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            guard line - 1 < sourceLines.count, error.line - 1 < blockLines.count else { return (node.line, node.column) }
            let indentation = sourceLines[line - 1].prefix { $0 == " " }.count
                - blockLines[error.line - 1].prefix { $0 == " " }.count
            return (line, indentation + error.column)
        case .plain where error.line == 1 && node.text?.contains("\n") == false:
            return (node.line, node.column + error.column - 1)
        case .quoted where error.line == 1 && node.text?.contains("\n") == false:
            return (node.line, node.column + error.column)
        default:
            return (node.line, node.column)
        }
    }
}
