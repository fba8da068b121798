/// Collects anchors per path with ordinary collections, then lays them out as
/// `AnchorTables`' flat records.
struct AnchorTablesBuilder {
    fileprivate struct Trie {
        var edges: [[UInt8: Int]] = [[:]]
        var rules: [[Int32]] = [[]]

        mutating func insert<Key: Sequence<UInt8>>(_ key: Key, rule: Int32) {
            var node = 0
            for byte in key {
                if let child = edges[node][byte] {
                    node = child
                } else {
                    edges.append([:])
                    rules.append([])
                    edges[node][byte] = edges.count - 1
                    node = edges.count - 1
                }
            }
            rules[node].append(rule)
        }
    }

    private struct PathAnchors {
        var exact: [[UInt8]: [Int32]] = [:]
        var numbers: [[UInt8]: [Int32]] = [:]
        var folded: [[UInt8]: [Int32]] = [:]
        var trues: [Int32] = []
        var falses: [Int32] = []
        var nulls: [Int32] = []
        var anyLeaf: [Int32] = []
        var anyString: [Int32] = []
        var prefixes: Trie?
        var suffixes: Trie?
        var foldedPrefixes: Trie?
        var foldedSuffixes: Trie?
        var ranges = IntervalIndexBuilder<Int64>()
        var networks = IntervalIndexBuilder<IPKey>()
    }

    private var paths: [PathAnchors] = []

    /// Adds a path and returns its index.
    mutating func addPath() -> Int {
        paths.append(PathAnchors())
        return paths.count - 1
    }

    mutating func add(_ matcher: ValueMatcher, rule: Int32, path index: Int) {
        switch matcher {
        case .exactString(let value): paths[index].exact[Array(value.utf8), default: []].append(rule)
        case .exactNumber(let value):
            let key = AnchorTables.withNumberKey(value) { Array($0) }
            paths[index].numbers[key, default: []].append(rule)
        case .exactBool(let value):
            if value { paths[index].trues.append(rule) } else { paths[index].falses.append(rule) }
        case .exactNull: paths[index].nulls.append(rule)
        case .prefix(let value): paths[index].prefixes.insert(value.utf8, rule: rule)
        case .suffix(let value): paths[index].suffixes.insert(value.utf8.reversed(), rule: rule)
        case .equalsIgnoringCase(let folded): paths[index].folded[Array(folded.utf8), default: []].append(rule)
        case .prefixIgnoringCase(let folded): paths[index].foldedPrefixes.insert(folded.utf8, rule: rule)
        case .suffixIgnoringCase(let folded): paths[index].foldedSuffixes.insert(folded.utf8.reversed(), rule: rule)
        case .wildcard(let pattern):
            if !pattern.leadingLiteral.isEmpty {
                paths[index].prefixes.insert(pattern.leadingLiteral, rule: rule)
            } else if !pattern.trailingLiteral.isEmpty {
                paths[index].suffixes.insert(pattern.trailingLiteral.reversed(), rule: rule)
            } else {
                paths[index].anyString.append(rule)
            }
        case .numeric(let range):
            paths[index].ranges.intervals.append(.init(lower: range.lower, lowerInclusive: range.lowerInclusive,
                                                       upper: range.upper, upperInclusive: range.upperInclusive, rule: rule))
        case .cidr(let range):
            paths[index].networks.intervals.append(.init(lower: IPKey(range.lowest), lowerInclusive: true,
                                                         upper: IPKey(range.highest), upperInclusive: true, rule: rule))
        case .anythingBut, .exists: paths[index].anyLeaf.append(rule)
        }
    }

    struct Layout {
        var paths: [AnchorTables.Path] = []
        var rules: [Int32] = []
        var slots: [Int32] = []
        var entries: [AnchorTables.TableEntry] = []
        var keys: [UInt8] = []
        var trieNodes: [AnchorTables.TrieNode] = []
        var trieChildren: [Int32] = []
        var numberBoundaries: [Int64] = []
        var networkBoundaries: [IPKey] = []
        var pieces: [Span] = []

        mutating func list(_ values: [Int32]) -> Span {
            let start = Int32(rules.count)
            rules += values
            return Span(start: start, count: Int32(values.count))
        }

