/// A compiled pattern object: every field, nested object and `$or` group must hold.
///
/// Matching follows EventBridge's (event-ruler's) array-consistent semantics. Where the
/// event has an array of objects, one element must satisfy the whole nested pattern
/// object: fields of one pattern object are never satisfied by different elements.
struct ObjectCondition: Sendable, Equatable {
    var fields: [FieldCondition] = []
    var children: [ChildCondition] = []
    /// `$or` groups: in each group at least one branch must hold against this same object.
    var alternatives: [[ObjectCondition]] = []

    /// Matches against an event object, or against "nothing" (`nil`) when the event has
    /// no object here: then only fields that may be absent (`exists: false`) can hold.
    func matches(object: [String: JSONValue]?) -> Bool {
        for field in fields where !field.matches(value: object?[field.key]) { return false }
        for child in children where !child.matches(value: object?[child.key]) { return false }
        for group in alternatives where !group.contains(where: { $0.matches(object: object) }) { return false }
        return true
    }
}

/// A nested pattern object under `key`.
struct ChildCondition: Sendable, Equatable {
    let key: String
    var object: ObjectCondition

    func matches(value: JSONValue?) -> Bool {
        switch value {
        case .object(let members)?:
            return object.matches(object: members)
        case .array(let elements)?:
            var sawObject = false
            if Self.anyObject(in: elements, sawObject: &sawObject, where: { object.matches(object: $0) }) { return true }
            // An array with no objects in it is no object at all.
            return sawObject ? false : object.matches(object: nil)
        default:
            return object.matches(object: nil)
        }
    }

    private static func anyObject(in elements: [JSONValue], sawObject: inout Bool,
                                  where predicate: ([String: JSONValue]) -> Bool) -> Bool {
        for element in elements {
            switch element {
            case .object(let members):
                sawObject = true
                if predicate(members) { return true }
            case .array(let nested):
                if anyObject(in: nested, sawObject: &sawObject, where: predicate) { return true }
            default:
                continue
            }
        }
        return false
    }
}
