/// The anchors of every rule, per event path, as plain data: exact values in hash
/// tables keyed by bytes, prefixes and suffixes in path-compressed byte tries, numeric
/// and CIDR ranges in interval indexes, and the rules that any leaf (or any string)
/// may satisfy.
///
/// Looking up an event's leaves at a path yields index entries (rule and anchor group,
/// see `CompiledRuleSet`) whose anchor some leaf may satisfy. The answer may include
/// anchors that do not hold (a wildcard found by its literal head, an `anything-but`)
/// but never leaves one out; candidates are evaluated in full afterwards.
struct AnchorTables: Sendable {
    struct Path: BitwiseCopyable {
        var exact: Span
        var numbers: Span
        var folded: Span
        var trues: Span
        var falses: Span
        var nulls: Span
        var anyLeaf: Span
        var anyString: Span
        var prefixRoot: Int32
        var suffixRoot: Int32
        var foldedPrefixRoot: Int32
        var foldedSuffixRoot: Int32
        /// End points in `numberBoundaries`; pieces in `pieces`.
        var ranges: Span
        var rangePieces: Span
        /// End points in `networkBoundaries`; pieces in `pieces`.
        var networks: Span
        var networkPieces: Span
    }

    struct TableEntry: BitwiseCopyable {
        var key: Span
        var hash: UInt64
        var rules: Span
    }

    /// A trie node reached by matching all of `label` (bytes in `keys`); its children
    /// are nodes `children`, in `trieChildren`, each labelled from a different first byte.
    struct TrieNode: BitwiseCopyable {
        var label: Span
        var children: Span
        var rules: Span
    }

    let paths: FrozenBuffer<Path>
    let rules: FrozenBuffer<Int32>
    let slots: FrozenBuffer<Int32>
    let entries: FrozenBuffer<TableEntry>
    let keys: FrozenBuffer<UInt8>
    let trieNodes: FrozenBuffer<TrieNode>
    let trieChildren: FrozenBuffer<Int32>
    let numberBoundaries: FrozenBuffer<Int64>
    let networkBoundaries: FrozenBuffer<IPKey>
    let pieces: FrozenBuffer<Span>

    init(_ builder: AnchorTablesBuilder) {
        let frozen = builder.layOut()
        paths = FrozenBuffer(frozen.paths)
        rules = FrozenBuffer(frozen.rules)
        slots = FrozenBuffer(frozen.slots)
        entries = FrozenBuffer(frozen.entries)
        keys = FrozenBuffer(frozen.keys)
        trieNodes = FrozenBuffer(frozen.trieNodes)
        trieChildren = FrozenBuffer(frozen.trieChildren)
        numberBoundaries = FrozenBuffer(frozen.numberBoundaries)
        networkBoundaries = FrozenBuffer(frozen.networkBoundaries)
        pieces = FrozenBuffer(frozen.pieces)
    }

    func free() {
        paths.free(); rules.free(); slots.free(); entries.free(); keys.free(); trieNodes.free()
        trieChildren.free(); numberBoundaries.free(); networkBoundaries.free(); pieces.free()
    }

    @inline(__always)
    private func append(_ span: Span, to hits: inout GrowableBuffer<Int32>) {
        guard span.count > 0 else { return }
        hits.append(contentsOf: UnsafeBufferPointer(rebasing: rules.pointer[Int(span.start)..<Int(span.end)]))
    }

    /// Appends the entries anchored at path `index` that some leaf in `span` may satisfy.
    func collect(path index: Int, leaves span: Span, all leaves: UnsafeBufferPointer<Leaf>,
                 eventBytes: UnsafeBufferPointer<UInt8>, into hits: inout GrowableBuffer<Int32>) {
        guard span.count > 0 else { return }
        let path = paths[index]
        append(path.anyLeaf, to: &hits)
        for leafIndex in Int(span.start)..<Int(span.end) {
            let leaf = leaves[leafIndex]
            switch leaf.kind {
            case .string:
                let value = UnsafeBufferPointer(rebasing: eventBytes[Int(leaf.bytes.start)..<Int(leaf.bytes.end)])
                collectString(value, path: path, into: &hits)
            case .number:
                if path.numbers.count > 0 {
                    Self.withNumberKey(leaf.number) { key in append(lookup(key, in: path.numbers), to: &hits) }
                }
                if path.rangePieces.count > 0, leaf.comparable {
                    let boundaries = UnsafeBufferPointer(rebasing: numberBoundaries.pointer[Int(path.ranges.start)..<Int(path.ranges.end)])
                    let piece = intervalPiece(of: leaf.quantized, boundaries: boundaries)
                    append(pieces[path.rangePieces.start + Int32(piece)], to: &hits)
                }
            case .trueValue: append(path.trues, to: &hits)
            case .falseValue: append(path.falses, to: &hits)
            case .null: append(path.nulls, to: &hits)
            }
        }
    }

