/// The fleet a configuration declares: groups of EC2 instances, RDS DB instances, faults and
/// transition times. `ResourceSimulator.reconcile(_:)` makes the database match it at start
/// and on every reload.
///
/// Instance ids are derived from the group name and the index in the group, so the same
/// declaration names the same instances on every start.
public struct FleetDeclaration: Sendable, Equatable {
    /// `count` instances alike.
    public struct InstanceGroup: Sendable, Equatable {
        public var name: String
        public var count: Int
        public var instanceType: String
        public var imageId: String
        public var availabilityZone: String?
        /// `running` or `stopped`: the state a new instance of the group is registered in.
        public var initialState: InstanceStateName
        public var tags: [Tag]

        public init(name: String, count: Int, instanceType: String = "t3.micro", imageId: String = "ami-0abcdef1234567890",
                    availabilityZone: String? = nil, initialState: InstanceStateName = .running, tags: [Tag] = []) {
            self.name = name
            self.count = count
            self.instanceType = instanceType
            self.imageId = imageId
            self.availabilityZone = availabilityZone
            self.initialState = initialState
            self.tags = tags
        }

        /// The id of the `index`-th instance (from 0) of group `name`: `i-` and 17 hex digits.
        public static func instanceId(group name: String, index: Int) -> String {
            "i-" + ResourceSimulator.derivedHex("schedulerd/ec2/\(name)/\(index)")
        }

        /// The ids of the group's instances, in order.
        public var instanceIds: [String] { (0..<count).map { Self.instanceId(group: name, index: $0) } }
    }

    public struct Database: Sendable, Equatable {
        public var identifier: String
        public var engine: String
        public var engineVersion: String?
        public var instanceClass: String
        public var allocatedStorage: Int?
        public var availabilityZone: String?
        /// `available` or `stopped`: the status a new instance is registered in.
        public var initialStatus: DBInstanceStatus
        public var tags: [Tag]

        public init(identifier: String, engine: String = "postgres", engineVersion: String? = nil, instanceClass: String = "db.t3.micro",
                    allocatedStorage: Int? = nil, availabilityZone: String? = nil, initialStatus: DBInstanceStatus = .available,
                    tags: [Tag] = []) {
            self.identifier = identifier
            self.engine = engine
            self.engineVersion = engineVersion
            self.instanceClass = instanceClass
            self.allocatedStorage = allocatedStorage
            self.availabilityZone = availabilityZone
            self.initialStatus = initialStatus
            self.tags = tags
        }
    }

    /// A fault and what it is aimed at.
    public struct FaultDeclaration: Sendable, Equatable {
        public enum Target: Sendable, Equatable {
            /// Every resource (of `fault.service`, or of both services).
            case fleet
            /// Every instance of a declared group.
            case group(String)
            /// One instance id or DB identifier.
            case resource(String)
        }

        public var fault: Fault
        public var target: Target

        public init(fault: Fault, target: Target) {
            self.fault = fault
            self.target = target
        }
    }

    public var times: TransitionTimes
    public var groups: [InstanceGroup]
    public var databases: [Database]
    public var faults: [FaultDeclaration]

    public init(times: TransitionTimes = .aws, groups: [InstanceGroup] = [], databases: [Database] = [], faults: [FaultDeclaration] = []) {
        self.times = times
        self.groups = groups
        self.databases = databases
        self.faults = faults
    }

    /// No declared resource.
    public static let empty = FleetDeclaration()

    /// The faults as stored: group targets expanded to one fault per instance.
    var expandedFaults: [Fault] {
        faults.flatMap { declaration -> [Fault] in
            switch declaration.target {
            case .fleet:
                return [declaration.fault]
            case .resource(let id):
                var fault = declaration.fault
                fault.resource = id
                return [fault]
            case .group(let name):
                let ids = groups.first { $0.name == name }?.instanceIds ?? []
                return ids.map { id in
                    var fault = declaration.fault
                    fault.resource = id
                    fault.service = .ec2
                    return fault
                }
            }
        }
    }
}
