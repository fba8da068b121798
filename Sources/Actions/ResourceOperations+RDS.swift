import Foundation

/// RDS's operations: parameters as the AWS Query protocol names them (`Filters.Filter.N.Name`,
/// `Filters.Filter.N.Values.Value.M`, `Tags.Tag.N.Key`, `TagKeys.member.N`) and answers with
/// RDS's element names (the SDK's, lists of `DBInstance`, `Tag` …).
extension ResourceOperations {
    func describeDBInstances(_ input: OperationInput) async throws -> ModelValue {
        let identifier = try input.string("DBInstanceIdentifier")
        let filters = try input.filters("Filters", valuesWire: "Values") ?? []
        let size = try input.int("MaxRecords")
        if let size, !(20...100).contains(size) {
            throw ResourceError.invalidParameterValue("Invalid value \(size) for MaxRecords. Must be between 20 and 100")
        }
        let result = try await provider.describeDBInstances(DBInstanceQuery(identifier: identifier, filters: filters),
                                                            page: PageRequest(size: size ?? 100, token: try input.string("Marker")))
        var members = [ModelMember("DBInstances", .list(result.items.map(dbInstance), item: "DBInstance"))]
        if let marker = result.nextToken { members.append(ModelMember("Marker", .string(marker))) }
        return .structure(members)
    }

    func createDBInstance(_ input: OperationInput) async throws -> ModelValue {
        var request = CreateDBInstanceRequest(identifier: try input.requiredString("DBInstanceIdentifier"),
                                              instanceClass: try input.requiredString("DBInstanceClass"),
                                              engine: try input.requiredString("Engine"))
        request.engineVersion = try input.string("EngineVersion")
        request.allocatedStorage = try input.int("AllocatedStorage")
        request.masterUsername = try input.string("MasterUsername")
        request.dbName = try input.string("DBName")
        request.availabilityZone = try input.string("AvailabilityZone")
        request.port = try input.int("Port")
        request.tags = try input.tags("Tags") ?? []
        return wrapped(try await provider.createDBInstance(request))
    }

    func deleteDBInstance(_ input: OperationInput) async throws -> ModelValue {
        wrapped(try await provider.deleteDBInstance(try input.requiredString("DBInstanceIdentifier"),
                                                    skipFinalSnapshot: try input.bool("SkipFinalSnapshot") ?? false,
                                                    finalSnapshotIdentifier: try input.string("FinalDBSnapshotIdentifier")))
    }

    func startDBInstance(_ input: OperationInput) async throws -> ModelValue {
        wrapped(try await provider.startDBInstance(try input.requiredString("DBInstanceIdentifier")))
    }

    func stopDBInstance(_ input: OperationInput) async throws -> ModelValue {
        wrapped(try await provider.stopDBInstance(try input.requiredString("DBInstanceIdentifier")))
    }

    func addTagsToResource(_ input: OperationInput) async throws -> ModelValue {
        let name = try input.requiredString("ResourceName")
        guard let tags = try input.tags("Tags") else { throw ResourceError.missingParameter("Tags") }
        try await provider.addTags(tags, toDBInstance: try dbReference(name))
        return .structure([])
    }

    func listTagsForResource(_ input: OperationInput) async throws -> ModelValue {
        let tags = try await provider.tags(ofDBInstance: try dbReference(try input.requiredString("ResourceName")))
        return .structure([ModelMember("TagList", .list(tags.map(Self.rdsTag), item: "Tag"))])
    }

    func removeTagsFromResource(_ input: OperationInput) async throws -> ModelValue {
        let name = try input.requiredString("ResourceName")
        guard let keys = try input.strings("TagKeys") else { throw ResourceError.missingParameter("TagKeys") }
        try await provider.removeTags(keys, fromDBInstance: try dbReference(name))
        return .structure([])
    }

