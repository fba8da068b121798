import EventBus
import Foundation
import Parameters

/// SSM Parameter Store operations: PutParameter, GetParameter, GetParameters,
/// GetParametersByPath, GetParameterHistory, DescribeParameters, DeleteParameter,
/// DeleteParameters, LabelParameterVersion, UnlabelParameterVersion, and the tag operations
/// for `ResourceType: Parameter`. The semantics are `ParameterStore`'s; this turns members
/// into its requests and its answers into AWS's shapes, field for field.
struct ParameterOperations {
    let environment: APIEnvironment
    let store: ParameterStore

    func register(in table: inout OperationTable) {
        table.register(.ssm, "PutParameter") { call in try mapped { try put(call) } }
        table.register(.ssm, "GetParameter") { call in try mapped { try get(call.input) } }
        table.register(.ssm, "GetParameters") { call in try mapped { try getMany(call.input) } }
        table.register(.ssm, "GetParametersByPath") { call in try mapped { try byPath(call.input) } }
        table.register(.ssm, "GetParameterHistory") { call in try mapped { try history(call.input) } }
        table.register(.ssm, "DescribeParameters") { call in try mapped { try describe(call.input) } }
        table.register(.ssm, "DeleteParameter") { call in try mapped { try delete(call.input) } }
        table.register(.ssm, "DeleteParameters") { call in try mapped { try deleteMany(call.input) } }
        table.register(.ssm, "LabelParameterVersion") { call in try mapped { try label(call.input) } }
        table.register(.ssm, "UnlabelParameterVersion") { call in try mapped { try unlabel(call.input) } }
        table.register(.ssm, "AddTagsToResource") { call in try mapped { try addTags(call.input) } }
        table.register(.ssm, "ListTagsForResource") { call in try mapped { try listTags(call.input) } }
        table.register(.ssm, "RemoveTagsFromResource") { call in try mapped { try removeTags(call.input) } }
    }

    /// Domain errors become AWS errors here, once.
    func mapped(_ body: () throws -> [String: JSONValue]) throws -> [String: JSONValue] {
        do {
            return try body()
        } catch let error as ParameterError {
            throw APIError(error.code, error.message, status: error.isServerFault ? 500 : 400)
        }
    }

    /// Who wrote a version: the caller's IAM user ARN.
    func user(_ caller: Caller) -> String { "arn:aws:iam::\(environment.account):user/\(caller.name)" }

    // MARK: Writes

    func put(_ call: APICall) throws -> [String: JSONValue] {
        let input = call.input
        var request = PutParameterRequest(name: try input.string("Name", required: true, length: 1...2048)!,
                                          value: try input.requiredString("Value"))
        request.type = try input.string("Type").map(ParameterType.parse)
        request.description = try input.string("Description", required: false, length: 0...1024)
        request.keyId = try input.string("KeyId", required: false, length: 1...256)
        request.overwrite = try input.bool("Overwrite") ?? false
        request.allowedPattern = try input.string("AllowedPattern", required: false, length: 0...1024)
        request.tags = try Self.tags(input, member: "Tags")
        request.tier = try input.string("Tier").map(ParameterTier.parse)
        request.policies = try input.string("Policies", required: false, length: 1...4096)
        request.dataType = try input.string("DataType", required: false, length: 0...128)
        let (version, tier) = try store.put(request, user: user(call.caller), now: environment.clock.now())
        if request.policies != nil { environment.state.parameterPoliciesChanged() }
        return ["Version": .number(Double(version)), "Tier": .string(tier.rawValue)]
    }

    func delete(_ input: APIInput) throws -> [String: JSONValue] {
        try store.delete(try input.string("Name", required: true, length: 1...2048)!, now: environment.clock.now())
        return [:]
    }

    func deleteMany(_ input: APIInput) throws -> [String: JSONValue] {
        let names = try Self.names(input)
        let (deleted, invalid) = try store.delete(names: names, now: environment.clock.now())
        return ["DeletedParameters": .array(deleted.map(JSONValue.string)), "InvalidParameters": .array(invalid.map(JSONValue.string))]
    }

    func label(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try input.string("Name", required: true, length: 1...2048)!
        let version = try input.int("ParameterVersion")
        let labels = try input.stringList("Labels") ?? []
        let (invalid, labelled) = try store.label(name, version: version, labels: labels, now: environment.clock.now())
        return ["InvalidLabels": .array(invalid.map(JSONValue.string)), "ParameterVersion": .number(Double(labelled))]
    }

