public import Foundation

/// `DBInstanceStatus`. RDS's model types it as a free string; these are the values the
/// simulator uses, from the RDS User Guide's "Viewing Amazon RDS DB instance status".
public enum DBInstanceStatus: String, Sendable, CaseIterable, Codable {
    case available
    case creating
    case deleting
    case starting
    case stopped
    case stopping

    /// The status a transition from this one leads to (`deleting` leads to nothing: gone).
    public var settlesInto: DBInstanceStatus? {
        switch self {
        case .creating, .starting: .available
        case .stopping: .stopped
        case .available, .stopped, .deleting: nil
        }
    }
}

/// A simulated RDS DB instance, as DescribeDBInstances shows it.
public struct DBInstance: Sendable, Equatable {
    public var identifier: String
    public var engine: String
    public var engineVersion: String
    public var instanceClass: String
    public var status: DBInstanceStatus
    public var allocatedStorage: Int
    public var masterUsername: String
    public var dbName: String?
    public var availabilityZone: String
    public var port: Int
    /// `DbiResourceId`.
    public var resourceId: String
    /// `InstanceCreateTime`.
    public var createdAt: Date
    /// `arn:aws:rds:REGION:ACCOUNT:db:IDENTIFIER`.
    public var arn: String
    public var tags: [Tag]
    /// The status the transition in flight leads to, and when (nil while it hangs). For a
    /// stopped instance, its automatic start 7 days after the stop.
    public var transition: ResourceTransition<DBInstanceStatus>?

    /// `AutomaticRestartTime`: when a stopped instance starts by itself.
    public var automaticRestartTime: Date? {
        status == .stopped ? transition?.at : nil
    }

    /// The endpoint address, as RDS forms it: `IDENTIFIER.c0abcdefghij.REGION.rds.amazonaws.com`.
    public func endpointAddress(region: String) -> String {
        "\(identifier).\(resourceId.dropFirst(3).prefix(12).lowercased()).\(region).rds.amazonaws.com"
    }

    /// The value of tag `key`, if the instance has it.
    public func tag(_ key: String) -> String? { tags.first { $0.key == key }?.value }
}

/// Which DB instances a describe call is about: one identifier (or ARN), and filters
/// (`db-instance-id`, `engine`, `dbi-resource-id`, and `tag:KEY` as the simulator's own).
public struct DBInstanceQuery: Sendable, Equatable {
    public var identifier: String?
    public var filters: [ResourceFilter]

    public init(identifier: String? = nil, filters: [ResourceFilter] = []) {
        self.identifier = identifier
        self.filters = filters
    }
}

/// What CreateDBInstance asks for.
public struct CreateDBInstanceRequest: Sendable, Equatable {
    public var identifier: String
    public var instanceClass: String
    public var engine: String
    public var engineVersion: String?
    public var allocatedStorage: Int?
    public var masterUsername: String?
    public var dbName: String?
    public var availabilityZone: String?
    public var port: Int?
    public var tags: [Tag]

    public init(identifier: String, instanceClass: String, engine: String, engineVersion: String? = nil,
                allocatedStorage: Int? = nil, masterUsername: String? = nil, dbName: String? = nil,
                availabilityZone: String? = nil, port: Int? = nil, tags: [Tag] = []) {
        self.identifier = identifier
        self.instanceClass = instanceClass
        self.engine = engine
        self.engineVersion = engineVersion
        self.allocatedStorage = allocatedStorage
        self.masterUsername = masterUsername
        self.dbName = dbName
        self.availabilityZone = availabilityZone
        self.port = port
        self.tags = tags
    }
}