    /// The tag operations name resources by ARN; only DB instance ARNs exist here.
    private func dbReference(_ name: String) throws -> String {
        let parts = name.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false)
        guard parts.count == 7, parts[0] == "arn", parts[2] == "rds", parts[5] == "db" else {
            throw ResourceError.invalidParameterValue("Invalid resource name: \(name)")
        }
        guard parts[3] == region, parts[4] == account else { throw ResourceError.dbInstanceNotFound(String(parts[6])) }
        return String(parts[6])
    }

    private func wrapped(_ database: DBInstance) -> ModelValue {
        .structure([ModelMember("DBInstance", dbInstance(database))])
    }

    // MARK: - Shapes

    /// A DB instance with the members DescribeDBInstances shows (those a simulator can give).
    func dbInstance(_ database: DBInstance) -> ModelValue {
        var members: [ModelMember] = [
            ModelMember("DBInstanceIdentifier", .string(database.identifier)),
            ModelMember("DBInstanceClass", .string(database.instanceClass)),
            ModelMember("Engine", .string(database.engine)),
            ModelMember("DBInstanceStatus", .string(database.status.rawValue)),
            ModelMember("MasterUsername", .string(database.masterUsername)),
        ]
        if let name = database.dbName { members.append(ModelMember("DBName", .string(name))) }
        if database.status != .creating {
            members.append(ModelMember("Endpoint", .structure([
                ModelMember("Address", .string(database.endpointAddress(region: region))),
                ModelMember("Port", .integer(database.port)),
                ModelMember("HostedZoneId", .string("Z2R2ITUGPM61AM")),
            ])))
        }
        members.append(ModelMember("AllocatedStorage", .integer(database.allocatedStorage)))
        if database.status != .creating { members.append(ModelMember("InstanceCreateTime", .timestamp(database.createdAt))) }
        members += [
            ModelMember("PreferredBackupWindow", .string("03:00-03:30")),
            ModelMember("BackupRetentionPeriod", .integer(1)),
            ModelMember("DBSecurityGroups", .list([], item: "DBSecurityGroup")),
            ModelMember("VpcSecurityGroups", .list([], item: "VpcSecurityGroupMembership")),
            ModelMember("AvailabilityZone", .string(database.availabilityZone)),
            ModelMember("PreferredMaintenanceWindow", .string("sun:05:00-sun:05:30")),
            ModelMember("PendingModifiedValues", .structure([])),
            ModelMember("MultiAZ", .boolean(false)),
            ModelMember("EngineVersion", .string(database.engineVersion)),
            ModelMember("AutoMinorVersionUpgrade", .boolean(true)),
            ModelMember("ReadReplicaDBInstanceIdentifiers", .list([], item: "ReadReplicaDBInstanceIdentifier")),
            ModelMember("LicenseModel", .string(Self.licenseModel(database.engine))),
            ModelMember("PubliclyAccessible", .boolean(false)),
            ModelMember("StorageType", .string("gp2")),
            ModelMember("DbInstancePort", .integer(0)),
            ModelMember("StorageEncrypted", .boolean(false)),
            ModelMember("DbiResourceId", .string(database.resourceId)),
            ModelMember("CACertificateIdentifier", .string("rds-ca-rsa2048-g1")),
            ModelMember("CopyTagsToSnapshot", .boolean(false)),
            ModelMember("MonitoringInterval", .integer(0)),
            ModelMember("DBInstanceArn", .string(database.arn)),
            ModelMember("IAMDatabaseAuthenticationEnabled", .boolean(false)),
            ModelMember("PerformanceInsightsEnabled", .boolean(false)),
            ModelMember("DeletionProtection", .boolean(false)),
            ModelMember("TagList", .list(database.tags.map(Self.rdsTag), item: "Tag")),
        ]
        if let restart = database.automaticRestartTime { members.append(ModelMember("AutomaticRestartTime", .timestamp(restart))) }
        members += [
            ModelMember("CustomerOwnedIpEnabled", .boolean(false)),
            ModelMember("BackupTarget", .string("region")),
            ModelMember("NetworkType", .string("IPV4")),
            ModelMember("DedicatedLogVolume", .boolean(false)),
        ]
        return .structure(members)
    }

    static func rdsTag(_ tag: Tag) -> ModelValue {
        .structure([ModelMember("Key", .string(tag.key)), ModelMember("Value", .string(tag.value))])
    }

    static func licenseModel(_ engine: String) -> String {
        switch engine {
        case "postgres": "postgresql-license"
        case "mysql", "mariadb": "general-public-license"
        case let oracle where oracle.hasPrefix("oracle"): "bring-your-own-license"
        default: "license-included"
        }
    }
}
