import Foundation
import Store

extension ResourceSimulator {
    public func describeInstances(_ query: InstanceQuery, page: PageRequest) async throws -> Page<EC2Instance> {
        if let ids = query.ids { try Self.checkInstanceIds(ids) }
        let instances = try read(.ec2, query.action, resources: query.ids ?? []) { transaction -> [EC2Instance] in
            let records = try query.ids.map { try transaction.instances(ids: $0) } ?? transaction.allInstances()
            if let ids = query.ids {
                let found = Set(records.map(\.id))
                let missing = Self.unique(ids).filter { !found.contains($0) }
                if !missing.isEmpty { throw ResourceError.instanceNotFound(missing) }
            }
            let tags = Dictionary(grouping: try transaction.tags(type: "instance", ids: query.ids), by: \.resourceId)
            return records.map { Self.instance($0, tags: tags[$0.id] ?? []) }
        }
        let filters = try query.filters.map(InstanceFilter.init)
        let selected = instances.filter { instance in filters.allSatisfy { $0.matches(instance) } }.sorted { $0.id < $1.id }
        return try Self.page(selected, page, listing: "instances", key: \.id)
    }

    /// DescribeInstances' read (its faults, its catch-up, its NotFound) without building the
    /// descriptions and reading the tags: a fleet stopping asks it three times per instance.
    public func instanceStates(_ ids: [String]) async throws -> [String: InstanceStateName] {
        try Self.checkInstanceIds(ids)
        let records = try read(.ec2, InstanceQuery(ids: ids).action, resources: ids) { try $0.instances(ids: ids) }
        var states: [String: InstanceStateName] = [:]
        for record in records { states[record.id] = InstanceStateName(rawValue: record.state) ?? .pending }
        let missing = Self.unique(ids).filter { states[$0] == nil }
        if !missing.isEmpty { throw ResourceError.instanceNotFound(missing) }
        return states
    }

    public func runInstances(_ request: RunInstancesRequest) async throws -> [EC2Instance] {
        guard request.minCount >= 1 else {
            throw ResourceError.invalidParameterValue("Value (\(request.minCount)) for parameter minCount is invalid. Expected a positive integer.")
        }
        guard request.maxCount >= request.minCount else {
            throw ResourceError.invalidParameterValue("Value (\(request.maxCount)) for parameter maxCount is invalid. "
                                                      + "Expected a value no smaller than minCount (\(request.minCount)).")
        }
        guard request.maxCount <= 1_000 else {
            throw ResourceError("InstanceLimitExceeded", "You have requested more instances (\(request.maxCount)) than your current "
                                + "instance limit of 1000 allows for the specified instance type.")
        }
        if let zone = request.availabilityZone, !zones.contains(zone) {
            throw ResourceError.invalidParameterValue("Invalid availability zone: [\(zone)]")
        }
        try Self.checkTags(request.tags)
        let records = try mutate(.ec2, "RunInstances", resources: []) { context -> Result<[InstanceRecord], ResourceError> in
            if let token = request.clientToken {
                let earlier = try context.transaction.instances(clientToken: token)
                if !earlier.isEmpty { return .success(earlier) }
            }
            let zone = request.availabilityZone ?? zones[0]
            if try context.use(.insufficientCapacity, service: .ec2, resources: [], operation: nil) != nil {
                return .failure(.insufficientInstanceCapacity(type: request.instanceType, zone: zone, otherZones: zones.filter { $0 != zone }))
            }
            let reservation = Self.randomReservationId()
            var created: [InstanceRecord] = []
            for index in 0..<request.maxCount {
                let id = Self.randomInstanceId()
                var record = InstanceRecord(id: id, reservationId: reservation, imageId: request.imageId, instanceType: request.instanceType,
                                            availabilityZone: zone, privateIpAddress: Self.privateAddress(id), keyName: request.keyName,
                                            launchIndex: index, launchTime: context.now.timeIntervalSince1970, state: "pending",
                                            changedAt: context.now.timeIntervalSince1970, origin: "api", clientToken: request.clientToken)
                try context.transaction.insert(record)
                for tag in request.tags { try context.transaction.setTag(type: "instance", id: id, key: tag.key, value: tag.value) }
                try context.enter(&record, .pending, at: context.now, cause: "launch")
                created.append(record)
            }
            return .success(created)
        }
        let tags = try database.resourceRead { try $0.tags(type: "instance", ids: records.map(\.id)) }
        let byId = Dictionary(grouping: tags, by: \.resourceId)
        return records.map { Self.instance($0, tags: byId[$0.id] ?? []) }
    }

