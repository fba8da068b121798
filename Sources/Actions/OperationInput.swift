public import EventBus

/// The parameters of one EC2 or RDS call, from either side:
///
/// - the Query protocols' form (`InstanceId.1=i-…&Filter.1.Name=tag:Env&Filter.1.Value.1=prod`
///   for EC2; `Filters.Filter.1.Values.Value.1=…` or `TagKeys.member.1=…` for RDS), members
///   under their wire names;
/// - SDK-shaped JSON (`{"InstanceIds": ["i-…"], "Filters": [{"Name": "tag:Env", "Values": ["prod"]}]}`),
///   as `aws:executeAwsApi` passes its inputs.
///
/// An operation reads each member with both names (`strings("InstanceIds", wire: "InstanceId")`),
/// so one implementation serves both. Wrong types are `InvalidParameterValue`, as the
/// services report them.
public struct OperationInput: Sendable {
    private enum Storage: Sendable {
        case form(FormNode)
        case json([String: JSONValue])
    }

    private let storage: Storage

    /// Form parameters (already percent-decoded), in any order. `Action` and `Version` may be
    /// among them; they are not members.
    public static func form(_ parameters: [(name: String, value: String)]) -> OperationInput {
        var root = FormNode()
        for (name, value) in parameters {
            root.insert(path: name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)[...], value: value)
        }
        return OperationInput(storage: .form(root))
    }

    /// SDK-shaped JSON; anything but an object reads as no members.
    public static func json(_ value: JSONValue) -> OperationInput {
        OperationInput(storage: .json(value.objectValue ?? [:]))
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// A string member (numbers and booleans in JSON are taken as their text).
    public func string(_ name: String, wire: String? = nil) throws -> String? {
        switch storage {
        case .form(let node):
            return node.children[wire ?? name]?.value
        case .json(let members):
            guard let value = members[name], !value.isNull else { return nil }
            if let text = value.stringValue { return text }
            if let number = value.numberValue { return number == number.rounded() ? String(Int(number)) : String(number) }
            if let flag = value.boolValue { return String(flag) }
            throw ResourceError.invalidParameterValue("Invalid value for parameter \(name): expected a string")
        }
    }

    /// A required string member: `MissingParameter` when absent.
    public func requiredString(_ name: String, wire: String? = nil) throws -> String {
        guard let value = try string(name, wire: wire) else { throw ResourceError.missingParameter(wire ?? name) }
        return value
    }

    /// An integer member.
    public func int(_ name: String, wire: String? = nil) throws -> Int? {
        switch storage {
        case .json(let members):
            if let number = members[name]?.numberValue {
                guard number == number.rounded(), abs(number) < 9e15 else {
                    throw ResourceError.invalidParameterValue("Invalid value '\(number)' for \(name): expected an integer")
                }
                return Int(number)
            }
            fallthrough
        case .form:
            guard let text = try string(name, wire: wire) else { return nil }
            guard let value = Int(text) else {
                throw ResourceError.invalidParameterValue("Invalid value '\(text)' for \(wire ?? name): expected an integer")
            }
            return value
        }
    }

    /// A Boolean member (`true`/`false`).
    public func bool(_ name: String, wire: String? = nil) throws -> Bool? {
        if case .json(let members) = storage, let flag = members[name]?.boolValue { return flag }
        guard let text = try string(name, wire: wire) else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw ResourceError.invalidParameterValue("Invalid value '\(text)' for \(wire ?? name): expected true or false")
        }
    }

    /// A list of strings.
    public func strings(_ name: String, wire: String? = nil) throws -> [String]? {
        switch storage {
        case .form(let node):
            return node.children[wire ?? name]?.listItems?.compactMap(\.value)
        case .json(let members):
            guard let value = members[name], !value.isNull else { return nil }
            guard let items = value.arrayValue else {
                if let single = value.stringValue { return [single] }
                throw ResourceError.invalidParameterValue("Invalid value for parameter \(name): expected a list of strings")
            }
            return try items.map { item in
                if let text = item.stringValue { return text }
                if let number = item.numberValue { return String(Int(number)) }
                throw ResourceError.invalidParameterValue("Invalid value for parameter \(name): expected a list of strings")
            }
        }
    }

    /// A list of structures, each read as its own input.
    public func structures(_ name: String, wire: String? = nil) throws -> [OperationInput]? {
        switch storage {
        case .form(let node):
            return node.children[wire ?? name]?.listItems?.map { OperationInput(storage: .form($0)) }
        case .json(let members):
            guard let value = members[name], !value.isNull else { return nil }
            guard let items = value.arrayValue else {
                throw ResourceError.invalidParameterValue("Invalid value for parameter \(name): expected a list of structures")
            }
            return try items.map { item in
                guard let object = item.objectValue else {
                    throw ResourceError.invalidParameterValue("Invalid value for parameter \(name): expected a list of structures")
                }
                return OperationInput(storage: .json(object))
            }
        }
    }

    /// A structure member.
    public func structure(_ name: String, wire: String? = nil) throws -> OperationInput? {
        switch storage {
        case .form(let node):
            return node.children[wire ?? name].map { OperationInput(storage: .form($0)) }
        case .json(let members):
            guard let value = members[name], !value.isNull else { return nil }
            guard let object = value.objectValue else {
                throw ResourceError.invalidParameterValue("Invalid value for parameter \(name): expected a structure")
            }
            return OperationInput(storage: .json(object))
        }
    }

    /// Tags as both services take them: a list of `{Key, Value}` (a missing value is "").
    public func tags(_ name: String, wire: String? = nil) throws -> [Tag]? {
        try structures(name, wire: wire)?.map { item in
            Tag(try item.requiredString("Key"), try item.string("Value") ?? "")
        }
    }

    /// Filters as both services take them: `{Name, Values}` (EC2 names the values `Value.N`
    /// on the wire, RDS `Values.Value.N`).
    public func filters(_ name: String, wire: String? = nil, valuesWire: String) throws -> [ResourceFilter]? {
        try structures(name, wire: wire)?.map { item in
            ResourceFilter(try item.requiredString("Name"), try item.strings("Values", wire: valuesWire) ?? [])
        }
    }
}

/// The form's parameters as a tree: `Filter.1.Value.2` is `Filter` → `1` → `Value` → `2`.
struct FormNode: Sendable {
    var value: String?
    var children: [String: FormNode] = [:]

    mutating func insert(path: ArraySlice<String>, value: String) {
        guard let head = path.first else {
            self.value = value
            return
        }
        children[head, default: FormNode()].insert(path: path.dropFirst(), value: value)
    }

    /// The items of a list, in index order: `Name.1`, `Name.2` (EC2), or one level down
    /// under `member` or the member's own name (`Name.member.1`, `Filters.Filter.1`) for the
    /// AWS Query protocol.
    var listItems: [FormNode]? {
        if let items = numbered { return items }
        if children.count == 1, let inner = children.first?.value.numbered { return inner }
        return nil
    }

    private var numbered: [FormNode]? {
        let indexed = children.compactMap { key, node in Int(key).map { ($0, node) } }
        guard !indexed.isEmpty, indexed.count == children.count else { return nil }
        return indexed.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
