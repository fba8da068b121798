public import EventBus

/// A JSON 1.1 request body, read member by member with AWS's errors: a member of the wrong
/// JSON type is a `SerializationException`, a missing required one or one outside its
/// constraints is a `ValidationException` naming the member.
public struct APIInput: Sendable {
    public let members: [String: JSONValue]

    public init(_ members: [String: JSONValue]) {
        self.members = members
    }

    /// Whether the member is present and not null.
    public func has(_ name: String) -> Bool {
        members[name].map { !$0.isNull } ?? false
    }

    public func string(_ name: String) throws(APIError) -> String? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let string = value.stringValue else { throw .serialization(member: name, expected: "a string") }
        return string
    }

    public func requiredString(_ name: String) throws(APIError) -> String {
        guard let value = try string(name) else {
            throw .validation(member: name, value: nil, constraint: "Member must not be null")
        }
        return value
    }

    /// A string member with AWS's length and pattern constraints checked.
    public func string(_ name: String, required: Bool, length: ClosedRange<Int>, pattern: NamePattern? = nil) throws(APIError) -> String? {
        guard let value = required ? try requiredString(name) : try string(name) else { return nil }
        let count = value.count
        if count < length.lowerBound {
            throw .validation(member: name, value: value, constraint: "Member must have length greater than or equal to \(length.lowerBound)")
        }
        if count > length.upperBound {
            throw .validation(member: name, value: String(value.prefix(64)) + (count > 64 ? "…" : ""),
                              constraint: "Member must have length less than or equal to \(length.upperBound)")
        }
        if let pattern, !pattern.matches(value) {
            throw .validation(member: name, value: value, constraint: "Member must satisfy regular expression pattern: \(pattern.description)")
        }
        return value
    }

    public func int(_ name: String) throws(APIError) -> Int? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let number = value.numberValue, number.rounded() == number, abs(number) < 9.0e15 else {
            throw .serialization(member: name, expected: "an integer")
        }
        return Int(number)
    }

    /// An integer member within `range` (AWS: "Member must have value less than or equal to 50").
    public func int(_ name: String, range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let value = try int(name) else { return nil }
        if value < range.lowerBound {
            throw .validation(member: name, value: String(value), constraint: "Member must have value greater than or equal to \(range.lowerBound)")
        }
        if value > range.upperBound {
            throw .validation(member: name, value: String(value), constraint: "Member must have value less than or equal to \(range.upperBound)")
        }
        return value
    }

    public func bool(_ name: String) throws(APIError) -> Bool? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let bool = value.boolValue else { throw .serialization(member: name, expected: "a boolean") }
        return bool
    }

    public func list(_ name: String) throws(APIError) -> [JSONValue]? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let list = value.arrayValue else { throw .serialization(member: name, expected: "a list") }
        return list
    }

    public func stringList(_ name: String) throws(APIError) -> [String]? {
        guard let list = try list(name) else { return nil }
        var strings: [String] = []
        for element in list {
            guard let string = element.stringValue else { throw .serialization(member: name, expected: "a list of strings") }
            strings.append(string)
        }
        return strings
    }

    /// A list of structures, each read as its own input.
    public func structures(_ name: String) throws(APIError) -> [APIInput]? {
        guard let list = try list(name) else { return nil }
        var inputs: [APIInput] = []
        for element in list {
            guard let members = element.objectValue else { throw .serialization(member: name, expected: "a list of structures") }
            inputs.append(APIInput(members))
        }
        return inputs
    }

    public func structure(_ name: String) throws(APIError) -> APIInput? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let members = value.objectValue else { throw .serialization(member: name, expected: "a structure") }
        return APIInput(members)
    }

    /// A map of strings to strings.
    public func stringMap(_ name: String) throws(APIError) -> [String: String]? {
        guard let value = try structure(name) else { return nil }
        var map: [String: String] = [:]
        for (key, element) in value.members {
            guard let string = element.stringValue else { throw .serialization(member: name, expected: "a map of strings") }
            map[key] = string
        }
        return map
    }
}

/// The few regular expressions AWS's models put on names, checked without a regex engine.
public enum NamePattern: Sendable, CustomStringConvertible {
    /// New SSM document names: `^[a-zA-Z0-9_\-.]{3,128}$`.
    case documentName
    /// A document named by name or ARN: `^[a-zA-Z0-9_\-.:/]{3,128}$`.
    case documentReference
    /// EventBridge rule names: `[\.\-_A-Za-z0-9]+`.
    case ruleName
    /// EventBridge target ids: `[\.\-_A-Za-z0-9]+`.
    case targetId

    public var description: String {
        switch self {
        case .documentName: "^[a-zA-Z0-9_\\-.]{3,128}$"
        case .documentReference: "^[a-zA-Z0-9_\\-.:/]{3,128}$"
        case .ruleName, .targetId: "[\\.\\-_A-Za-z0-9]+"
        }
    }

    public func matches(_ value: String) -> Bool {
        value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
                return true
            case UInt8(ascii: ":"), UInt8(ascii: "/"):
                return self == .documentReference
            default:
                return false
            }
        }
    }
}
