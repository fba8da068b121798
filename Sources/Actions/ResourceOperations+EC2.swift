import Foundation

/// EC2's operations: parameters under their wire names (the model's `locationName`,
/// capitalised: `InstanceId.N`, `Filter.N.Name`, `Filter.N.Value.M`, `TagSpecification.N.Tag.M.Key`)
/// and SDK names; answers with EC2's XML element names.
extension ResourceOperations {
    func describeInstances(_ input: OperationInput) async throws -> ModelValue {
        let ids = try input.strings("InstanceIds", wire: "InstanceId")
        let filters = try input.filters("Filters", wire: "Filter", valuesWire: "Value") ?? []
        let page = try ec2Page(input, ids: ids)
        try checkDryRun(input)
        let result = try await provider.describeInstances(InstanceQuery(ids: ids, filters: filters), page: page)
        // One reservation per RunInstances call (or configuration group), in the order met.
        var order: [String] = []
        var byReservation: [String: [EC2Instance]] = [:]
        for instance in result.items {
            if byReservation[instance.reservationId] == nil { order.append(instance.reservationId) }
            byReservation[instance.reservationId, default: []].append(instance)
        }
        var members = [ModelMember("Reservations", xml: "reservationSet", .list(order.map { reservation($0, byReservation[$0]!) }, item: "item"))]
        if let token = result.nextToken { members.append(ModelMember("NextToken", xml: "nextToken", .string(token))) }
        return .structure(members)
    }

    func describeInstanceStatus(_ input: OperationInput) async throws -> ModelValue {
        let ids = try input.strings("InstanceIds", wire: "InstanceId")
        let filters = try input.filters("Filters", wire: "Filter", valuesWire: "Value") ?? []
        let includeAll = try input.bool("IncludeAllInstances") ?? false
        let page = try ec2Page(input, ids: ids)
        try checkDryRun(input)
        let known = ["availability-zone", "instance-state-code", "instance-state-name", "instance-status.status", "system-status.status"]
        for filter in filters where !known.contains(filter.name) {
            throw ResourceError.invalidParameterValue("The filter '\(filter.name)' is invalid")
        }
        let instances = try await provider.describeInstances(InstanceQuery(ids: ids, filters: [], action: "DescribeInstanceStatus"), page: .all).items
        let statuses = instances.filter { includeAll || $0.state == .running }.filter { instance in
            let status = instance.state == .running ? "ok" : "not-applicable"
            return filters.allSatisfy { filter in
                let value = switch filter.name {
                case "availability-zone": instance.availabilityZone
                case "instance-state-code": String(instance.state.code)
                case "instance-state-name": instance.state.rawValue
                default: status
                }
                return filter.values.contains { Wildcard.matches(value, pattern: $0) }
            }
        }
        let paged = try ResourceSimulator.page(statuses, page, listing: "statuses", key: \.id)
        var members = [ModelMember("InstanceStatuses", xml: "instanceStatusSet", .list(paged.items.map(instanceStatus), item: "item"))]
        if let token = paged.nextToken { members.append(ModelMember("NextToken", xml: "nextToken", .string(token))) }
        return .structure(members)
    }

    func runInstances(_ input: OperationInput) async throws -> ModelValue {
        var request = RunInstancesRequest()
        request.imageId = try input.string("ImageId") ?? request.imageId
        request.instanceType = try input.string("InstanceType") ?? request.instanceType
        request.minCount = try input.int("MinCount") ?? { throw ResourceError.missingParameter("MinCount") }()
        request.maxCount = try input.int("MaxCount") ?? { throw ResourceError.missingParameter("MaxCount") }()
        request.availabilityZone = try input.structure("Placement")?.string("AvailabilityZone")
        request.keyName = try input.string("KeyName")
        request.clientToken = try input.string("ClientToken")
        for specification in try input.structures("TagSpecifications", wire: "TagSpecification") ?? [] {
            let type = try specification.string("ResourceType") ?? "instance"
            if type == "instance" { request.tags += try specification.tags("Tags", wire: "Tag") ?? [] }
        }
        try checkDryRun(input)
        let instances = try await provider.runInstances(request)
        guard let first = instances.first else { return .structure([]) }
        guard case .structure(let members) = reservation(first.reservationId, instances) else { return .structure([]) }
        return .structure(members)
    }

