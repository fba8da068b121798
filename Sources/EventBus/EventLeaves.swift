/// One event seen through a matcher's path trie: the leaf values at each path, found
/// lazily and at most once while the event is matched against many rules.
///
/// Where every array on the way to a path holds at most one object, a path's leaves
/// are exactly what array-consistent matching sees, so rules can be evaluated field by
/// field from this table. A path below an array of several objects is *ambiguous*:
/// rules that need it are evaluated by walking the event instead.
struct EventLeaves {
    // Per-node state: the low bits say what is known of the node's value, bit 4 whether
    // its children have been worked out.
    private static let unknown: UInt8 = 0
    private static let known: UInt8 = 1
    private static let ambiguous: UInt8 = 2
    private static let expandedBit: UInt8 = 0x10

    private let states: UnsafeMutablePointer<UInt8>
    /// Per trie node: its leaves in `leaves`, `start` -1 until looked up.
    private let spans: UnsafeMutablePointer<Span>
    /// Per trie node, when known: the event value at its path (`nil`: absent).
    private var values: [JSONValue?]
    private(set) var leaves: GrowableBuffer<Leaf>
    private(set) var bytes: GrowableBuffer<UInt8>
    /// Whether `anyLeaves` met an ambiguous path (so anchors were found across objects).
    private(set) var sawAmbiguity = false

    /// Starts viewing `event` in `scratch`'s buffers; `finish(into:)` must hand them back.
    init(event: JSONValue, trie: borrowing FrozenTrie, scratch: inout MatchScratch) {
        let count = trie.count
        states = scratch.states.pointer
        spans = scratch.spans.pointer
        states.update(repeating: Self.unknown, count: count)
        spans.update(repeating: Span(start: -1, count: 0), count: count)
        values = []
        swap(&values, &scratch.values)
        leaves = scratch.leaves
        bytes = scratch.bytes
        leaves.count = 0
        bytes.count = 0
        states[0] = Self.known
        values[0] = event
    }

    /// Returns the buffers (possibly grown) to `scratch`, holding on to no event values.
    mutating func finish(into scratch: inout MatchScratch) {
        for index in values.indices { values[index] = nil }
        swap(&values, &scratch.values)
        scratch.leaves = leaves
        scratch.bytes = bytes
    }

    /// The leaves at `node`'s path (a range of `leaves`), or `nil` when it is ambiguous.
    @inline(__always)
    mutating func leafSpan(_ node: Int32, _ trie: borrowing FrozenTrie) -> Span? {
        let span = spans[Int(node)]
        if span.start >= 0 { return span }
        return resolveLeaves(node, trie)
    }

    private mutating func resolveLeaves(_ node: Int32, _ trie: borrowing FrozenTrie) -> Span? {
        // Expanding the parent records the leaves of every field found there.
        if states[Int(node)] & 3 == Self.unknown { expand(trie.parents[node], trie) }
        let span = spans[Int(node)]
        if span.start >= 0 { return span }
        guard states[Int(node)] & 3 == Self.known else { return nil }
        // Absent: no leaves.
        let empty = Span(start: Int32(leaves.count), count: 0)
        spans[Int(node)] = empty
        return empty
    }

    /// Every leaf at `node`'s path in any element of any array on the way: what an
    /// anchor needs one of. Ambiguous paths are gathered by walking the event.
    mutating func anyLeaves(_ node: Int32, _ trie: borrowing FrozenTrie) -> Span {
        if let span = leafSpan(node, trie) { return span }
        sawAmbiguity = true
        var path: [String] = []
        var current = Int(node)
        while current > 0 {
            path.append(trie.keys[current])
            current = Int(trie.parents[current])
        }
        let start = Int32(leaves.count)
        if let event = values[0] { collect(event, path: path.reversed()[...]) }
        return Span(start: start, count: Int32(leaves.count) - start)
    }

