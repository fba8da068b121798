/// Validates pattern syntax the way EventBridge does and compiles it to an `ObjectCondition`.
///
/// Reasons are EventBridge's own messages (as returned in `InvalidEventPatternException`),
/// so that a pattern refused here would be refused by AWS for the same reason.
struct PatternCompiler {
    let source: UnsafeBufferPointer<UInt8>
    /// Every distinct key path that holds a leaf field, in first-seen order.
    private(set) var paths: [[String]] = []
    private var pathIndexes: [[String]: Int] = [:]

    init(source: UnsafeBufferPointer<UInt8>) {
        self.source = source
    }

    /// Field names that are operators, which EventBridge refuses as field names inside `$or`.
    static let reservedNames: Set<String> = [
        "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric", "cidr",
        "=", "<", "<=", ">", ">=",
    ]

    func failure(_ reason: String, at offset: Int, path: PatternPath) -> EventPatternError {
        let (line, column) = textPosition(of: offset, in: source)
        return EventPatternError(reason: reason, path: path.description, line: line, column: column)
    }

    mutating func compileDocument(_ root: PatternSyntax.Located) throws(EventPatternError) -> ObjectCondition {
        guard case .object(let members) = root.value else {
            throw failure("Filter is not an object", at: root.offset, path: PatternPath())
        }
        return try compileObject(members, at: root.offset, keyPath: [], path: PatternPath(), insideOr: false)
    }

    private mutating func compileObject(_ members: [PatternSyntax.Member], at offset: Int, keyPath: [String],
                                        path: PatternPath, insideOr: Bool) throws(EventPatternError) -> ObjectCondition {
        guard !members.isEmpty else { throw failure("Empty objects are not allowed", at: offset, path: path) }
        var condition = ObjectCondition()
        var seen: Set<String> = []
        for member in members {
            let memberPath = path.appending(key: member.key)
            if member.key == "$or" {
                condition.alternatives.append(try compileOr(member.value, keyPath: keyPath, path: memberPath))
                continue
            }
            if insideOr && Self.reservedNames.contains(member.key) {
                throw failure("\(member.key) is a reserved keyword and cannot be used as a field name inside $or",
                              at: member.value.offset, path: memberPath)
            }
            guard seen.insert(member.key).inserted else {
                let dotted = (keyPath + [member.key]).joined(separator: ".")
                throw failure("Path `\(dotted)` cannot be allowed multiple times", at: member.value.offset, path: memberPath)
            }
            switch member.value.value {
            case .object(let nested):
                let object = try compileObject(nested, at: member.value.offset, keyPath: keyPath + [member.key],
                                               path: memberPath, insideOr: insideOr)
                condition.children.append(ChildCondition(key: member.key, object: object))
            case .array(let elements):
                condition.fields.append(try compileField(member.key, elements, at: member.value.offset,
                                                         keyPath: keyPath + [member.key], path: memberPath))
            default:
                throw failure("\"\(member.key)\" must be an object or an array", at: member.value.offset, path: memberPath)
            }
        }
        return condition
    }

