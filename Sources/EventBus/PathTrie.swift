/// Every key path used by any rule in a matcher, as a tree of keys. Node 0 is the event
/// itself; each other node is one key below its parent.
struct PathTrie: Sendable {
    private(set) var keys: [String] = [""]
    private(set) var parents: [Int] = [-1]
    /// Whether some rule has a leaf field at the node's path (others only lead to them).
    private(set) var isField: [Bool] = [false]
    private var children: [[String: Int]] = [[:]]

    var count: Int { keys.count }

    /// The node for the leaf field at `path`, adding nodes as needed.
    mutating func node(for path: [String]) -> Int {
        var node = 0
        for key in path {
            if let child = children[node][key] {
                node = child
            } else {
                keys.append(key)
                parents.append(node)
                isField.append(false)
                children.append([:])
                children[node][key] = keys.count - 1
                node = keys.count - 1
            }
        }
        isField[node] = true
        return node
    }
}