    public func startInstances(_ ids: [String]) async throws -> [InstanceStateChange] {
        try changeInstances(ids, action: "StartInstances", cause: "start") { instance throws(ResourceError) in
            switch InstanceStateName(rawValue: instance.state) {
            case .stopped?: return .pending
            case .pending?, .running?: return nil
            default: throw .incorrectInstanceState(instance.id, "started")
            }
        } capacity: { context, starting in
            guard let first = starting.first,
                  let fault = try context.use(.insufficientCapacity, service: .ec2, resources: starting.map(\.id), operation: nil)
            else { return nil }
            let instance = starting.first { $0.id == fault.resource } ?? first
            return .insufficientInstanceCapacity(type: instance.instanceType, zone: instance.availabilityZone,
                                                 otherZones: zones.filter { $0 != instance.availabilityZone })
        }
    }

    public func stopInstances(_ ids: [String], force: Bool) async throws -> [InstanceStateChange] {
        // A forced stop is never held by a hang fault, and ends a stop in progress (a hung one too).
        try changeInstances(ids, action: "StopInstances", cause: "stop", unhangable: force) { instance throws(ResourceError) in
            switch InstanceStateName(rawValue: instance.state) {
            case .running?: return .stopping
            case .stopping? where force: return .stopped
            case .stopping?, .stopped?: return nil
            default: throw .incorrectInstanceState(instance.id, "stopped")
            }
        }
    }

    public func terminateInstances(_ ids: [String]) async throws -> [InstanceStateChange] {
        try changeInstances(ids, action: "TerminateInstances", cause: "terminate") { instance throws(ResourceError) in
            switch InstanceStateName(rawValue: instance.state) {
            case .pending?, .running?, .stopping?, .stopped?: return .shuttingDown
            default: return nil
            }
        }
    }

    /// The shared shape of Start/Stop/TerminateInstances: every id must exist and every
    /// instance accept the action (`decide` gives the state it enters, nil to stay, or AWS's
    /// refusal), else nothing changes; then `capacity` may refuse the instances about to
    /// start; then each instance enters its new state.
    private func changeInstances(
        _ ids: [String], action: String, cause: String, unhangable: Bool = false,
        decide: (InstanceRecord) throws(ResourceError) -> InstanceStateName?,
        capacity: (inout WriteContext, [InstanceRecord]) throws -> ResourceError? = { _, _ in nil }
    ) throws -> [InstanceStateChange] {
        guard !ids.isEmpty else { throw ResourceError.missingParameter("InstanceId") }
        try Self.checkInstanceIds(ids)
        let ordered = Self.unique(ids)
        return try mutate(.ec2, action, resources: ids) { context -> Result<[InstanceStateChange], ResourceError> in
            let found = Dictionary(uniqueKeysWithValues: try context.transaction.instances(ids: ordered).map { ($0.id, $0) })
            let missing = ordered.filter { found[$0] == nil }
            if !missing.isEmpty { return .failure(.instanceNotFound(missing)) }
            var targets: [String: InstanceStateName] = [:]
            for id in ordered {
                do {
                    targets[id] = try decide(found[id]!)
                } catch let error as ResourceError {
                    return .failure(error)
                }
            }
            let starting = ordered.filter { targets[$0] == .pending }.compactMap { found[$0] }
            if let refusal = try capacity(&context, starting) { return .failure(refusal) }
            var results: [InstanceStateChange] = []
            for id in ordered {
                var instance = found[id]!
                let previous = InstanceStateName(rawValue: instance.state) ?? .pending
                if let target = targets[id] {
                    try context.enter(&instance, target, at: context.now, cause: cause, unhangable: unhangable)
                }
                results.append(InstanceStateChange(instanceId: id, previousState: previous, currentState: targets[id] ?? previous))
            }
            return .success(results)
        }
    }

