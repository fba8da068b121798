/// A leaf field of a pattern: `"key": [ value, value, ... ]`, the values OR-ed.
struct FieldCondition: Sendable, Equatable {
    let key: String
    /// Index of the field's full key path in the owning pattern's (or matcher's) path table.
    var path: Int
    let matchers: [ValueMatcher]

    func matches(value: JSONValue?) -> Bool {
        switch value {
        case nil, .object?:
            return matches(leaves: EmptyCollection())
        case .array(let elements)?:
            var leaves: [JSONValue] = []
            Self.collectLeaves(of: elements, into: &leaves)
            return matches(leaves: leaves)
        case let scalar?:
            return matches(leaves: CollectionOfOne(scalar))
        }
    }

    /// Whether the field holds given all its leaf values in the event (strings, numbers,
    /// Booleans and nulls found at its path, arrays flattened, objects skipped).
    @inline(__always)
    func matches<Leaves: Collection<JSONValue>>(leaves: Leaves) -> Bool {
        for matcher in matchers {
            switch matcher {
            case .exists(let shouldExist):
                if leaves.isEmpty != shouldExist { return true }
            default:
                for leaf in leaves where matcher.matches(leaf) { return true }
            }
        }
        return false
    }

    /// Appends the scalars of an event array (nested arrays flattened, objects skipped).
    static func collectLeaves(of elements: [JSONValue], into leaves: inout [JSONValue]) {
        for element in elements {
            switch element {
            case .object: continue
            case .array(let nested): collectLeaves(of: nested, into: &leaves)
            default: leaves.append(element)
            }
        }
    }
}
