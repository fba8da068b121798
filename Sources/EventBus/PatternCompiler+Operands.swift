extension PatternCompiler {
    /// `"numeric": [ op, n ]` or `[ ">"|">=", low, "<"|"<=", high ]`.
    func compileNumeric(_ operand: PatternSyntax.Located, path: PatternPath) throws(EventPatternError) -> NumericRange {
        guard case .array(let terms) = operand.value else {
            throw failure("Value of numeric must be an array.", at: operand.offset, path: path)
        }
        guard let first = terms.first else {
            throw failure("Invalid member in numeric match: ]", at: operand.offset, path: path)
        }
        guard case .string(let operation) = first.value else {
            throw failure("Invalid member in numeric match: \(Self.tokenText(first.value))", at: first.offset, path: path.appending(index: 0))
        }
        guard ["=", "<", "<=", ">", ">="].contains(operation) else {
            throw failure("Unrecognized numeric range operator: \(operation)", at: first.offset, path: path.appending(index: 0))
        }
        let bound = try numericOperand(terms, at: 1, operation: operation, operand: operand, path: path)
        switch operation {
        case "=", "<", "<=":
            if terms.count > 2 {
                throw failure("Too many elements in numeric expression", at: terms[2].offset, path: path.appending(index: 2))
            }
            if operation == "=" { return NumericRange(lower: bound, lowerInclusive: true, upper: bound, upperInclusive: true) }
            // EventBridge ranges start at -5e9, so the top must be above it.
            if bound <= ComparableNumber.quantize(-ComparableNumber.limit)! {
                throw failure("Bottom must be less than top", at: terms[1].offset, path: path.appending(index: 1))
            }
            return NumericRange(lower: nil, lowerInclusive: true, upper: bound, upperInclusive: operation == "<=")
        default:
            guard terms.count > 2 else {
                if bound >= ComparableNumber.quantize(ComparableNumber.limit)! {
                    throw failure("Bottom must be less than top", at: terms[1].offset, path: path.appending(index: 1))
                }
                return NumericRange(lower: bound, lowerInclusive: operation == ">=", upper: nil, upperInclusive: true)
            }
            let second = terms[2]
            guard case .string(let upperOperation) = second.value else {
                throw failure("Bad value in numeric range: \(Self.tokenText(second.value))", at: second.offset, path: path.appending(index: 2))
            }
            guard upperOperation == "<" || upperOperation == "<=" else {
                throw failure("Bad numeric range operator: \(upperOperation)", at: second.offset, path: path.appending(index: 2))
            }
            let top = try numericOperand(terms, at: 3, operation: upperOperation, operand: operand, path: path)
            if terms.count > 4 {
                throw failure("Too many terms in numeric range expression", at: terms[4].offset, path: path.appending(index: 4))
            }
            guard bound < top else {
                throw failure("Bottom must be less than top", at: terms[3].offset, path: path.appending(index: 3))
            }
            return NumericRange(lower: bound, lowerInclusive: operation == ">=", upper: top, upperInclusive: upperOperation == "<=")
        }
    }

    private func numericOperand(_ terms: [PatternSyntax.Located], at index: Int, operation: String,
                                operand: PatternSyntax.Located, path: PatternPath) throws(EventPatternError) -> Int64 {
        let name = operation == "=" ? "equals" : operation
        guard index < terms.count, case .number = terms[index].value else {
            let offset = index < terms.count ? terms[index].offset : operand.offset
            throw failure("Value of \(name) must be numeric", at: offset, path: index < terms.count ? path.appending(index: index) : path)
        }
        let value = try comparableNumber(terms[index], path: path.appending(index: index))
        return ComparableNumber.quantize(value)!
    }

    /// `anything-but` with a value, a list, or `{ prefix | suffix | equals-ignore-case | wildcard: ... }`.
    func compileAnythingBut(_ operand: PatternSyntax.Located, path: PatternPath) throws(EventPatternError) -> AnythingBut {
        switch operand.value {
        case .string(let value):
            return .strings([value])
        case .number:
            return .numbers([try comparableNumber(operand, path: path)])
        case .array(let elements):
            var strings: [String] = []
            var numbers: [Double] = []
            for (index, element) in elements.enumerated() {
                switch element.value {
                case .string(let value): strings.append(value)
                case .number: numbers.append(try comparableNumber(element, path: path.appending(index: index)))
                default:
                    throw failure("Inside anything but list, start|null|boolean is not supported.", at: element.offset,
                                  path: path.appending(index: index))
                }
            }
            guard strings.isEmpty != numbers.isEmpty else {
                throw failure("Inside anything but list, either all values are number or string, mixed type is not supported",
                              at: operand.offset, path: path)
            }
            return strings.isEmpty ? .numbers(numbers) : .strings(strings)
        case .object(let members):
            guard let inner = members.first else {
                throw failure("Anything-But expression name not found", at: operand.offset, path: path)
            }
            let innerPath = path.appending(key: inner.key)
            guard ["prefix", "suffix", "equals-ignore-case", "wildcard"].contains(inner.key) else {
                throw failure("Unsupported anything-but pattern: \(inner.key)", at: inner.value.offset, path: innerPath)
            }
            let values = try anythingButOperands(inner.key, inner.value, path: innerPath)
            if members.count > 1 {
                throw failure("Only one key allowed in match expression", at: members[1].value.offset,
                              path: path.appending(key: members[1].key))
            }
            switch inner.key {
            case "prefix": return .prefixes(values)
            case "suffix": return .suffixes(values)
            case "equals-ignore-case": return .ignoringCase(values.map(foldedCase))
            default:
                var patterns: [WildcardPattern] = []
                for value in values { patterns.append(try wildcard(value, at: inner.value.offset, path: innerPath)) }
                return .wildcards(patterns)
            }
        default:
            throw failure("Value of anything-but must be an array or single string/number value.", at: operand.offset, path: path)
        }
    }

    /// The string or list of strings under `anything-but`'s `prefix`, `suffix`,
    /// `equals-ignore-case` or `wildcard`.
    private func anythingButOperands(_ kind: String, _ operand: PatternSyntax.Located,
                                     path: PatternPath) throws(EventPatternError) -> [String] {
        let notAString: String
        switch kind {
        case "equals-ignore-case": notAString = "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
        case "wildcard": notAString = "wildcard match pattern must be a string"
        default: notAString = "prefix/suffix match pattern must be a string"
        }
        func checked(_ element: PatternSyntax.Located, _ path: PatternPath) throws(EventPatternError) -> String {
            guard case .string(let value) = element.value else { throw failure(notAString, at: element.offset, path: path) }
            if value.isEmpty && (kind == "prefix" || kind == "suffix") {
                throw failure("Null prefix/suffix not allowed", at: element.offset, path: path)
            }
            return value
        }
        switch operand.value {
        case .string, .number:
            return [try checked(operand, path)]
        case .array(let elements):
            guard !elements.isEmpty else { throw failure("Empty arrays are not allowed", at: operand.offset, path: path) }
            var values: [String] = []
            for (index, element) in elements.enumerated() {
                values.append(try checked(element, path.appending(index: index)))
            }
            return values
        default:
            throw failure("Value of anything-but must be an array or single string/number value.", at: operand.offset, path: path)
        }
    }
}
