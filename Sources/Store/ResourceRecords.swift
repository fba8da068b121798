public import GRDB
import Foundation

/// A simulated EC2 instance: its description, its state and the transition in flight.
///
/// A transition in flight is `nextState` due at `nextStateAt`; a hung one (a fault) has
/// `nextState` and no `nextStateAt`. A terminated instance keeps a transition to `gone`, an
/// hour later, when it disappears from listings as it does on AWS.
public struct InstanceRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ec2Instance"
    public var id: String
    public var reservationId: String
    public var imageId: String
    public var instanceType: String
    public var availabilityZone: String
    public var privateIpAddress: String
    public var keyName: String?
    public var launchIndex: Int
    public var launchTime: Double
    /// `pending`, `running`, `shutting-down`, `terminated`, `stopping` or `stopped`.
    public var state: String
    /// EC2's `StateTransitionReason`: empty, or "User initiated (2026-12-01 03:00:00 GMT)".
    public var stateTransitionReason: String
    public var stateReasonCode: String?
    public var stateReasonMessage: String?
    public var nextState: String?
    public var nextStateAt: Double?
    /// What the transition in flight is: `launch`, `start`, `stop`, `terminate` or `purge`.
    public var transitionCause: String?
    /// When the state last changed.
    public var changedAt: Double
    /// `config` (declared in the configuration) or `api` (RunInstances).
    public var origin: String
    /// For configuration instances: `GROUP/INDEX`, what the id is derived from.
    public var configKey: String?
    public var clientToken: String?

    public init(id: String, reservationId: String, imageId: String, instanceType: String, availabilityZone: String,
                privateIpAddress: String, keyName: String? = nil, launchIndex: Int, launchTime: Double, state: String,
                stateTransitionReason: String = "", stateReasonCode: String? = nil, stateReasonMessage: String? = nil,
                nextState: String? = nil, nextStateAt: Double? = nil, transitionCause: String? = nil, changedAt: Double,
                origin: String, configKey: String? = nil, clientToken: String? = nil) {
        self.id = id
        self.reservationId = reservationId
        self.imageId = imageId
        self.instanceType = instanceType
        self.availabilityZone = availabilityZone
        self.privateIpAddress = privateIpAddress
        self.keyName = keyName
        self.launchIndex = launchIndex
        self.launchTime = launchTime
        self.state = state
        self.stateTransitionReason = stateTransitionReason
        self.stateReasonCode = stateReasonCode
        self.stateReasonMessage = stateReasonMessage
        self.nextState = nextState
        self.nextStateAt = nextStateAt
        self.transitionCause = transitionCause
        self.changedAt = changedAt
        self.origin = origin
        self.configKey = configKey
        self.clientToken = clientToken
    }
}

/// A simulated RDS DB instance: its description, its status and the transition in flight
/// (`nextStatus` at `nextStatusAt`; hung without a time). A stopped instance carries its
/// automatic start, 7 days later, as a transition caused by `auto-start`.
public struct DBInstanceRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "dbInstance"
    /// Lower case, as RDS stores it.
    public var identifier: String
    public var engine: String
    public var engineVersion: String
    public var instanceClass: String
    /// `DBInstanceStatus`: `creating`, `available`, `stopping`, `stopped`, `starting`, `deleting`, …
    public var status: String
    public var allocatedStorage: Int
    public var masterUsername: String
    public var dbName: String?
    public var availabilityZone: String
    public var port: Int
    /// `DbiResourceId`, `db-` and 26 characters.
    public var resourceId: String
    public var createdAt: Double
    public var nextStatus: String?
    public var nextStatusAt: Double?
    /// What the transition in flight is: `launch` (creating), `start`, `stop`, `terminate`
    /// (deleting) or `auto-start` (the start 7 days after a stop).
    public var transitionCause: String?
    public var changedAt: Double
    /// `config` or `api` (CreateDBInstance).
    public var origin: String

    public init(identifier: String, engine: String, engineVersion: String, instanceClass: String, status: String,
                allocatedStorage: Int, masterUsername: String, dbName: String? = nil, availabilityZone: String, port: Int,
                resourceId: String, createdAt: Double, nextStatus: String? = nil, nextStatusAt: Double? = nil,
                transitionCause: String? = nil, changedAt: Double, origin: String) {
        self.identifier = identifier
        self.engine = engine
        self.engineVersion = engineVersion
        self.instanceClass = instanceClass
        self.status = status
        self.allocatedStorage = allocatedStorage
        self.masterUsername = masterUsername
        self.dbName = dbName
        self.availabilityZone = availabilityZone
        self.port = port
        self.resourceId = resourceId
        self.createdAt = createdAt
        self.nextStatus = nextStatus
        self.nextStatusAt = nextStatusAt
        self.transitionCause = transitionCause
        self.changedAt = changedAt
        self.origin = origin
    }
}

/// One tag of one simulated resource. `resourceType` is `instance` (EC2) or `db` (RDS), so an
/// RDS identifier that looks like an instance id never mixes the two.
public struct ResourceTagRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "resourceTag"
    public var resourceType: String
    public var resourceId: String
    public var key: String
    public var value: String
    /// Keeps the order tags were added in, which is the order they are listed in.
    public var position: Int

    public init(resourceType: String, resourceId: String, key: String, value: String, position: Int) {
        self.resourceType = resourceType
        self.resourceId = resourceId
        self.key = key
        self.value = value
        self.position = position
    }
}

/// A fault injected into the simulators, from the configuration (origin `config`, replaced on
/// every reload) or at run time (`schedulerd fleet fault add`, origin `runtime`).
public struct ResourceFaultRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "resourceFault"
    public var id: Int64?
    /// `insufficient-capacity`, `throttle` or `hang`.
    public var kind: String
    /// `ec2` or `rds`; nil for both.
    public var service: String?
    /// An instance id or DB identifier; nil for the whole fleet.
    public var resourceId: String?
    /// For `throttle`, the one action throttled (`StopInstances`); for `hang`, the transition
    /// (`start`, `stop`, `terminate`, `launch`); nil for all.
    public var operation: String?
    /// How many more times it applies; nil for every time until removed.
    public var remaining: Int?
    /// The chance, 0 to 1, that it applies to a given call (throttle only).
    public var probability: Double
    /// `config` or `runtime`.
    public var origin: String
    public var createdAt: Double

    public init(id: Int64? = nil, kind: String, service: String?, resourceId: String?, operation: String?,
                remaining: Int?, probability: Double = 1, origin: String, createdAt: Double) {
        self.id = id
        self.kind = kind
        self.service = service
        self.resourceId = resourceId
        self.operation = operation
        self.remaining = remaining
        self.probability = probability
        self.origin = origin
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
