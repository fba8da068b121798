public import Store

/// One `ParameterFilters` entry (`Key`, `Option`, `Values`), or one legacy `Filters` entry.
public struct ParameterFilter: Sendable, Equatable {
    public let key: String
    public let option: String?
    public let values: [String]

    public init(key: String, option: String?, values: [String]) {
        self.key = key
        self.option = option
        self.values = values
    }
}

/// Filters checked as AWS checks them and applied to parameters: DescribeParameters takes
/// `Name` (Equals, BeginsWith, Contains), `Type`, `KeyId`, `Tier`, `DataType` (Equals,
/// BeginsWith), `Path` (OneLevel, Recursive) and `tag:KEY` (values optional: the tag exists);
/// GetParametersByPath takes `Type`, `KeyId` and `Label` (Equals only).
public struct ParameterFilterSet: Sendable {
    public enum Operation: Sendable { case describe, byPath }

    private var filters: [ParameterFilter] = []
    /// The `Label` filter's values, when there is one.
    public private(set) var labels: Set<String>?

    public init(_ filters: [ParameterFilter], for operation: Operation) throws(ParameterError) {
        var seen = Set<String>()
        for filter in filters {
            try Self.checkKey(filter.key)
            let isTag = filter.key.hasPrefix("tag:")
            switch operation {
            case .describe where filter.key == "Label":
                throw ParameterError("InvalidFilterKey", "The following filter key is not valid: Label. Valid filter keys include: [Path, Name, Type, KeyId, Tier, DataType, tag:KEY].")
            case .byPath where !["Type", "KeyId", "Label"].contains(filter.key):
                throw ParameterError("InvalidFilterKey", "The following filter key is not valid: \(filter.key). Valid filter keys include: [Type, KeyId, Label].")
            default: break
            }
            guard seen.insert(filter.key).inserted else {
                throw ParameterError("InvalidFilterKey", "The following filter is duplicated in the request: \(filter.key). A request can contain only one occurrence of a specific filter.")
            }
            if filter.values.isEmpty, !isTag {
                throw ParameterError("InvalidFilterValue", "The following filter values are missing : null for filter key \(filter.key).")
            }
            if filter.values.count > 50 {
                throw ParameterError.validation(member: "ParameterFilters.Values", value: nil, constraint: "Member must have length less than or equal to 50")
            }
            for value in filter.values where value.isEmpty || value.count > 1024 {
                throw ParameterError.validation(member: "ParameterFilters.Values", value: value,
                                                constraint: "[Member must have length less than or equal to 1024, Member must have length greater than or equal to 1]")
            }
            let option = filter.option ?? (filter.key == "Path" ? "OneLevel" : "Equals")
            let options: [String] = switch filter.key {
            case "Path": ["Recursive", "OneLevel"]
            case "Name": ["BeginsWith", "Equals", "Contains"]
            case "Label": ["Equals"]
            default: ["BeginsWith", "Equals"]
            }
            guard options.contains(option) else {
                throw ParameterError("InvalidFilterOption", "The following filter option is not valid: \(option). Valid options include: [\(options.joined(separator: ", "))].")
            }
            try Self.checkValues(filter)
            if filter.key == "Label" { labels = Set(filter.values) }
            self.filters.append(ParameterFilter(key: filter.key, option: option, values: filter.values))
        }
    }

    /// The deprecated `Filters` (`Name` prefix, `Type`, `KeyId`).
    public init(legacy: [ParameterFilter]) throws(ParameterError) {
        for filter in legacy {
            guard ["Name", "Type", "KeyId"].contains(filter.key) else {
                throw ParameterError.validation(member: "Filters.Key", value: filter.key, constraint: "Member must satisfy enum value set: [Name, Type, KeyId]")
            }
            if filter.values.isEmpty {
                throw ParameterError.validation(member: "Filters.Values", value: "[]", constraint: "Member must have length greater than or equal to 1")
            }
            try Self.checkValues(filter)
            filters.append(ParameterFilter(key: filter.key, option: filter.key == "Name" ? "BeginsWith" : "Equals", values: filter.values))
        }
    }

    static func checkKey(_ key: String) throws(ParameterError) {
        let known = ["Name", "Type", "KeyId", "Path", "Label", "Tier", "DataType"]
        guard known.contains(key) || (key.hasPrefix("tag:") && key.count > 4), key.count <= 132 else {
            throw ParameterError.validation(member: "ParameterFilters.Key", value: key,
                                            constraint: "Member must satisfy regular expression pattern: tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType")
        }
    }

    static func checkValues(_ filter: ParameterFilter) throws(ParameterError) {
        let allowed: [String]? = switch filter.key {
        case "Type": ParameterType.allCases.map(\.rawValue)
        case "Tier": ParameterTier.allCases.map(\.rawValue)
        default: nil
        }
        if let allowed, let bad = filter.values.first(where: { !allowed.contains($0) }), filter.option != "BeginsWith" {
            throw ParameterError("InvalidFilterValue", "The following filter value is not valid: \(bad). Valid values include: [\(allowed.joined(separator: ", "))].")
        }
        if filter.key == "Path" {
            for value in filter.values { _ = try ParameterName.validatedPath(value) }
        }
    }

    /// Whether a parameter's version passes every filter (`Label` is applied by the caller,
    /// which picks the labelled version). `tags` is asked only when a tag filter needs it.
    public func admits(_ record: ParameterVersionRecord, name: String, tags: () throws -> [ParameterTag]) rethrows -> Bool {
        for filter in filters {
            let option = filter.option ?? "Equals"
            switch filter.key {
            case "Label":
                continue
            case "Name":
                let slashed = ParameterName.slashed(name)
                let matched = filter.values.contains { value in
                    switch option {
                    case "Contains": name.contains(value)
                    case "BeginsWith": slashed.hasPrefix(ParameterName.slashed(value))
                    default: slashed == ParameterName.slashed(value)
                    }
                }
                if !matched { return false }
            case "Path":
                let recursive = option == "Recursive"
                let matched = filter.values.contains { value in
                    guard let path = try? ParameterName.validatedPath(value) else { return false }
                    return ParameterName.name(name, isUnder: path, recursive: recursive)
                }
                if !matched { return false }
            case let key where key.hasPrefix("tag:"):
                let tagKey = String(key.dropFirst(4))
                let values = try tags().filter { $0.key == tagKey }.map(\.value)
                if values.isEmpty { return false }
                if !filter.values.isEmpty, !Self.matches(values, filter.values, option: option) { return false }
            default:
                let field: String? = switch filter.key {
                case "Type": record.type
                case "KeyId": record.keyId
                case "Tier": record.tier
                case "DataType": record.dataType
                default: nil
                }
                guard let field, Self.matches([field], filter.values, option: option) else { return false }
            }
        }
        return true
    }

    static func matches(_ fields: [String], _ values: [String], option: String) -> Bool {
        fields.contains { field in values.contains { option == "BeginsWith" ? field.hasPrefix($0) : field == $0 } }
    }
}
