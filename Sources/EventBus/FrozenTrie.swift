/// A `PathTrie` frozen for matching: each node's key as bytes with its hash, and per
/// node a small open-addressing table of its children, so that walking an event object's
/// keys finds the paths rules use without hashing every key with `String`'s SipHash.
struct FrozenTrie: Sendable {
    let keys: [String]
    let parents: FrozenBuffer<Int32>
    /// Per node, 1 when rules read leaf values at its path.
    let isField: FrozenBuffer<UInt8>
    let keySpans: FrozenBuffer<Span>
    let keyHashes: FrozenBuffer<UInt64>
    let keyBytes: FrozenBuffer<UInt8>
    /// Per node, its child table (a span of `slots`, a power of two long, or empty).
    let tables: FrozenBuffer<Span>
    let slots: FrozenBuffer<Int32>
    /// Per node, its children whose keys are not ASCII: also looked up the `String` way
    /// (canonical equivalence), as `Dictionary` and the tree-walking matcher do.
    let unicodeChildren: [[Int32]]

    init(_ trie: PathTrie) {
        keys = trie.keys
        parents = FrozenBuffer(trie.parents.map(Int32.init))
        isField = FrozenBuffer(trie.isField.map { $0 ? 1 : 0 })
        var spans: [Span] = []
        var hashes: [UInt64] = []
        var bytes: [UInt8] = []
        for key in trie.keys {
            let start = Int32(bytes.count)
            bytes += key.utf8
            spans.append(Span(start: start, count: Int32(bytes.count) - start))
            hashes.append(Array(key.utf8).withUnsafeBufferPointer(hashBytes))
        }
        var children = Array(repeating: [Int32](), count: trie.count)
        for node in 1..<trie.count { children[trie.parents[node]].append(Int32(node)) }
        var tables: [Span] = []
        var slots: [Int32] = []
        var unicode = Array(repeating: [Int32](), count: trie.count)
        for node in 0..<trie.count {
            guard !children[node].isEmpty else {
                tables.append(.empty)
                continue
            }
            var size = 4
            while size < children[node].count * 2 { size *= 2 }
            let start = slots.count
            slots += Array(repeating: -1, count: size)
            for child in children[node] {
                var slot = Int(truncatingIfNeeded: hashes[Int(child)]) & (size - 1)
                while slots[start + slot] >= 0 { slot = (slot + 1) & (size - 1) }
                slots[start + slot] = child
                if !trie.keys[Int(child)].utf8.allSatisfy({ $0 < 0x80 }) { unicode[node].append(child) }
            }
            tables.append(Span(start: Int32(start), count: Int32(size)))
        }
        keySpans = FrozenBuffer(spans)
        keyHashes = FrozenBuffer(hashes)
        keyBytes = FrozenBuffer(bytes)
        self.tables = FrozenBuffer(tables)
        self.slots = FrozenBuffer(slots)
        unicodeChildren = unicode
    }

    var count: Int { keys.count }

    func free() {
        parents.free(); isField.free(); keySpans.free(); keyHashes.free(); keyBytes.free(); tables.free(); slots.free()
    }

    /// The child of `node` whose key is `key` (as bytes), or -1.
    @inline(__always)
    func child(of node: Int32, key: UnsafeBufferPointer<UInt8>) -> Int32 {
        let table = tables[node]
        guard table.count > 0 else { return -1 }
        let hash = hashBytes(key)
        let mask = Int(table.count - 1)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let child = slots[Int(table.start) + slot]
            if child < 0 { return -1 }
            if keyHashes[child] == hash {
                let span = keySpans[child]
                if bytesEqual(UnsafeBufferPointer(rebasing: keyBytes.pointer[Int(span.start)..<Int(span.end)]), key) {
                    return child
                }
            }
            slot = (slot + 1) & mask
        }
    }

    func hasChildren(_ node: Int32) -> Bool { tables[node].count > 0 }
}