    /// Start/Stop/TerminateInstances: the same answer under a different member name.
    func changeInstances(_ input: OperationInput, member: String) async throws -> ModelValue {
        guard let ids = try input.strings("InstanceIds", wire: "InstanceId"), !ids.isEmpty else {
            throw ResourceError.missingParameter("InstanceId")
        }
        try checkDryRun(input)
        let changes: [InstanceStateChange]
        switch member {
        case "StartingInstances": changes = try await provider.startInstances(ids)
        case "StoppingInstances": changes = try await provider.stopInstances(ids, force: try input.bool("Force") ?? false)
        default: changes = try await provider.terminateInstances(ids)
        }
        let items: [ModelValue] = changes.map { change in
            .structure([
                ModelMember("InstanceId", xml: "instanceId", .string(change.instanceId)),
                ModelMember("CurrentState", xml: "currentState", Self.state(change.currentState)),
                ModelMember("PreviousState", xml: "previousState", Self.state(change.previousState)),
            ])
        }
        return .structure([ModelMember(member, xml: "instancesSet", .list(items, item: "item"))])
    }

    func createTags(_ input: OperationInput) async throws -> ModelValue {
        let ids = try input.strings("Resources", wire: "ResourceId") ?? []
        let tags = try input.tags("Tags", wire: "Tag") ?? []
        try checkDryRun(input)
        try await provider.createTags(tags, resources: ids)
        return .structure([ModelMember(nil, xml: "return", .boolean(true))])
    }

    func deleteTags(_ input: OperationInput) async throws -> ModelValue {
        let ids = try input.strings("Resources", wire: "ResourceId") ?? []
        let tags = try input.structures("Tags", wire: "Tag")?.map { TagSelector(key: try $0.requiredString("Key"), value: try $0.string("Value")) } ?? []
        try checkDryRun(input)
        try await provider.deleteTags(tags, resources: ids)
        return .structure([ModelMember(nil, xml: "return", .boolean(true))])
    }

    func describeTags(_ input: OperationInput) async throws -> ModelValue {
        let filters = try input.filters("Filters", wire: "Filter", valuesWire: "Value") ?? []
        let page = try ec2Page(input, ids: nil)
        try checkDryRun(input)
        let result = try await provider.describeTags(filters, page: page)
        let items: [ModelValue] = result.items.map { tag in
            .structure([
                ModelMember("Key", xml: "key", .string(tag.key)),
                ModelMember("ResourceId", xml: "resourceId", .string(tag.resourceId)),
                ModelMember("ResourceType", xml: "resourceType", .string(tag.resourceType)),
                ModelMember("Value", xml: "value", .string(tag.value)),
            ])
        }
        var members = [ModelMember("Tags", xml: "tagSet", .list(items, item: "item"))]
        if let token = result.nextToken { members.append(ModelMember("NextToken", xml: "nextToken", .string(token))) }
        return .structure(members)
    }

    // MARK: - Shapes

    func reservation(_ id: String, _ instances: [EC2Instance]) -> ModelValue {
        .structure([
            ModelMember("ReservationId", xml: "reservationId", .string(id)),
            ModelMember("OwnerId", xml: "ownerId", .string(account)),
            ModelMember("Groups", xml: "groupSet", .list([], item: "item")),
            ModelMember("Instances", xml: "instancesSet", .list(instances.map(Self.instance), item: "item")),
        ])
    }

    static func state(_ state: InstanceStateName) -> ModelValue {
        .structure([ModelMember("Code", xml: "code", .integer(state.code)), ModelMember("Name", xml: "name", .string(state.rawValue))])
    }