    public func createTags(_ tags: [Tag], resources ids: [String]) async throws {
        guard !ids.isEmpty else { throw ResourceError.missingParameter("ResourceId") }
        guard !tags.isEmpty else { throw ResourceError.missingParameter("Tag") }
        for id in ids where !id.hasPrefix("i-") { throw ResourceError.invalidID(id) }
        try Self.checkInstanceIds(ids)
        try Self.checkTags(tags)
        try mutate(.ec2, "CreateTags", resources: ids) { context -> Result<Void, ResourceError> in
            let ordered = Self.unique(ids)
            let found = Set(try context.transaction.instances(ids: ordered).map(\.id))
            let missing = ordered.filter { !found.contains($0) }
            if !missing.isEmpty { return .failure(.instanceNotFound(missing)) }
            let existing = Dictionary(grouping: try context.transaction.tags(type: "instance", ids: ordered), by: \.resourceId)
            for id in ordered {
                let keys = Set((existing[id] ?? []).map(\.key)).union(tags.map(\.key))
                if keys.count > 50 { return .failure(ResourceError("TagLimitExceeded", "Tag limit exceeded")) }
            }
            for id in ordered {
                for tag in tags { try context.transaction.setTag(type: "instance", id: id, key: tag.key, value: tag.value) }
            }
            return .success(())
        }
    }

    public func deleteTags(_ tags: [TagSelector], resources ids: [String]) async throws {
        guard !ids.isEmpty else { throw ResourceError.missingParameter("ResourceId") }
        for id in ids where !id.hasPrefix("i-") { throw ResourceError.invalidID(id) }
        try Self.checkInstanceIds(ids)
        for tag in tags where tag.key.hasPrefix("aws:") {
            throw ResourceError.invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use")
        }
        try mutate(.ec2, "DeleteTags", resources: ids) { context -> Result<Void, ResourceError> in
            let ordered = Self.unique(ids)
            let found = Set(try context.transaction.instances(ids: ordered).map(\.id))
            let missing = ordered.filter { !found.contains($0) }
            if !missing.isEmpty { return .failure(.instanceNotFound(missing)) }
            for record in try context.transaction.tags(type: "instance", ids: ordered) {
                let remove = tags.isEmpty || tags.contains { $0.key == record.key && ($0.value == nil || $0.value == record.value) }
                if remove { try context.transaction.deleteTag(type: "instance", id: record.resourceId, key: record.key) }
            }
            return .success(())
        }
    }

    public func describeTags(_ filters: [ResourceFilter], page: PageRequest) async throws -> Page<ResourceTag> {
        let tags = try read(.ec2, "DescribeTags", resources: []) { transaction in
            for filter in filters where !["resource-id", "resource-type", "key", "value"].contains(filter.name) {
                throw ResourceError.invalidParameterValue("The filter '\(filter.name)' is invalid")
            }
            return try transaction.tags(type: "instance", ids: nil)
        }.map { ResourceTag(resourceId: $0.resourceId, resourceType: "instance", key: $0.key, value: $0.value) }
        let selected = tags.filter { tag in
            filters.allSatisfy { filter in
                let value: String
                switch filter.name {
                case "resource-id": value = tag.resourceId
                case "resource-type": value = tag.resourceType
                case "key": value = tag.key
                default: value = tag.value
                }
                return filter.values.contains { Wildcard.matches(value, pattern: $0) }
            }
        }.sorted { ($0.resourceId, $0.key) < ($1.resourceId, $1.key) }
        return try Self.page(selected, page, listing: "tags", key: { "\($0.resourceId)\u{1}\($0.key)" })
    }