    private mutating func compileOr(_ value: PatternSyntax.Located, keyPath: [String],
                                    path: PatternPath) throws(EventPatternError) -> [ObjectCondition] {
        guard case .array(let elements) = value.value else {
            throw failure("It must be an Array followed with $or.", at: value.offset, path: path)
        }
        var branches: [ObjectCondition] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let members) = element.value else {
                throw failure("Only JSON object is allowed in array of $or relationship.", at: element.offset,
                              path: path.appending(index: index))
            }
            branches.append(try compileObject(members, at: element.offset, keyPath: keyPath,
                                              path: path.appending(index: index), insideOr: true))
        }
        guard branches.count >= 2 else {
            throw failure("There must have at least 2 Objects in $or relationship.", at: value.offset, path: path)
        }
        return branches
    }

    private mutating func compileField(_ key: String, _ elements: [PatternSyntax.Located], at offset: Int,
                                       keyPath: [String], path: PatternPath) throws(EventPatternError) -> FieldCondition {
        guard !elements.isEmpty else { throw failure("Empty arrays are not allowed", at: offset, path: path) }
        var matchers: [ValueMatcher] = []
        for (index, element) in elements.enumerated() {
            let elementPath = path.appending(index: index)
            switch element.value {
            case .string(let value): matchers.append(.exactString(value))
            case .number(let value, _): matchers.append(.exactNumber(value))
            case .bool(let value): matchers.append(.exactBool(value))
            case .null: matchers.append(.exactNull)
            case .object(let members): matchers.append(try compileMatchExpression(members, at: element.offset, path: elementPath))
            case .array:
                throw failure("Match value must be String, number, true, false, or null", at: element.offset, path: elementPath)
            }
        }
        return FieldCondition(key: key, path: pathIndex(of: keyPath), matchers: matchers)
    }

    private mutating func pathIndex(of keyPath: [String]) -> Int {
        if let index = pathIndexes[keyPath] { return index }
        paths.append(keyPath)
        pathIndexes[keyPath] = paths.count - 1
        return paths.count - 1
    }

    /// `{ "operator": operand }` in a value list.
    private func compileMatchExpression(_ members: [PatternSyntax.Member], at offset: Int,
                                       path: PatternPath) throws(EventPatternError) -> ValueMatcher {
        guard let first = members.first else { throw failure("Match expression name not found", at: offset, path: path) }
        let operandPath = path.appending(key: first.key)
        let operand = first.value
        let matcher: ValueMatcher
        switch first.key {
        case "prefix", "suffix":
            matcher = try compilePrefixOrSuffix(first.key, operand, path: operandPath)
        case "equals-ignore-case":
            guard case .string(let value) = operand.value else {
                throw failure("equals-ignore-case match pattern must be a string", at: operand.offset, path: operandPath)
            }
            matcher = .equalsIgnoringCase(foldedCase(value))
        case "wildcard":
            guard case .string(let value) = operand.value else {
                throw failure("wildcard match pattern must be a string", at: operand.offset, path: operandPath)
            }
            matcher = .wildcard(try wildcard(value, at: operand.offset, path: operandPath))
        case "numeric":
            matcher = .numeric(try compileNumeric(operand, path: operandPath))
        case "anything-but":
            matcher = .anythingBut(try compileAnythingBut(operand, path: operandPath))
        case "exists":
            guard case .bool(let value) = operand.value else {
                throw failure("exists match pattern must be either true or false.", at: operand.offset, path: operandPath)
            }
            matcher = .exists(value)
        case "cidr":
            guard case .string(let value) = operand.value else {
                throw failure("cidr match pattern must be a string", at: operand.offset, path: operandPath)
            }
            switch IPRange.parse(value) {
            case .success(let range): matcher = .cidr(range)
            case .failure(let problem): throw failure(problem.reason, at: operand.offset, path: operandPath)
            }
        default:
            throw failure("Unrecognized match type \(first.key)", at: offset, path: operandPath)
        }
        if members.count > 1 {
            let extra = members[1]
            throw failure("Only one key allowed in match expression", at: extra.value.offset, path: path.appending(key: extra.key))
        }
        return matcher
    }

    /// `prefix`/`suffix` with a string, or with `{ "equals-ignore-case": string }`.
    private func compilePrefixOrSuffix(_ name: String, _ operand: PatternSyntax.Located,
                                       path: PatternPath) throws(EventPatternError) -> ValueMatcher {
        switch operand.value {
        case .string(let value):
            return name == "prefix" ? .prefix(value) : .suffix(value)
        case .object(let members):
            let capitalized = name == "prefix" ? "Prefix" : "Suffix"
            guard let inner = members.first else {
                throw failure("\(capitalized) expression name not found", at: operand.offset, path: path)
            }
            let innerPath = path.appending(key: inner.key)
            guard inner.key == "equals-ignore-case" else {
                throw failure("Unsupported \(name) pattern: \(inner.key)", at: inner.value.offset, path: innerPath)
            }
            guard case .string(let value) = inner.value.value else {
                throw failure("equals-ignore-case match pattern must be a string", at: inner.value.offset, path: innerPath)
            }
            if members.count > 1 {
                throw failure("Only one key allowed in match expression", at: members[1].value.offset,
                              path: path.appending(key: members[1].key))
            }
            let folded = foldedCase(value)
            return name == "prefix" ? .prefixIgnoringCase(folded) : .suffixIgnoringCase(folded)
        default:
            throw failure("\(name) match pattern must be a string", at: operand.offset, path: path)
        }
    }

    func wildcard(_ text: String, at offset: Int, path: PatternPath) throws(EventPatternError) -> WildcardPattern {
        switch WildcardPattern.parse(text) {
        case .success(let pattern): return pattern
        case .failure(let problem): throw failure(problem.reason, at: offset, path: path)
        }
    }

    /// The text EventBridge quotes for a token it did not expect.
    static func tokenText(_ value: PatternSyntax) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(_, let text): text
        case .string(let text): text
        case .array: "["
        case .object: "{"
        }
    }

    /// A number that must be compared numerically: within ±5e9, at most six decimals.
    func comparableNumber(_ value: PatternSyntax.Located, path: PatternPath) throws(EventPatternError) -> Double {
        guard case .number(let number, let text) = value.value else { preconditionFailure("caller checked for a number") }
        if let problem = ComparableNumber.problem(withLiteral: text, value: number) {
            throw failure(problem, at: value.offset, path: path)
        }
        return number
    }
}
