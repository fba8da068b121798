internal import Yams

extension ConfigurationNode {
    /// Composes YAML text into nodes; `nil` for a document with no content (empty, or only
    /// comments). Syntax errors carry the line and column libyaml reports.
    public static func parse(yaml: String, file: String) throws(ConfigurationError) -> ConfigurationNode? {
        let root: Node?
        do {
            // Scalars are classified by `CoreSchema` below, so Yams's YAML 1.1 resolver (a
            // regular expression per scalar) is not needed.
            root = try Yams.compose(yaml: yaml, .basic, .default, .utf8)
        } catch let error as YamlError {
            throw syntaxError(error, yaml: yaml, file: file)
        } catch {
            throw ConfigurationError(code: .syntax, file: file, path: "", line: 0, column: 0,
                                     message: "cannot read the YAML: \(error)")
        }
        guard let root else { return nil }
        var converter = NodeConverter(file: file)
        return try converter.convert(root, path: "")
    }

    /// Copies Yams's nodes into `ConfigurationNode`s, classifying scalars on the way.
    private struct NodeConverter {
        let file: String
        /// Aliases are expanded, so a few lines can stand for exponentially many values
        /// ("billion laughs"); no real configuration comes near this many.
        var remainingNodes = 100_000

        init(file: String) {
            self.file = file
        }

        mutating func convert(_ node: Node, path: String) throws(ConfigurationError) -> ConfigurationNode {
            let line = node.mark?.line ?? 0
            let column = node.mark?.column ?? 0
            func failure(_ code: ConfigurationError.Code, _ message: String, line: Int, column: Int) -> ConfigurationError {
                ConfigurationError(code: code, file: file, path: path, line: line, column: column, message: message)
            }
            remainingNodes -= 1
            guard remainingNodes >= 0 else {
                throw failure(.invalidValue, "the document expands (through aliases) to more than 100000 values",
                              line: line, column: column)
            }
            switch node {
            case .scalar(let scalar):
                let style = ConfigurationNode.style(of: scalar)
                guard let kind = ConfigurationNode.kind(of: scalar, style: style) else {
                    throw failure(.invalidValue, "the YAML tag '\(scalar.tag.rawValue)' is not supported here; "
                                  + "remove it, or quote the value to make it text", line: line, column: column)
                }
                return ConfigurationNode(content: .scalar(scalar.string, kind), line: line, column: column, style: style)
            case .sequence(let sequence):
                var items: [ConfigurationNode] = []
                for (index, item) in sequence.enumerated() {
                    items.append(try convert(item, path: DocumentPath.index(path, index)))
                }
                return ConfigurationNode(content: .sequence(items), line: line, column: column, style: .notScalar)
            case .mapping(let mapping):
                var entries: [Entry] = []
                for (key, value) in mapping {
                    let keyLine = key.mark?.line ?? line
                    let keyColumn = key.mark?.column ?? column
                    guard case .scalar(let keyScalar) = key else {
                        throw failure(.wrongType, "a key must be plain text, not a list or a mapping",
                                      line: keyLine, column: keyColumn)
                    }
                    if keyScalar.string == "<<" && keyScalar.style == .plain {
                        throw failure(.invalidValue, "YAML merge keys (<<) are not supported; write the keys out, "
                                      + "or use an alias (*name) for the whole value", line: keyLine, column: keyColumn)
                    }
                    let childPath = DocumentPath.key(path, keyScalar.string)
                    entries.append(Entry(key: keyScalar.string, line: keyLine, column: keyColumn,
                                         value: try convert(value, path: childPath)))
                }
                return ConfigurationNode(content: .mapping(entries), line: line, column: column, style: .notScalar)
            case .alias:
                // Yams's composer replaces every alias with the node its anchor names.
                throw failure(.invalidValue, "a YAML alias that names no anchor", line: line, column: column)
            }
        }
    }

    private static func style(of scalar: Node.Scalar) -> Style {
        switch scalar.style {
        case .singleQuoted, .doubleQuoted: .quoted
        case .literal: .literal
        case .folded: .folded
        case .plain, .any: .plain
        }
    }

    /// The core-schema kind of a scalar, honouring explicit `!!str`-style tags; `nil` for a tag
    /// the configuration has no use for (`!!binary`, `!custom`) or one its text contradicts.
    private static func kind(of scalar: Node.Scalar, style: Style) -> ScalarKind? {
        let text = scalar.string
        switch Tag.Name(rawValue: scalar.tag.rawValue) {
        case .implicit:
            return style == .plain ? CoreSchema.kind(ofPlain: text) : .string
        case .nonSpecific, .str:
            return .string
        case .int:
            return CoreSchema.isInteger(text) ? .integer : nil
        case .float:
            return CoreSchema.isFloat(text) || CoreSchema.isInteger(text) ? .float : nil
        case .bool:
            return CoreSchema.isBoolean(text) ? .boolean : nil
        case .null:
            return CoreSchema.isNull(text) ? .null : nil
        default:
            return nil
        }
    }

    private static func syntaxError(_ error: YamlError, yaml: String, file: String) -> ConfigurationError {
        func failure(line: Int, column: Int, _ message: String) -> ConfigurationError {
            ConfigurationError(code: .syntax, file: file, path: "", line: line, column: column,
                               message: "YAML syntax: \(message)")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = problem
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
                if let hint = hint(forLine: context.mark.line, in: yaml) {
                    var error = failure(line: mark.line, column: mark.column, message + "; " + hint.message)
                    error.path = hint.path
                    return error
                }
            }
            return failure(line: mark.line, column: mark.column, message)
        case .reader(let problem, let offset, _, _):
            let (line, column) = offset.map { position(ofCharacterOffset: $0, in: yaml) } ?? (0, 0)
            return failure(line: line, column: column, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let first = context.mark
            let key = duplicates.first ?? ""
            if let repeated = repeatedKeyLine(key, after: first.line, column: first.column, in: yaml) {
                return failure(line: repeated, column: first.column,
                               "the key '\(key)' appears again in the same mapping (first at line \(first.line)); keep one")
            }
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return failure(line: first.line, column: first.column,
                           "the key \(keys) appears more than once in the same mapping; keep one")
        default:
            return failure(line: 0, column: 0, error.description)
        }
    }

    /// The line where a block mapping repeats `key` at the same column as its first use. Yams
    /// reports only the first use, but the repeat is usually the line just added.
    private static func repeatedKeyLine(_ key: String, after line: Int, column: Int, in yaml: String) -> Int? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, column >= 1 else { return nil }
        for index in line..<lines.count {
            let text = lines[index]
            let indentation = text.prefix(column - 1)
            guard indentation.count == column - 1, indentation.allSatisfy({ $0 == " " || $0 == "-" }) else { continue }
            let rest = text.dropFirst(column - 1)
            if rest.hasPrefix(key), rest.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix(":") {
                return index + 1
            }
        }
        return nil
    }

    /// Advice for the one syntax error people make most: an unquoted IPv6 `listen` address,
    /// which YAML reads as the start of a list.
    private static func hint(forLine line: Int, in yaml: String) -> (path: String, message: String)? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        let text = lines[line - 1].drop { $0 == " " }
        guard text.hasPrefix("listen:"), text.contains("[") else { return nil }
        return ("listen", "an IPv6 address must be quoted in YAML, like listen: \"[::1]:8750\"")
    }

    /// The 1-based line and column of the character at `offset` in `text`.
    private static func position(ofCharacterOffset offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
