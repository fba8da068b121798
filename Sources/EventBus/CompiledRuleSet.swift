import Synchronization

/// The matching engine behind `RuleMatcher`, free of the generic rule ID type so that
/// the hot path is compiled once, here, for every client.
///
/// Build: every rule's patterns are re-labelled onto one `PathTrie` and laid out as a
/// `MatcherProgram`; each pattern's anchors (`AnchorSelection`) go into the
/// `AnchorTables` of their path; rules with an unanchorable pattern go to `unanchored`.
///
/// Match: for each anchored path, the event's leaves there are looked up in that path's
/// tables; the rules found, plus the unanchored ones, are the only ones evaluated: from
/// the `EventLeaves` table where the event allows, by walking the event where a path
/// runs through an array of several objects.
///
/// Matching allocates nothing but its result: per-match buffers come from a small pool
/// of `MatchScratch`, taken and returned under a lock, so concurrent matches never share one.
@usableFromInline
final class CompiledRuleSet: Sendable {
    private let trie: FrozenTrie
    /// Per rule, the program objects of its patterns (any may match).
    private let ruleRoots: FrozenBuffer<Span>
    private let rootList: FrozenBuffer<Int32>
    /// Per rule, its patterns as trees, for events where flat evaluation cannot decide.
    private let conditions: [[ObjectCondition]]
    private let program: FrozenProgram
    private let anchoredNodes: FrozenBuffer<Int32>
    private let anchors: AnchorTables
    private let unanchored: [Int32]
    /// Per rule, one bit per anchor group; a rule is a candidate once all its bits are set.
    private let groupMasks: FrozenBuffer<UInt8>
    /// Per rule, 1 when its anchor groups decide it (see `AnchorSelection.selection`).
    private let decisive: FrozenBuffer<UInt8>
    private let scratchPool = Mutex<[MatchScratch]>([])

    init(patterns: [[EventPattern]]) {
        // Index entries pack a rule number with three bits of anchor group.
        precondition(patterns.count < 1 << 27, "a RuleMatcher holds fewer than 134 million rules")
        var trie = PathTrie()
        var program = MatcherProgram()
        var conditions: [[ObjectCondition]] = []
        var ruleRoots: [Span] = []
        var rootList: [Int32] = []
        var builder = AnchorTablesBuilder()
        var pathOfNode: [Int: Int] = [:]
        var anchoredNodes: [Int32] = []
        var unanchored: [Int32] = []
        var groupMasks: [UInt8] = []
        var decisive: [UInt8] = []
        for (ruleNumber, rulePatterns) in patterns.enumerated() {
            let rule = Int32(ruleNumber)
            var relabelled: [ObjectCondition] = []
            var groups: [[AnchorSelection.Anchor]]? = []
            let rootStart = Int32(rootList.count)
            for pattern in rulePatterns {
                let nodes = pattern.paths.map { trie.node(for: $0) }
                let condition = Self.relabel(pattern.root, nodes: nodes)
                relabelled.append(condition)
                rootList.append(program.add(condition))
                if rulePatterns.count == 1 {
                    let selection = AnchorSelection.selection(of: condition)
                    groups = selection?.groups
                    decisive.append(selection?.decisive == true ? 1 : 0)
                } else if let single = AnchorSelection.singleGroup(of: condition), groups != nil {
                    // Several patterns, any of which may match: one group, their union.
                    groups = [(groups!.first ?? []) + single]
                } else {
                    groups = nil
                }
            }
            if rulePatterns.count != 1 { decisive.append(0) }
            ruleRoots.append(Span(start: rootStart, count: Int32(rootList.count) - rootStart))
            conditions.append(relabelled)
            guard let groups, !groups.isEmpty else {
                unanchored.append(rule)
                groupMasks.append(0)
                continue
            }
            groupMasks.append(UInt8((1 << groups.count) - 1))
            for (groupNumber, group) in groups.enumerated() {
                // Index entries carry the rule and which of its groups the anchor belongs to.
                let entry = rule << 3 | Int32(groupNumber)
                for anchor in group {
                    let path: Int
                    if let existing = pathOfNode[anchor.node] {
                        path = existing
                    } else {
                        path = builder.addPath()
                        pathOfNode[anchor.node] = path
                        anchoredNodes.append(Int32(anchor.node))
                    }
                    for matcher in anchor.matchers { builder.add(matcher, rule: entry, path: path) }
                }
            }
        }
        self.groupMasks = FrozenBuffer(groupMasks)
        self.decisive = FrozenBuffer(decisive)
        self.trie = FrozenTrie(trie)
        self.ruleRoots = FrozenBuffer(ruleRoots)
        self.rootList = FrozenBuffer(rootList)
        self.conditions = conditions
        self.program = FrozenProgram(program)
        self.anchoredNodes = FrozenBuffer(anchoredNodes)
        anchors = AnchorTables(builder)
        self.unanchored = unanchored
    }

    deinit {
        trie.free()
        ruleRoots.free()
        rootList.free()
        program.free()
        anchoredNodes.free()
        anchors.free()
        groupMasks.free()
        scratchPool.withLock { pool in
            for scratch in pool { scratch.free() }
        }
        decisive.free()
    }

