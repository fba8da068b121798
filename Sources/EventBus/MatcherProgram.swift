/// Compiled patterns as plain data: every object, field and matcher of every rule laid
/// out in flat tables of `BitwiseCopyable` records, strings in one byte pool. Evaluating
/// a rule walks these tables by index and compares bytes; it never copies a Swift
/// string or array, so it never touches a reference count.
///
/// `MatcherProgram.Builder` translates `ObjectCondition`/`ValueMatcher` (the form
/// `EventPattern` evaluates directly); `RuleMatcherDifferentialTests` holds the two to the
/// same answers.
struct MatcherProgram {
    enum Kind: UInt8, BitwiseCopyable {
        case exactString, exactNumber, exactTrue, exactFalse, exactNull
        case prefix, suffix, equalsFolded, prefixFolded, suffixFolded
        case wildcard, numeric, cidr, existsTrue, existsFalse
        case notStrings, notNumbers, notPrefixes, notSuffixes, notFolded, notWildcards
    }

    /// One matcher. `span` is bytes in `bytes` for single-string kinds, a list in
    /// `spans` for the `not…` string lists, in `numbers` for `notNumbers`, in `wildcards`
    /// for wildcard kinds; `index` is the entry in `numbers`, `ranges` or `networks`.
    struct Matcher: BitwiseCopyable {
        var kind: Kind
        var span: Span
        var index: Int32
    }

    struct Number: BitwiseCopyable {
        var value: Double
        var quantized: Int64
        var comparable: Bool
    }

    struct Field: BitwiseCopyable {
        var node: Int32
        var matchers: Span
    }

    /// An object condition: its fields, child objects and `$or` groups. Children and
    /// groups are lists in `objectLists` (object indexes) and `groups`.
    struct Object: BitwiseCopyable {
        var fields: Span
        var children: Span
        var groups: Span
    }

    /// A `$or` group: its branches, object indexes listed in `objectLists`.
    struct Group: BitwiseCopyable {
        var branches: Span
    }

    var bytes: [UInt8] = []
    var spans: [Span] = []
    var numbers: [Number] = []
    var ranges: [NumericRange] = []
    var networks: [IPRange] = []
    /// Each wildcard pattern is a span of `spans`: its literal segments.
    var wildcards: [Span] = []
    var matchers: [Matcher] = []
    var fields: [Field] = []
    var objects: [Object] = []
    var groups: [Group] = []
    var objectLists: [Int32] = []

    /// Appends a pattern's root condition (fields already labelled with trie nodes);
    /// returns its object index.
    mutating func add(_ condition: ObjectCondition) -> Int32 {
        // Children and groups must be laid out before their parent's lists are written.
        let childObjects = condition.children.map { add($0.object) }
        let groupBranches = condition.alternatives.map { group in group.map { add($0) } }

        let fieldStart = Int32(fields.count)
        for field in condition.fields {
            let matcherStart = Int32(matchers.count)
            for matcher in field.matchers { matchers.append(compile(matcher)) }
            fields.append(Field(node: Int32(field.path),
                                matchers: Span(start: matcherStart, count: Int32(matchers.count) - matcherStart)))
        }
        let childStart = Int32(objectLists.count)
        objectLists += childObjects
        let groupStart = Int32(groups.count)
        for branches in groupBranches {
            let branchStart = Int32(objectLists.count)
            objectLists += branches
            groups.append(Group(branches: Span(start: branchStart, count: Int32(branches.count))))
        }
        objects.append(Object(fields: Span(start: fieldStart, count: Int32(condition.fields.count)),
                              children: Span(start: childStart, count: Int32(childObjects.count)),
                              groups: Span(start: groupStart, count: Int32(groupBranches.count))))
        return Int32(objects.count - 1)
    }

    private mutating func text<Bytes: Sequence<UInt8>>(_ value: Bytes) -> Span {
        let start = Int32(bytes.count)
        bytes.append(contentsOf: value)
        return Span(start: start, count: Int32(bytes.count) - start)
    }

    private mutating func textList(_ values: [String]) -> Span {
        let list = values.map { text($0.utf8) }
        let start = Int32(spans.count)
        spans += list
        return Span(start: start, count: Int32(list.count))
    }

    private mutating func wildcardList(_ patterns: [WildcardPattern]) -> Span {
        let laidOut = patterns.map { pattern -> Span in
            let segments = pattern.segments.map { text($0) }
            let start = Int32(spans.count)
            spans += segments
            return Span(start: start, count: Int32(segments.count))
        }
        let start = Int32(wildcards.count)
        wildcards += laidOut
        return Span(start: start, count: Int32(laidOut.count))
    }

    private mutating func number(_ value: Double) -> Int32 {
        let quantized = ComparableNumber.quantize(value)
        numbers.append(Number(value: value, quantized: quantized ?? 0, comparable: quantized != nil))
        return Int32(numbers.count - 1)
    }

    private mutating func compile(_ matcher: ValueMatcher) -> Matcher {
        switch matcher {
        case .exactString(let value): return Matcher(kind: .exactString, span: text(value.utf8), index: 0)
        case .exactNumber(let value): return Matcher(kind: .exactNumber, span: .empty, index: number(value))
        case .exactBool(let value): return Matcher(kind: value ? .exactTrue : .exactFalse, span: .empty, index: 0)
        case .exactNull: return Matcher(kind: .exactNull, span: .empty, index: 0)
        case .prefix(let value): return Matcher(kind: .prefix, span: text(value.utf8), index: 0)
        case .suffix(let value): return Matcher(kind: .suffix, span: text(value.utf8), index: 0)
        case .equalsIgnoringCase(let folded): return Matcher(kind: .equalsFolded, span: text(folded.utf8), index: 0)
        case .prefixIgnoringCase(let folded): return Matcher(kind: .prefixFolded, span: text(folded.utf8), index: 0)
        case .suffixIgnoringCase(let folded): return Matcher(kind: .suffixFolded, span: text(folded.utf8), index: 0)
        case .wildcard(let pattern): return Matcher(kind: .wildcard, span: wildcardList([pattern]), index: 0)
        case .numeric(let range):
            ranges.append(range)
            return Matcher(kind: .numeric, span: .empty, index: Int32(ranges.count - 1))
        case .cidr(let range):
            networks.append(range)
            return Matcher(kind: .cidr, span: .empty, index: Int32(networks.count - 1))
        case .exists(let value): return Matcher(kind: value ? .existsTrue : .existsFalse, span: .empty, index: 0)
        case .anythingBut(let excluded):
            switch excluded {
            case .strings(let values): return Matcher(kind: .notStrings, span: textList(values), index: 0)
            case .prefixes(let values): return Matcher(kind: .notPrefixes, span: textList(values), index: 0)
            case .suffixes(let values): return Matcher(kind: .notSuffixes, span: textList(values), index: 0)
            case .ignoringCase(let values): return Matcher(kind: .notFolded, span: textList(values), index: 0)
            case .wildcards(let patterns): return Matcher(kind: .notWildcards, span: wildcardList(patterns), index: 0)
            case .numbers(let values):
                let start = Int32(numbers.count)
                for value in values { _ = number(value) }
                return Matcher(kind: .notNumbers, span: Span(start: start, count: Int32(values.count)), index: 0)
            }
        }
    }
}