    func unlabel(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try input.string("Name", required: true, length: 1...2048)!
        guard let version = try input.int("ParameterVersion") else {
            throw APIError.validation(member: "ParameterVersion", value: nil, constraint: "Member must not be null")
        }
        guard let labels = try input.stringList("Labels") else {
            throw APIError.validation(member: "Labels", value: nil, constraint: "Member must not be null")
        }
        let (removed, invalid) = try store.unlabel(name, version: version, labels: labels, now: environment.clock.now())
        return ["RemovedLabels": .array(removed.map(JSONValue.string)), "InvalidLabels": .array(invalid.map(JSONValue.string))]
    }

    // MARK: Reads

    func get(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try input.string("Name", required: true, length: 1...2048)!
        let view = try store.get(name, decrypt: try input.bool("WithDecryption") ?? false)
        return ["Parameter": .object(Self.parameter(view))]
    }

    func getMany(_ input: APIInput) throws -> [String: JSONValue] {
        let names = try Self.names(input)
        let (found, invalid) = try store.get(names: names, decrypt: try input.bool("WithDecryption") ?? false)
        return ["Parameters": .array(found.map { .object(Self.parameter($0)) }), "InvalidParameters": .array(invalid.map(JSONValue.string))]
    }

    func byPath(_ input: APIInput) throws -> [String: JSONValue] {
        let path = try input.string("Path", required: true, length: 1...2048)!
        let limit = try input.int("MaxResults", range: 1...10) ?? 10
        let listing = "parameters-by-path"
        let after = try PageToken.read(try input.string("NextToken"), listing: listing, error: Self.invalidToken)
        let (views, next) = try store.byPath(path, recursive: try input.bool("Recursive") ?? false, filters: try Self.filters(input),
                                             decrypt: try input.bool("WithDecryption") ?? false, limit: limit, after: after)
        var output: [String: JSONValue] = ["Parameters": .array(views.map { .object(Self.parameter($0)) })]
        if let next { output["NextToken"] = .string(PageToken.make(after: next, listing: listing)) }
        return output
    }

    func history(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try input.string("Name", required: true, length: 1...2048)!
        let limit = try input.int("MaxResults", range: 1...50) ?? 50
        let listing = "parameter-history"
        let after = try PageToken.read(try input.string("NextToken"), listing: listing, error: Self.invalidToken).map { text throws(APIError) in
            guard let number = Int(text) else { throw Self.invalidToken }
            return number
        } ?? 0
        let (views, next) = try store.history(name, decrypt: try input.bool("WithDecryption") ?? false, limit: limit, after: after)
        var output: [String: JSONValue] = ["Parameters": .array(views.map { .object(Self.history($0)) })]
        if let next { output["NextToken"] = .string(PageToken.make(after: String(next), listing: listing)) }
        return output
    }

    func describe(_ input: APIInput) throws -> [String: JSONValue] {
        let limit = try input.int("MaxResults", range: 1...50) ?? 50
        let listing = "parameters"
        let after = try PageToken.read(try input.string("NextToken"), listing: listing, error: Self.invalidToken)
        var legacy: [ParameterFilter] = []
        for filter in try input.structures("Filters") ?? [] {
            legacy.append(ParameterFilter(key: try filter.requiredString("Key"), option: nil, values: try filter.stringList("Values") ?? []))
        }
        let (views, next) = try store.describe(filters: try Self.filters(input), legacy: legacy, limit: limit, after: after)
        var output: [String: JSONValue] = ["Parameters": .array(views.map { .object(Self.metadata($0)) })]
        if let next { output["NextToken"] = .string(PageToken.make(after: next, listing: listing)) }
        return output
    }

    // MARK: Tags

    func addTags(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try resource(input)
        guard let tags = try Self.tags(input, member: "Tags") else {
            throw APIError.validation(member: "Tags", value: nil, constraint: "Member must not be null")
        }
        try store.addTags(name, tags)
        return [:]
    }

    func listTags(_ input: APIInput) throws -> [String: JSONValue] {
        let tags = try store.tags(try resource(input))
        return ["TagList": .array(tags.map { ["Key": .string($0.key), "Value": .string($0.value)] })]
    }

    func removeTags(_ input: APIInput) throws -> [String: JSONValue] {
        let name = try resource(input)
        guard let keys = try input.stringList("TagKeys") else {
            throw APIError.validation(member: "TagKeys", value: nil, constraint: "Member must not be null")
        }
        try store.removeTags(name, keys: keys)
        return [:]
    }