        mutating func table(_ contents: [[UInt8]: [Int32]]) -> Span {
            guard !contents.isEmpty else { return .empty }
            var size = 4
            while size < contents.count * 2 { size *= 2 }
            let start = Int32(slots.count)
            slots += Array(repeating: -1, count: size)
            for (key, ruleList) in contents {
                let keyStart = Int32(keys.count)
                keys += key
                let hash = key.withUnsafeBufferPointer(hashBytes)
                entries.append(AnchorTables.TableEntry(key: Span(start: keyStart, count: Int32(key.count)), hash: hash,
                                                       rules: list(ruleList)))
                var slot = Int(truncatingIfNeeded: hash) & (size - 1)
                while slots[Int(start) + slot] >= 0 { slot = (slot + 1) & (size - 1) }
                slots[Int(start) + slot] = Int32(entries.count - 1)
            }
            return Span(start: start, count: Int32(size))
        }

        /// Lays out a trie with chains of single-child, rule-less nodes merged into labels.
        fileprivate mutating func trie(_ trie: Trie?) -> Int32 {
            guard let trie else { return -1 }
            return node(trie, 0, label: [])
        }

        private mutating func node(_ trie: Trie, _ start: Int, label: [UInt8]) -> Int32 {
            var current = start
            var label = label
            while trie.rules[current].isEmpty, trie.edges[current].count == 1, current != 0 || !label.isEmpty {
                let (byte, child) = trie.edges[current].first!
                label.append(byte)
                current = child
            }
            let children = trie.edges[current].sorted { $0.key < $1.key }.map { node(trie, $0.value, label: [$0.key]) }
            let labelStart = Int32(keys.count)
            keys += label
            let childStart = Int32(trieChildren.count)
            trieChildren += children
            trieNodes.append(AnchorTables.TrieNode(label: Span(start: labelStart, count: Int32(label.count)),
                                                   children: Span(start: childStart, count: Int32(children.count)),
                                                   rules: list(trie.rules[current])))
            return Int32(trieNodes.count - 1)
        }

        mutating func intervals(_ builder: IntervalIndexBuilder<Int64>) -> (Span, Span) {
            guard !builder.intervals.isEmpty else { return (.empty, .empty) }
            let (boundaries, pieceRules) = builder.layOut()
            let start = Int32(numberBoundaries.count)
            numberBoundaries += boundaries
            return (Span(start: start, count: Int32(boundaries.count)), pieceList(pieceRules))
        }

        mutating func intervals(_ builder: IntervalIndexBuilder<IPKey>) -> (Span, Span) {
            guard !builder.intervals.isEmpty else { return (.empty, .empty) }
            let (boundaries, pieceRules) = builder.layOut()
            let start = Int32(networkBoundaries.count)
            networkBoundaries += boundaries
            return (Span(start: start, count: Int32(boundaries.count)), pieceList(pieceRules))
        }

        private mutating func pieceList(_ pieceRules: [[Int32]]) -> Span {
            let start = Int32(pieces.count)
            for rulesOfPiece in pieceRules { pieces.append(list(rulesOfPiece)) }
            return Span(start: start, count: Int32(pieceRules.count))
        }
    }

    func layOut() -> Layout {
        var layout = Layout()
        for anchors in paths {
            var path = AnchorTables.Path(
                exact: layout.table(anchors.exact), numbers: layout.table(anchors.numbers), folded: layout.table(anchors.folded),
                trues: layout.list(anchors.trues), falses: layout.list(anchors.falses), nulls: layout.list(anchors.nulls),
                anyLeaf: layout.list(anchors.anyLeaf), anyString: layout.list(anchors.anyString),
                prefixRoot: -1, suffixRoot: -1, foldedPrefixRoot: -1, foldedSuffixRoot: -1,
                ranges: .empty, rangePieces: .empty, networks: .empty, networkPieces: .empty)
            path.prefixRoot = layout.trie(anchors.prefixes)
            path.suffixRoot = layout.trie(anchors.suffixes)
            path.foldedPrefixRoot = layout.trie(anchors.foldedPrefixes)
            path.foldedSuffixRoot = layout.trie(anchors.foldedSuffixes)
            (path.ranges, path.rangePieces) = layout.intervals(anchors.ranges)
            (path.networks, path.networkPieces) = layout.intervals(anchors.networks)
            layout.paths.append(path)
        }
        return layout
    }
}

private extension Optional where Wrapped == AnchorTablesBuilder.Trie {
    mutating func insert<Key: Sequence<UInt8>>(_ key: Key, rule: Int32) {
        if self == nil { self = AnchorTablesBuilder.Trie() }
        self!.insert(key, rule: rule)
    }
}
