/// The reusable scratch space of one match at a time. `CompiledRuleSet` keeps a few in a
/// `Mutex`-guarded pool: a match moves one out, uses it alone, and moves it back. (A
/// struct, not a class, so that using its buffers costs no dynamic exclusivity checks.)
// @unchecked Sendable: the buffers are owned by whichever match holds the value; the pool
// hands each value to one match at a time and frees them when the rule set goes away.
struct MatchScratch: @unchecked Sendable {
    /// Per trie node: its state in `EventLeaves` and its leaves' span.
    var states: GrowableBuffer<UInt8>
    var spans: GrowableBuffer<Span>
    var values: [JSONValue?]
    var leaves = GrowableBuffer<Leaf>(capacity: 64)
    var bytes = GrowableBuffer<UInt8>(capacity: 1024)
    var hits = GrowableBuffer<Int32>(capacity: 256)
    var candidates = GrowableBuffer<Int32>(capacity: 64)
    /// Per rule, the anchor groups hit so far; all zero between matches.
    var groupsHit: GrowableBuffer<UInt8>

    init(nodes: Int, rules: Int) {
        states = GrowableBuffer(capacity: nodes)
        spans = GrowableBuffer(capacity: nodes)
        values = Array(repeating: nil, count: nodes)
        groupsHit = GrowableBuffer(capacity: rules)
        groupsHit.pointer.initialize(repeating: 0, count: groupsHit.capacity)
    }

    func free() {
        states.free(); spans.free(); leaves.free(); bytes.free(); hits.free(); candidates.free(); groupsHit.free()
    }
}