    /// `ResourceType` and `ResourceId`: only parameters can be tagged here so far.
    func resource(_ input: APIInput) throws -> String {
        let type = try input.requiredString("ResourceType")
        let id = try input.requiredString("ResourceId")
        let types = ["Document", "ManagedInstance", "MaintenanceWindow", "Parameter", "PatchBaseline", "OpsItem", "OpsMetadata",
                     "Automation", "Association"]
        guard types.contains(type) else {
            throw APIError.validation(member: "ResourceType", value: type, constraint: "Member must satisfy enum value set: [\(types.joined(separator: ", "))]")
        }
        guard type == "Parameter" else {
            throw APIError("InvalidResourceType", "schedulerd tags resources of type Parameter only; \(type) resources cannot be tagged "
                           + "here (documents take their tags in CreateDocument).")
        }
        return id
    }

    // MARK: Shapes

    /// `Parameter`: Name, Type, Value, Version, Selector, LastModifiedDate, ARN, DataType.
    static func parameter(_ view: ParameterView) -> [String: JSONValue] {
        var shape: [String: JSONValue] = [
            "Name": .string(view.name), "Type": .string(view.type), "Value": .string(view.value),
            "Version": .number(Double(view.version)), "LastModifiedDate": .number(epoch(view.modified)),
            "ARN": .string(view.arn), "DataType": .string(view.dataType),
        ]
        if let selector = view.selector { shape["Selector"] = .string(selector) }
        return shape
    }

    /// `ParameterHistory`: no ARN; KeyId, LastModifiedUser, Description, AllowedPattern,
    /// Labels, Tier and Policies.
    static func history(_ view: ParameterView) -> [String: JSONValue] {
        var shape: [String: JSONValue] = [
            "Name": .string(view.name), "Type": .string(view.type), "Value": .string(view.value),
            "Version": .number(Double(view.version)), "LastModifiedDate": .number(epoch(view.modified)),
            "LastModifiedUser": .string(view.modifiedBy), "Labels": .array(view.labels.map(JSONValue.string)),
            "Tier": .string(view.tier), "Policies": policies(view), "DataType": .string(view.dataType),
        ]
        optional(view, into: &shape)
        return shape
    }

    /// `ParameterMetadata`: no Value.
    static func metadata(_ view: ParameterView) -> [String: JSONValue] {
        var shape: [String: JSONValue] = [
            "Name": .string(view.name), "ARN": .string(view.arn), "Type": .string(view.type),
            "Version": .number(Double(view.version)), "LastModifiedDate": .number(epoch(view.modified)),
            "LastModifiedUser": .string(view.modifiedBy), "Tier": .string(view.tier), "Policies": policies(view),
            "DataType": .string(view.dataType),
        ]
        optional(view, into: &shape)
        return shape
    }

    static func optional(_ view: ParameterView, into shape: inout [String: JSONValue]) {
        if let keyId = view.keyId { shape["KeyId"] = .string(keyId) }
        if let description = view.description { shape["Description"] = .string(description) }
        if let pattern = view.allowedPattern { shape["AllowedPattern"] = .string(pattern) }
    }

    static func policies(_ view: ParameterView) -> JSONValue {
        .array(view.policies.map { ["PolicyText": .string($0.text), "PolicyType": .string($0.type), "PolicyStatus": .string($0.status)] })
    }

    /// Epoch seconds with milliseconds, as AWS sends `LastModifiedDate`.
    static func epoch(_ date: Date) -> Double { (date.timeIntervalSince1970 * 1000).rounded() / 1000 }

    // MARK: Members

    static let invalidToken = APIError("InvalidNextToken", "The specified token is not valid.")

    /// `Names`: 1 to 10 names.
    static func names(_ input: APIInput) throws(APIError) -> [String] {
        guard let names = try input.stringList("Names") else {
            throw APIError.validation(member: "Names", value: nil, constraint: "Member must not be null")
        }
        if names.isEmpty { throw APIError.validation(member: "Names", value: "[]", constraint: "Member must have length greater than or equal to 1") }
        if names.count > 10 {
            throw APIError.validation(member: "Names", value: "[\(names.joined(separator: ", "))]", constraint: "Member must have length less than or equal to 10")
        }
        return names
    }

    static func tags(_ input: APIInput, member: String) throws(APIError) -> [ParameterTag]? {
        guard let list = try input.structures(member) else { return nil }
        var tags: [ParameterTag] = []
        for tag in list {
            tags.append(ParameterTag(key: try tag.requiredString("Key"), value: try tag.requiredString("Value")))
        }
        return tags
    }

    static func filters(_ input: APIInput) throws(APIError) -> [ParameterFilter] {
        var filters: [ParameterFilter] = []
        for filter in try input.structures("ParameterFilters") ?? [] {
            filters.append(ParameterFilter(key: try filter.requiredString("Key"), option: try filter.string("Option"),
                                           values: try filter.stringList("Values") ?? []))
        }
        return filters
    }
}
