/// The `fleet` section: the simulated EC2 instances and RDS databases the daemon keeps, how
/// long their transitions take, and the faults injected into them.
///
/// ```yaml
/// fleet:
///   transitions: {ec2_start: 10s, ec2_stop: 20s, rds_start: 5m, rds_stop: 3m}
///   ec2:
///     - group: web
///       count: 3
///       type: t3.micro
///       tags: {Schedule: office-hours, Name: web}
///   rds:
///     - identifier: orders-db
///       engine: postgres
///       class: db.t3.micro
///       tags: {Schedule: office-hours}
///   faults:
///     - {kind: insufficient-capacity, group: web, times: 1}
/// ```
public struct FleetConfiguration: Sendable, Equatable {
    /// `transitions`: each nil takes the simulator's default (near AWS).
    public struct Transitions: Sendable, Equatable {
        /// `ec2_start`: pending → running (default 10s).
        public var ec2Start: Duration?
        /// `ec2_stop`: stopping → stopped (default 20s).
        public var ec2Stop: Duration?
        /// `ec2_terminate`: shutting-down → terminated (default 20s).
        public var ec2Terminate: Duration?
        /// `rds_create`: creating → available (default 10m).
        public var rdsCreate: Duration?
        /// `rds_start`: starting → available (default 5m).
        public var rdsStart: Duration?
        /// `rds_stop`: stopping → stopped (default 3m).
        public var rdsStop: Duration?
        /// `rds_delete`: deleting → gone (default 5m).
        public var rdsDelete: Duration?
        /// `rds_auto_start`: how long a database stays stopped before RDS starts it (default 168h, as AWS).
        public var rdsAutoStart: Duration?

        public init() {}
    }

    /// An `ec2` entry: `count` instances alike, ids derived from `group` and the index.
    public struct InstanceGroup: Sendable, Equatable {
        public var name: String
        public var count: Int
        /// `type` (default `t3.micro`).
        public var instanceType: String
        /// `image` (default `ami-0abcdef1234567890`).
        public var imageId: String?
        public var availabilityZone: String?
        /// `state`: `running` (default) or `stopped`, for instances registered for the first time.
        public var state: String
        public var tags: [TagConfiguration]
    }

    /// An `rds` entry.
    public struct Database: Sendable, Equatable {
        public var identifier: String
        /// `engine` (default `postgres`).
        public var engine: String
        public var engineVersion: String?
        /// `class` (default `db.t3.micro`).
        public var instanceClass: String
        /// `storage`, in GiB.
        public var allocatedStorage: Int?
        public var availabilityZone: String?
        /// `state`: `available` (default) or `stopped`.
        public var state: String
        public var tags: [TagConfiguration]
    }

    /// A `faults` entry.
    public struct Fault: Sendable, Equatable {
        public enum Target: Sendable, Equatable {
            /// Every resource of `service` (both services when nil).
            case fleet(service: String?)
            /// `group`: every instance of an `ec2` group.
            case group(String)
            /// `instance`: one instance id.
            case instance(String)
            /// `database`: one DB identifier.
            case database(String)
        }

        /// `insufficient-capacity`, `throttle` or `hang`.
        public var kind: String
        public var target: Target
        /// For throttle, an action (`StopInstances`); for hang, `start`, `stop`, `terminate` or `launch`.
        public var operation: String?
        /// `times`: how many times it applies; nil for always.
        public var times: Int?
        /// `probability` (throttle only).
        public var probability: Double?
    }

    public var transitions = Transitions()
    public var instanceGroups: [InstanceGroup] = []
    public var databases: [Database] = []
    public var faults: [Fault] = []

    public init() {}

    /// No fleet.
    public static let empty = FleetConfiguration()
}

/// A tag from the configuration, in the order written.
public struct TagConfiguration: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