    private static func relabel(_ condition: ObjectCondition, nodes: [Int]) -> ObjectCondition {
        var copy = condition
        for index in copy.fields.indices { copy.fields[index].path = nodes[copy.fields[index].path] }
        for index in copy.children.indices { copy.children[index].object = relabel(copy.children[index].object, nodes: nodes) }
        copy.alternatives = copy.alternatives.map { group in group.map { relabel($0, nodes: nodes) } }
        return copy
    }

    /// Calls `body` with the number of every rule that matches, in ascending order.
    @usableFromInline
    func forEachMatch(of event: JSONValue, _ body: (Int) -> Void) {
        var scratch = scratchPool.withLock { $0.popLast() } ?? MatchScratch(nodes: trie.count, rules: groupMasks.count)
        var view = EventLeaves(event: event, trie: trie, scratch: &scratch)
        var hits = scratch.hits
        hits.count = 0
        for position in 0..<anchoredNodes.count {
            let span = view.anyLeaves(anchoredNodes[position], trie)
            guard span.count > 0 else { continue }
            anchors.collect(path: position, leaves: span, all: view.leaves.buffer, eventBytes: view.bytes.buffer, into: &hits)
        }
        var candidates = scratch.candidates
        candidates.count = 0
        for rule in unanchored { candidates.append(rule << 1) }
        // A rule becomes a candidate when every one of its anchor groups has a hit.
        let groupsHit = scratch.groupsHit.pointer
        for index in 0..<hits.count {
            let hit = hits[index]
            let rule = Int(hit >> 3)
            let state = groupsHit[rule] | UInt8(1 << (hit & 7))
            groupsHit[rule] = state
            if state == groupMasks[rule] {
                // The low bit marks rules the hits alone decide: evaluation is skipped for
                // them unless some anchored path ran through an array of several objects.
                candidates.append(Int32(rule) << 1 | Int32(decisive[rule]))
                groupsHit[rule] = 0x80
            }
        }
        for index in 0..<hits.count { groupsHit[Int(hits[index] >> 3)] = 0 }
        if candidates.count > 0 {
            Self.sort(candidates.pointer, count: candidates.count)
            let trustHits = !view.sawAmbiguity
            for index in 0..<candidates.count {
                let rule = candidates[index] >> 1
                let decided = trustHits && candidates[index] & 1 == 1
                if decided || matches(rule: rule, event: event, view: &view) { body(Int(rule)) }
            }
        }
        view.finish(into: &scratch)
        scratch.hits = hits
        scratch.candidates = candidates
        let spare = scratchPool.withLock { pool -> MatchScratch? in
            guard pool.count < 8 else { return scratch }
            pool.append(scratch)
            return nil
        }
        spare?.free()
    }

    /// Sorts candidates (rule numbers, shifted) into rule order: usually a few, mostly in
    /// order already, so insertion sort; the library sort when there are many.
    private static func sort(_ values: UnsafeMutablePointer<Int32>, count: Int) {
        guard count > 32 else {
            for index in 1..<max(count, 1) {
                let value = values[index]
                var position = index
                while position > 0 && values[position - 1] > value {
                    values[position] = values[position - 1]
                    position -= 1
                }
                values[position] = value
            }
            return
        }
        var buffer = UnsafeMutableBufferPointer(start: values, count: count)
        buffer.sort()
    }

    private func matches(rule: Int32, event: JSONValue, view: inout EventLeaves) -> Bool {
        let roots = ruleRoots[rule]
        for position in roots.start..<roots.end {
            var ambiguous = false
            if evaluate(object: rootList[position], view: &view, ambiguous: &ambiguous) { return true }
            if ambiguous {
                let object: [String: JSONValue]? = if case .object(let members) = event { members } else { nil }
                if conditions[Int(rule)][Int(position - roots.start)].matches(object: object) { return true }
            }
        }
        return false
    }

    /// Evaluates a program object from the leaf table; sets `ambiguous` (and returns
    /// false) when a path it needs lies below an array of several objects.
    private func evaluate(object index: Int32, view: inout EventLeaves, ambiguous: inout Bool) -> Bool {
        let object = program.objects[index]
        for fieldIndex in object.fields.start..<object.fields.end {
            let field = program.fields[fieldIndex]
            guard let span = view.leafSpan(field.node, trie) else {
                ambiguous = true
                return false
            }
            if !program.fieldMatches(field, leaves: span, all: view.leaves.buffer, eventBytes: view.bytes.buffer) {
                return false
            }
        }
        for child in object.children.start..<object.children.end
        where !evaluate(object: program.objectLists[child], view: &view, ambiguous: &ambiguous) {
            return false
        }
        for groupIndex in object.groups.start..<object.groups.end {
            let branches = program.groups[groupIndex].branches
            var any = false
            for branch in branches.start..<branches.end
            where evaluate(object: program.objectLists[branch], view: &view, ambiguous: &ambiguous) {
                any = true
                break
            }
            if !any { return false }
        }
        return true
    }
}