    /// An instance with the members DescribeInstances shows (those a simulator can give).
    static func instance(_ instance: EC2Instance) -> ModelValue {
        var members: [ModelMember] = [
            ModelMember("InstanceId", xml: "instanceId", .string(instance.id)),
            ModelMember("ImageId", xml: "imageId", .string(instance.imageId)),
            ModelMember("State", xml: "instanceState", state(instance.state)),
            ModelMember("PrivateDnsName", xml: "privateDnsName", .string(instance.state == .terminated ? "" : instance.privateDnsName)),
            ModelMember("PublicDnsName", xml: "dnsName", .string("")),
            ModelMember("StateTransitionReason", xml: "reason", .string(instance.stateTransitionReason)),
        ]
        if let key = instance.keyName { members.append(ModelMember("KeyName", xml: "keyName", .string(key))) }
        members += [
            ModelMember("AmiLaunchIndex", xml: "amiLaunchIndex", .integer(instance.launchIndex)),
            ModelMember("ProductCodes", xml: "productCodes", .list([], item: "item")),
            ModelMember("InstanceType", xml: "instanceType", .string(instance.instanceType)),
            ModelMember("LaunchTime", xml: "launchTime", .timestamp(instance.launchTime)),
            ModelMember("Placement", xml: "placement", .structure([
                ModelMember("AvailabilityZone", xml: "availabilityZone", .string(instance.availabilityZone)),
                ModelMember("GroupName", xml: "groupName", .string("")),
                ModelMember("Tenancy", xml: "tenancy", .string("default")),
            ])),
            ModelMember("Monitoring", xml: "monitoring", .structure([ModelMember("State", xml: "state", .string("disabled"))])),
        ]
        if instance.state != .terminated {
            members.append(ModelMember("PrivateIpAddress", xml: "privateIpAddress", .string(instance.privateIpAddress)))
        }
        if let reason = instance.stateReason {
            members.append(ModelMember("StateReason", xml: "stateReason", .structure([
                ModelMember("Code", xml: "code", .string(reason.code)), ModelMember("Message", xml: "message", .string(reason.message)),
            ])))
        }
        members += [
            ModelMember("Architecture", xml: "architecture", .string("x86_64")),
            ModelMember("RootDeviceType", xml: "rootDeviceType", .string("ebs")),
            ModelMember("RootDeviceName", xml: "rootDeviceName", .string("/dev/xvda")),
            ModelMember("VirtualizationType", xml: "virtualizationType", .string("hvm")),
        ]
        if let token = instance.clientToken { members.append(ModelMember("ClientToken", xml: "clientToken", .string(token))) }
        if !instance.tags.isEmpty {
            members.append(ModelMember("Tags", xml: "tagSet", .list(instance.tags.map(tag), item: "item")))
        }
        members += [
            ModelMember("SecurityGroups", xml: "groupSet", .list([], item: "item")),
            ModelMember("SourceDestCheck", xml: "sourceDestCheck", .boolean(true)),
            ModelMember("Hypervisor", xml: "hypervisor", .string("xen")),
            ModelMember("EbsOptimized", xml: "ebsOptimized", .boolean(false)),
            ModelMember("EnaSupport", xml: "enaSupport", .boolean(true)),
            ModelMember("PlatformDetails", xml: "platformDetails", .string("Linux/UNIX")),
            ModelMember("UsageOperation", xml: "usageOperation", .string("RunInstances")),
        ]
        return .structure(members)
    }

    static func tag(_ tag: Tag) -> ModelValue {
        .structure([ModelMember("Key", xml: "key", .string(tag.key)), ModelMember("Value", xml: "value", .string(tag.value))])
    }

    func instanceStatus(_ instance: EC2Instance) -> ModelValue {
        func summary(_ running: Bool) -> ModelValue {
            guard running else { return .structure([ModelMember("Status", xml: "status", .string("not-applicable"))]) }
            return .structure([
                ModelMember("Details", xml: "details", .list([.structure([
                    ModelMember("Name", xml: "name", .string("reachability")), ModelMember("Status", xml: "status", .string("passed")),
                ])], item: "item")),
                ModelMember("Status", xml: "status", .string("ok")),
            ])
        }
        let running = instance.state == .running
        return .structure([
            ModelMember("AvailabilityZone", xml: "availabilityZone", .string(instance.availabilityZone)),
            ModelMember("InstanceId", xml: "instanceId", .string(instance.id)),
            ModelMember("InstanceState", xml: "instanceState", Self.state(instance.state)),
            ModelMember("InstanceStatus", xml: "instanceStatus", summary(running)),
            ModelMember("SystemStatus", xml: "systemStatus", summary(running)),
        ])
    }

    // MARK: - Parameters

    /// `MaxResults` (5 to 1000, not with instance ids) and `NextToken`.
    func ec2Page(_ input: OperationInput, ids: [String]?) throws -> PageRequest {
        let size = try input.int("MaxResults")
        if let size {
            if ids?.isEmpty == false {
                throw ResourceError.invalidParameterCombination("The parameter instancesSet cannot be used with the parameter maxResults")
            }
            if size < 5 {
                throw ResourceError.invalidParameterValue("Value ( \(size) ) for parameter maxResults is invalid. Expecting a value greater than 5.")
            }
            if size > 1_000 {
                throw ResourceError.invalidParameterValue("Value ( \(size) ) for parameter maxResults is invalid. Expecting a value less than 1000.")
            }
        }
        return PageRequest(size: size, token: try input.string("NextToken"))
    }

    /// `DryRun=true`: the caller may call the action (it got this far), so EC2 answers
    /// `DryRunOperation` without doing it.
    func checkDryRun(_ input: OperationInput) throws {
        if try input.bool("DryRun") == true { throw ResourceError.dryRunOperation }
    }
}
