extension ConfigurationDecoder {
    static let fleetKeys = ["transitions", "ec2", "rds", "faults"]
    static let transitionKeys = ["ec2_start", "ec2_stop", "ec2_terminate", "rds_create", "rds_start", "rds_stop", "rds_delete",
                                 "rds_auto_start"]
    static let groupKeys = ["group", "count", "type", "image", "availability_zone", "state", "tags"]
    static let databaseKeys = ["identifier", "engine", "engine_version", "class", "storage", "availability_zone", "state", "tags"]
    static let faultKeys = ["kind", "service", "group", "instance", "database", "operation", "times", "probability"]
    static let engines = ["postgres", "mysql", "mariadb", "oracle-ee", "oracle-se2", "sqlserver-ex", "sqlserver-web",
                          "sqlserver-se", "sqlserver-ee"]
    static let faultKinds = ["insufficient-capacity", "throttle", "hang"]
    static let hangTransitions = ["start", "stop", "terminate", "launch"]

    func fleet(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> FleetConfiguration {
        let fields = try mapping(node, path: path, allowedKeys: Self.fleetKeys)
        var fleet = FleetConfiguration()
        if let node = fields["transitions"] {
            fleet.transitions = try transitions(node, path: fields.path("transitions"))
        }
        if let node = fields["ec2"] {
            let listPath = fields.path("ec2")
            var firstUse: [String: Int] = [:]
            for (index, item) in try list(node, path: listPath).enumerated() {
                let itemPath = DocumentPath.index(listPath, index)
                let group = try instanceGroup(item, path: itemPath)
                if let line = firstUse[group.name] {
                    throw error(.duplicate, "the group '\(group.name)' is already declared at line \(line); group names must be "
                                + "unique (they name the instances' ids)", at: item["group"] ?? item, path: DocumentPath.key(itemPath, "group"))
                }
                firstUse[group.name] = (item["group"] ?? item).line
                fleet.instanceGroups.append(group)
            }
        }
        if let node = fields["rds"] {
            let listPath = fields.path("rds")
            var firstUse: [String: Int] = [:]
            for (index, item) in try list(node, path: listPath).enumerated() {
                let itemPath = DocumentPath.index(listPath, index)
                let database = try database(item, path: itemPath)
                if let line = firstUse[database.identifier] {
                    throw error(.duplicate, "the identifier '\(database.identifier)' is already declared at line \(line) "
                                + "(identifiers are not case-sensitive)", at: item["identifier"] ?? item,
                                path: DocumentPath.key(itemPath, "identifier"))
                }
                firstUse[database.identifier] = (item["identifier"] ?? item).line
                fleet.databases.append(database)
            }
        }
        if let node = fields["faults"] {
            let listPath = fields.path("faults")
            for (index, item) in try list(node, path: listPath).enumerated() {
                fleet.faults.append(try fault(item, path: DocumentPath.index(listPath, index), groups: fleet.instanceGroups.map(\.name)))
            }
        }
        return fleet
    }

    private func transitions(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> FleetConfiguration.Transitions {
        let fields = try mapping(node, path: path, allowedKeys: Self.transitionKeys)
        var transitions = FleetConfiguration.Transitions()
        func read(_ key: String) throws(ConfigurationError) -> Duration? {
            guard let node = fields[key] else { return nil }
            return try duration(node, path: fields.path(key), allowZero: key != "rds_auto_start")
        }
        transitions.ec2Start = try read("ec2_start")
        transitions.ec2Stop = try read("ec2_stop")
        transitions.ec2Terminate = try read("ec2_terminate")
        transitions.rdsCreate = try read("rds_create")
        transitions.rdsStart = try read("rds_start")
        transitions.rdsStop = try read("rds_stop")
        transitions.rdsDelete = try read("rds_delete")
        transitions.rdsAutoStart = try read("rds_auto_start")
        return transitions
    }

    private func instanceGroup(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> FleetConfiguration.InstanceGroup {
        let fields = try mapping(node, path: path, allowedKeys: Self.groupKeys)
        guard let nameNode = fields["group"] else {
            throw error(.missingKey, "an ec2 entry needs a group name (it names the instances' ids, so keep it stable)",
                        at: node, path: fields.path("group"))
        }
        let name = try text(nameNode, path: fields.path("group"))
        guard (1...64).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw error(.invalidValue, "a group name is 1 to 64 letters, digits, '.', '-' and '_', not '\(name)'",
                        at: nameNode, path: fields.path("group"))
        }
        guard let countNode = fields["count"] else {
            throw error(.missingKey, "an ec2 group needs a count (how many instances)", at: node, path: fields.path("count"))
        }
        let count = try integer(countNode, path: fields.path("count"), in: 1...10_000)
        var instanceType = "t3.micro"
        if let node = fields["type"] {
            instanceType = try text(node, path: fields.path("type"))
            let parts = instanceType.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") } }) else {
                throw error(.invalidValue, "'\(instanceType)' is not an instance type such as t3.micro", at: node, path: fields.path("type"))
            }
        }
        var imageId: String?
        if let node = fields["image"] {
            let image = try text(node, path: fields.path("image"))
            guard image.hasPrefix("ami-"), image.count > 4 else {
                throw error(.invalidValue, "'\(image)' is not an image id such as ami-0abcdef1234567890", at: node, path: fields.path("image"))
            }
            imageId = image
        }
        let zone = try fields["availability_zone"].map { node throws(ConfigurationError) in
            try nonEmptyText(node, path: fields.path("availability_zone"))
        }
        let state = try choice(fields, "state", ["running", "stopped"], default: "running")
        let tags = try tags(fields)
        return FleetConfiguration.InstanceGroup(name: name, count: count, instanceType: instanceType, imageId: imageId,
                                                availabilityZone: zone, state: state, tags: tags)
    }

    private func database(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> FleetConfiguration.Database {
        let fields = try mapping(node, path: path, allowedKeys: Self.databaseKeys)
        guard let identifierNode = fields["identifier"] else {
            throw error(.missingKey, "an rds entry needs an identifier", at: node, path: fields.path("identifier"))
        }
        let identifier = try text(identifierNode, path: fields.path("identifier")).lowercased()
        let valid = (1...63).contains(identifier.count) && identifier.first!.isASCII && identifier.first!.isLetter
            && identifier.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && !identifier.hasSuffix("-") && !identifier.contains("--")
        guard valid else {
            throw error(.invalidValue, "'\(identifier)' is not a DB instance identifier: 1 to 63 letters, digits and hyphens, "
                        + "starting with a letter, without two hyphens in a row or one at the end",
                        at: identifierNode, path: fields.path("identifier"))
        }
        let engine = try choice(fields, "engine", Self.engines, default: "postgres")
        let engineVersion = try fields["engine_version"].map { node throws(ConfigurationError) in
            try nonEmptyText(node, path: fields.path("engine_version"))
        }
        var instanceClass = "db.t3.micro"
        if let node = fields["class"] {
            instanceClass = try text(node, path: fields.path("class"))
            guard instanceClass.hasPrefix("db."), instanceClass.count > 3 else {
                throw error(.invalidValue, "'\(instanceClass)' is not a DB instance class such as db.t3.micro", at: node, path: fields.path("class"))
            }
        }
        let storage = try fields["storage"].map { node throws(ConfigurationError) in
            try integer(node, path: fields.path("storage"), in: 20...65_536)
        }
        let zone = try fields["availability_zone"].map { node throws(ConfigurationError) in
            try nonEmptyText(node, path: fields.path("availability_zone"))
        }
        let state = try choice(fields, "state", ["available", "stopped"], default: "available")
        return FleetConfiguration.Database(identifier: identifier, engine: engine, engineVersion: engineVersion, instanceClass: instanceClass,
                                           allocatedStorage: storage, availabilityZone: zone, state: state, tags: try tags(fields))
    }

    private func fault(_ node: ConfigurationNode, path: String, groups: [String]) throws(ConfigurationError) -> FleetConfiguration.Fault {
        let fields = try mapping(node, path: path, allowedKeys: Self.faultKeys)
        guard fields["kind"] != nil else {
            throw error(.missingKey, "a fault needs a kind: \(Self.faultKinds.joined(separator: ", "))", at: node, path: fields.path("kind"))
        }
        let kind = try choice(fields, "kind", Self.faultKinds, default: "")
        let targets = fields.entries.filter { ["group", "instance", "database"].contains($0.key) && !$0.value.isNull }
        if targets.count > 1 {
            throw error(.conflict, "a fault is aimed at one group, instance or database (or, with none of them, at the whole fleet); "
                        + "this one names '\(targets[0].key)' and '\(targets[1].key)'", path: fields.path(targets[1].key),
                        line: targets[1].line, column: targets[1].column)
        }
        var service: String?
        if fields["service"] != nil { service = try choice(fields, "service", ["ec2", "rds"], default: "") }
        var target = FleetConfiguration.Fault.Target.fleet(service: service)
        if let entry = targets.first {
            let value = try text(entry.value, path: fields.path(entry.key))
            switch entry.key {
            case "group":
                guard groups.contains(value) else {
                    throw error(.invalidValue, "no ec2 group is named '\(value)'"
                                + (groups.isEmpty ? "" : "; the groups are \(groups.joined(separator: ", "))"),
                                at: entry.value, path: fields.path("group"))
                }
                target = .group(value)
            case "instance":
                let digits = value.dropFirst(2)
                guard value.hasPrefix("i-"), digits.count == 8 || digits.count == 17, digits.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                    throw error(.invalidValue, "'\(value)' is not an instance id (i- and 17 hex digits)", at: entry.value, path: fields.path("instance"))
                }
                target = .instance(value)
            default:
                target = .database(value.lowercased())
            }
            if let service, (entry.key == "database") != (service == "rds") {
                throw error(.conflict, "service: \(service) does not fit a fault aimed at \(entry.key == "database" ? "a database" : "instances")",
                            at: fields["service"]!, path: fields.path("service"))
            }
        }
        var operation: String?
        if let node = fields["operation"] {
            let text = try nonEmptyText(node, path: fields.path("operation"))
            switch kind {
            case "hang":
                guard Self.hangTransitions.contains(text) else {
                    throw error(.invalidValue, "a hang fault holds one transition: \(Self.hangTransitions.joined(separator: ", ")), not '\(text)'",
                                at: node, path: fields.path("operation"))
                }
            case "throttle":
                guard text.allSatisfy({ $0.isASCII && $0.isLetter }), text.first?.isUppercase == true else {
                    throw error(.invalidValue, "'\(text)' is not an action name such as StopInstances", at: node, path: fields.path("operation"))
                }
            default:
                throw error(.conflict, "an insufficient-capacity fault applies to starts and launches; it takes no operation",
                            at: node, path: fields.path("operation"))
            }
            operation = text
        }
        let times = try fields["times"].map { node throws(ConfigurationError) in try integer(node, path: fields.path("times"), in: 1...1_000_000) }
        var probability: Double?
        if let node = fields["probability"] {
            guard kind == "throttle" else {
                throw error(.conflict, "probability applies to throttle faults only", at: node, path: fields.path("probability"))
            }
            guard case .scalar(let text, let scalarKind) = node.content, scalarKind == .float || scalarKind == .integer,
                  let value = Double(text), value > 0, value <= 1 else {
                throw error(.invalidValue, "probability is a number above 0 and at most 1, like 0.25", at: node, path: fields.path("probability"))
            }
            probability = value
        }
        return FleetConfiguration.Fault(kind: kind, target: target, operation: operation, times: times, probability: probability)
    }

    /// `tags`: a mapping of keys to values (scalars), in order; EC2's limits apply.
    private func tags(_ fields: Fields) throws(ConfigurationError) -> [TagConfiguration] {
        guard let node = fields["tags"] else { return [] }
        let path = fields.path("tags")
        guard let entries = node.entries else {
            throw error(.wrongType, "expected a mapping of tag keys to values, like {Schedule: office-hours}; found \(node.shapeName)",
                        at: node, path: path)
        }
        var tags: [TagConfiguration] = []
        for entry in entries {
            let entryPath = DocumentPath.key(path, entry.key)
            if entry.key.isEmpty || entry.key.count > 128 || entry.key.hasPrefix("aws:") {
                throw error(.invalidValue, "a tag key is 1 to 128 characters and does not start with 'aws:'",
                            path: entryPath, line: entry.line, column: entry.column)
            }
            let value = entry.value.isNull ? "" : try text(entry.value, path: entryPath)
            guard value.count <= 256 else {
                throw error(.invalidValue, "a tag value is at most 256 characters", at: entry.value, path: entryPath)
            }
            tags.append(TagConfiguration(key: entry.key, value: value))
        }
        return tags
    }

    /// A key whose text must be one of `choices`.
    private func choice(_ fields: Fields, _ key: String, _ choices: [String], default value: String) throws(ConfigurationError) -> String {
        guard let node = fields[key] else { return value }
        let text = try text(node, path: fields.path(key))
        guard choices.contains(text) else {
            throw error(.invalidValue, "'\(text)' is not one of \(choices.joined(separator: ", "))", at: node, path: fields.path(key))
        }
        return text
    }
}