    private func collectString(_ value: UnsafeBufferPointer<UInt8>, path: Path, into hits: inout GrowableBuffer<Int32>) {
        append(path.anyString, to: &hits)
        if path.exact.count > 0 { append(lookup(value, in: path.exact), to: &hits) }
        if path.prefixRoot >= 0 { walk(from: path.prefixRoot, along: value, backwards: false, into: &hits) }
        if path.suffixRoot >= 0 { walk(from: path.suffixRoot, along: value, backwards: true, into: &hits) }
        if path.folded.count > 0 || path.foldedPrefixRoot >= 0 || path.foldedSuffixRoot >= 0 {
            Self.withFolded(value) { folded in
                if path.folded.count > 0 { append(lookup(folded, in: path.folded), to: &hits) }
                if path.foldedPrefixRoot >= 0 { walk(from: path.foldedPrefixRoot, along: folded, backwards: false, into: &hits) }
                if path.foldedSuffixRoot >= 0 { walk(from: path.foldedSuffixRoot, along: folded, backwards: true, into: &hits) }
            }
        }
        if path.networkPieces.count > 0, let address = IPAddress.parse(value) {
            let boundaries = UnsafeBufferPointer(rebasing: networkBoundaries.pointer[Int(path.networks.start)..<Int(path.networks.end)])
            let piece = intervalPiece(of: IPKey(address), boundaries: boundaries)
            append(pieces[path.networkPieces.start + Int32(piece)], to: &hits)
        }
    }

    /// The entries stored under `key` in the hash table whose slots are `table`.
    @inline(__always)
    private func lookup(_ key: UnsafeBufferPointer<UInt8>, in table: Span) -> Span {
        let hash = hashBytes(key)
        let mask = Int(table.count - 1)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entryIndex = slots[Int(table.start) + slot]
            if entryIndex < 0 { return .empty }
            let entry = entries[entryIndex]
            if entry.hash == hash,
               bytesEqual(UnsafeBufferPointer(rebasing: keys.pointer[Int(entry.key.start)..<Int(entry.key.end)]), key) {
                return entry.rules
            }
            slot = (slot + 1) & mask
        }
    }

    /// Collects the rules of every trie key that starts (or, backwards, ends) `value`.
    private func walk(from root: Int32, along value: UnsafeBufferPointer<UInt8>, backwards: Bool, into hits: inout GrowableBuffer<Int32>) {
        var node = trieNodes[root]
        append(node.rules, to: &hits)
        var position = 0
        let count = value.count
        while position < count {
            let byte = backwards ? value[count - 1 - position] : value[position]
            var next: Int32 = -1
            for child in node.children.start..<node.children.end {
                let candidate = trieChildren[child]
                if keys[trieNodes[candidate].label.start] == byte {
                    next = candidate
                    break
                }
            }
            guard next >= 0 else { return }
            node = trieNodes[next]
            let label = node.label
            guard Int(label.count) <= count - position else { return }
            if backwards {
                for offset in 1..<Int(label.count) where keys[label.start + Int32(offset)] != value[count - 1 - position - offset] {
                    return
                }
            } else if label.count > 1 {
                let labelBytes = keys.pointer.baseAddress! + Int(label.start)
                if !memcmpBytes(value.baseAddress! + position, labelBytes, Int(label.count)) { return }
            }
            position += Int(label.count)
            append(node.rules, to: &hits)
        }
    }

    /// Nine key bytes for a number: a tag, then its millionths within ±5e9 or its bits beyond.
    static func withNumberKey<R>(_ value: Double, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let tag: UInt8
        let bits: UInt64
        if let quantized = ComparableNumber.quantize(value) {
            tag = 1
            bits = UInt64(bitPattern: quantized)
        } else {
            tag = 0
            bits = value.bitPattern
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 9) { buffer in
            buffer[0] = tag
            for index in 0..<8 { buffer[index + 1] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(index))) }
            return body(UnsafeBufferPointer(buffer))
        }
    }

    /// The value in `foldedCase` form: byte by byte for ASCII, through `String` otherwise.
    static func withFolded<R>(_ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if value.allSatisfy({ $0 < 0x80 }) {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(value.count, 1)) { buffer in
                for index in 0..<value.count { buffer[index] = asciiLower(value[index]) }
                return body(UnsafeBufferPointer(rebasing: buffer[0..<value.count]))
            }
        }
        return withUTF8Bytes(foldedCase(String(decoding: value, as: UTF8.self)), body)
    }
}
