public import EventBus

/// The JSONPath subset Automation selectors use (`PropertySelector`, outputs' `Selector`):
/// `$.a.b` (child), `['a-b']` (quoted child), `[n]` (index, negative from the end), `[*]` and
/// `.*` (every element or member) and `..name` (deep scan). A path with a deep scan or a
/// wildcard selects a list, always; any other path selects one value or nothing.
public struct PropertySelector: Sendable, Equatable, CustomStringConvertible {
    enum Token: Sendable, Equatable {
        case child(String)
        case index(Int)
        case wildcard
        case deepScan(String)
    }

    /// Why a selector cannot be read.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public let description: String
    let tokens: [Token]

    /// Whether the selector yields a list (it has a deep scan or a wildcard).
    public var selectsList: Bool { tokens.contains { if case .child = $0 { false } else if case .index = $0 { false } else { true } } }

    public init(_ text: String) throws(SyntaxError) {
        description = text
        func fail(_ why: String) -> SyntaxError { SyntaxError(description: "selector \(text): \(why)") }
        guard text.hasPrefix("$") else { throw fail("must start with $") }
        var rest = Substring(text.dropFirst())
        var tokens: [Token] = []
        func name(_ from: inout Substring) -> String {
            let name = from.prefix { $0 != "." && $0 != "[" }
            from = from.dropFirst(name.count)
            return String(name)
        }
        while !rest.isEmpty {
            if rest.hasPrefix("..") {
                rest = rest.dropFirst(2)
                let field = name(&rest)
                guard !field.isEmpty else { throw fail("a deep scan (..) needs a field name after it") }
                tokens.append(field == "*" ? .wildcard : .deepScan(field))
            } else if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let field = name(&rest)
                guard !field.isEmpty else { throw fail("empty field name") }
                tokens.append(field == "*" ? .wildcard : .child(field))
            } else if rest.hasPrefix("['") || rest.hasPrefix("[\"") {
                let quote = rest.dropFirst().first!
                rest = rest.dropFirst(2)
                guard let end = rest.firstIndex(of: quote), rest[rest.index(after: end)...].hasPrefix("]") else {
                    throw fail("unclosed [\(quote)")
                }
                tokens.append(.child(String(rest[..<end])))
                rest = rest[rest.index(end, offsetBy: 2)...]
            } else if rest.hasPrefix("[") {
                guard let end = rest.firstIndex(of: "]") else { throw fail("unclosed [") }
                let inner = rest[rest.index(after: rest.startIndex)..<end].trimmingCharacters(in: .whitespaces)
                if inner == "*" {
                    tokens.append(.wildcard)
                } else if let index = Int(inner) {
                    tokens.append(.index(index))
                } else {
                    throw fail("[\(inner)] is neither an index nor *")
                }
                rest = rest[rest.index(after: end)...]
            } else {
                throw fail("expected . or [ at \(rest.prefix(10))")
            }
        }
        self.tokens = tokens
    }

    /// What the selector picks out of `root`: one value (nil when absent), or a list (possibly
    /// empty) for a deep scan or wildcard.
    public func select(_ root: JSONValue) -> JSONValue? {
        var nodes = [root]
        for token in tokens {
            nodes = nodes.flatMap { Self.apply(token, to: $0) }
        }
        if selectsList { return .array(nodes) }
        return nodes.first
    }

    static func apply(_ token: Token, to node: JSONValue) -> [JSONValue] {
        switch token {
        case .child(let name):
            return node[name].map { [$0] } ?? []
        case .index(let index):
            guard let items = node.arrayValue else { return [] }
            let position = index < 0 ? items.count + index : index
            return items.indices.contains(position) ? [items[position]] : []
        case .wildcard:
            if let items = node.arrayValue { return items }
            if let members = node.objectValue { return members.keys.sorted().map { members[$0]! } }
            return []
        case .deepScan(let name):
            var found: [JSONValue] = []
            collect(name, in: node, into: &found)
            return found
        }
    }

    /// Every value of a member `name`, at any depth, in document order (members sorted by key).
    static func collect(_ name: String, in node: JSONValue, into found: inout [JSONValue]) {
        switch node {
        case .object(let members):
            if let value = members[name] { found.append(value) }
            for key in members.keys.sorted() { collect(name, in: members[key]!, into: &found) }
        case .array(let items):
            for item in items { collect(name, in: item, into: &found) }
        default:
            break
        }
    }

    /// A selected value as Automation compares it with `DesiredValues`: strings as they are,
    /// whole numbers without a decimal point, Booleans `True`/`False` (AWS writes them so).
    public static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "True" : "False"
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        case .null: return "null"
        default: return value.serialized(sortingKeys: true)
        }
    }
}