    // MARK: - Checks and conversions

    /// `i-` and 8 or 17 lower-case hex digits (ASCII); anything else is `InvalidInstanceID.Malformed`.
    /// Read as bytes: every call of a fleet's stop checks its ids, and walking Characters cost
    /// two percent of that stop's CPU.
    static func checkInstanceIds(_ ids: [String]) throws {
        for id in ids {
            let bytes = id.utf8
            guard bytes.count == 10 || bytes.count == 19, bytes.starts(with: "i-".utf8),
                  bytes.dropFirst(2).allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw ResourceError.instanceIdMalformed(id)
            }
        }
    }

    /// EC2's tag limits: keys 1 to 128 characters, not starting `aws:`; values up to 256.
    static func checkTags(_ tags: [Tag]) throws {
        for tag in tags {
            if tag.key.isEmpty || tag.key.count > 128 {
                throw ResourceError.invalidParameterValue("Tag key must be between 1 and 128 characters: '\(tag.key)'")
            }
            if tag.key.hasPrefix("aws:") {
                throw ResourceError.invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use")
            }
            if tag.value.count > 256 {
                throw ResourceError.invalidParameterValue("Tag value for key '\(tag.key)' is longer than 256 characters")
            }
        }
    }

    static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    static func instance(_ record: InstanceRecord, tags: [ResourceTagRecord]) -> EC2Instance {
        let state = InstanceStateName(rawValue: record.state) ?? .pending
        var transition: ResourceTransition<InstanceStateName>?
        if let next = record.nextState {
            transition = ResourceTransition(to: InstanceStateName(rawValue: next), at: record.nextStateAt.map(Date.init(timeIntervalSince1970:)))
        }
        let reason = record.stateReasonCode.map { StateReason(code: $0, message: record.stateReasonMessage ?? $0) }
        return EC2Instance(id: record.id, reservationId: record.reservationId, imageId: record.imageId, instanceType: record.instanceType,
                           availabilityZone: record.availabilityZone, privateIpAddress: record.privateIpAddress, keyName: record.keyName,
                           launchIndex: record.launchIndex, launchTime: Date(timeIntervalSince1970: record.launchTime), state: state,
                           stateTransitionReason: record.stateTransitionReason,
                           stateReason: state == .stopped || state == .stopping || state == .shuttingDown || state == .terminated ? reason : nil,
                           tags: tags.sorted { $0.position < $1.position }.map { Tag($0.key, $0.value) },
                           clientToken: record.clientToken, transition: transition)
    }

    /// One page of `items` (sorted by `key`), after the item the token names.
    static func page<Item>(_ items: [Item], _ request: PageRequest, listing: String, key: (Item) -> String) throws -> Page<Item> {
        var rest = items[...]
        if let token = request.token {
            guard let after = PageToken.read(token, listing: listing) else { throw ResourceError.invalidPaginationToken(token) }
            rest = rest.drop { key($0) <= after }
        }
        guard let size = request.size, rest.count > size else { return Page(items: Array(rest), nextToken: nil) }
        let page = Array(rest.prefix(size))
        return Page(items: page, nextToken: PageToken.make(after: key(page[page.count - 1]), listing: listing))
    }
}

/// Opaque pagination tokens: the last key of the page with the listing's name, base64.
enum PageToken {
    static func make(after key: String, listing: String) -> String {
        Data("\(listing)\u{0}\(key)".utf8).base64EncodedString()
    }

    static func read(_ token: String, listing: String) -> String? {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
              let separator = text.firstIndex(of: "\u{0}"), text[..<separator] == listing else { return nil }
        return String(text[text.index(after: separator)...])
    }
}