    /// Works out the state and value of every child of `node`.
    private mutating func expand(_ node: Int32, _ trie: borrowing FrozenTrie) {
        if states[Int(node)] & Self.expandedBit != 0 { return }
        if states[Int(node)] & 3 == Self.unknown { expand(trie.parents[node], trie) }
        states[Int(node)] |= Self.expandedBit
        var childState = Self.known
        var object: [String: JSONValue]?
        if states[Int(node)] & 3 == Self.ambiguous {
            childState = Self.ambiguous
        } else if let value = values[Int(node)] {
            switch Self.classify(value) {
            case .none: break
            case .some(.none): childState = Self.ambiguous
            case .some(.some(let members)): object = members
            }
        }
        // Children not found below stay absent (`nil`) or inherit ambiguity.
        let childTable = trie.tables[node]
        for slot in childTable.start..<childTable.end {
            let child = trie.slots[slot]
            if child >= 0 { states[Int(child)] = childState }
        }
        guard let object else { return }
        let table = trie.tables[node]
        if Int(table.count) / 2 < object.count {
            // Fewer paths than keys: look the paths up.
            for slot in table.start..<table.end {
                let child = trie.slots[slot]
                if child >= 0, let value = object[trie.keys[Int(child)]] { found(value, at: child, trie) }
            }
            return
        }
        // Walk the keys only; take out just the values some rule needs.
        let keys = object.keys
        var index = keys.startIndex
        while index != keys.endIndex {
            let child = withUTF8Bytes(keys[index]) { trie.child(of: node, key: $0) }
            if child >= 0 { found(object.values[index], at: child, trie) }
            keys.formIndex(after: &index)
        }
        for child in trie.unicodeChildren[Int(node)] where spans[Int(child)].start < 0 && values[Int(child)] == nil {
            if let value = object[trie.keys[Int(child)]] { found(value, at: child, trie) }
        }
    }

    /// Records the event value found at `node`'s path: its leaves straight away when rules
    /// read them, the value itself only when paths go on below it.
    @inline(__always)
    private mutating func found(_ value: JSONValue, at node: Int32, _ trie: borrowing FrozenTrie) {
        if trie.isField[node] != 0 {
            let start = Int32(leaves.count)
            append(value)
            spans[Int(node)] = Span(start: start, count: Int32(leaves.count) - start)
        }
        if trie.hasChildren(node) { values[Int(node)] = value }
    }

    /// `nil` when there is no object here; `.some(nil)` when there are several (an array
    /// of objects); else the one object (alone, or the only object in an array).
    private static func classify(_ value: JSONValue) -> [String: JSONValue]?? {
        switch value {
        case .object(let members):
            return .some(members)
        case .array(let elements):
            var found: [String: JSONValue]?
            var count = 0
            countObjects(elements, found: &found, count: &count)
            if count == 0 { return .none }
            if count == 1, let found { return .some(found) }
            return .some(nil)
        default:
            return .none
        }
    }

    private static func countObjects(_ elements: [JSONValue], found: inout [String: JSONValue]?, count: inout Int) {
        for element in elements {
            switch element {
            case .object(let members):
                count += 1
                if count > 1 { return }
                found = members
            case .array(let nested):
                countObjects(nested, found: &found, count: &count)
                if count > 1 { return }
            default:
                continue
            }
        }
    }

    /// Appends the leaves of one event value: itself if scalar, its scalars if an array.
    private mutating func append(_ value: JSONValue) {
        switch value {
        case .object:
            return
        case .array(let elements):
            for element in elements { append(element) }
        case .string(let string):
            let start = Int32(bytes.count)
            withUTF8Bytes(string) { bytes.append(contentsOf: $0) }
            leaves.append(Leaf(kind: .string, bytes: Span(start: start, count: Int32(bytes.count) - start),
                               number: 0, quantized: 0, comparable: false))
        case .number(let number):
            let quantized = ComparableNumber.quantize(number)
            leaves.append(Leaf(kind: .number, bytes: .empty, number: number, quantized: quantized ?? 0,
                               comparable: quantized != nil))
        case .bool(let flag):
            leaves.append(Leaf(kind: flag ? .trueValue : .falseValue, bytes: .empty, number: 0, quantized: 0, comparable: false))
        case .null:
            leaves.append(Leaf(kind: .null, bytes: .empty, number: 0, quantized: 0, comparable: false))
        }
    }

    private mutating func collect(_ value: JSONValue, path: ArraySlice<String>) {
        switch value {
        case .array(let elements):
            for element in elements { collect(element, path: path) }
        case .object(let members):
            guard let key = path.first, let next = members[key] else { return }
            if path.count == 1 {
                // Objects at the leaf path are skipped, arrays flattened, as everywhere.
                if case .object = next { return }
                append(next)
            } else {
                collect(next, path: path.dropFirst())
            }
        default:
            return
        }
    }
}
