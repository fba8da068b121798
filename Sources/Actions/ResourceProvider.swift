public import Foundation

/// Where EC2 instances and RDS DB instances live: the simulator today (`ResourceSimulator`),
/// a real cloud account later. Everything above it (the API's EC2 and RDS operations, the
/// automation engine through `ResourceOperations`) talks to this protocol only.
///
/// Methods answer as the services do: an AWS error is thrown as a `ResourceError` with AWS's
/// code, message and HTTP status (`IncorrectInstanceState`, `DBInstanceNotFound`,
/// `RequestLimitExceeded` …); any other error is a fault of the provider. Calls that change
/// several resources change all or none.
public protocol ResourceProvider: Sendable {
    // MARK: EC2

    /// DescribeInstances: the instances `query` selects, in id order. Named ids that do not
    /// exist are an `InvalidInstanceID.NotFound`; terminated instances stay listed about an hour.
    func describeInstances(_ query: InstanceQuery, page: PageRequest) async throws -> Page<EC2Instance>

    /// The state of each instance named, with DescribeInstances' errors and faults: what
    /// `aws:changeInstanceState` reads before and after every call, without the rest of the
    /// description. The default asks `describeInstances`.
    func instanceStates(_ ids: [String]) async throws -> [String: InstanceStateName]

    /// RunInstances: `maxCount` new instances, `pending`, in one reservation (the same ones
    /// again for a `clientToken` already used).
    func runInstances(_ request: RunInstancesRequest) async throws -> [EC2Instance]

    /// StartInstances: stopped instances become `pending`, then `running`. Running or pending
    /// ones are left as they are; any other state is an `IncorrectInstanceState` for the whole call.
    func startInstances(_ ids: [String]) async throws -> [InstanceStateChange]

    /// StopInstances: running instances become `stopping`, then `stopped`. `force` also ends a
    /// stop that hangs.
    func stopInstances(_ ids: [String], force: Bool) async throws -> [InstanceStateChange]

    /// TerminateInstances: instances become `shutting-down`, then `terminated`.
    func terminateInstances(_ ids: [String]) async throws -> [InstanceStateChange]

    /// CreateTags: sets `tags` on every instance named.
    func createTags(_ tags: [Tag], resources ids: [String]) async throws

    /// DeleteTags: removes the keys (only where the value matches, when one is given); every
    /// tag when `tags` is empty.
    func deleteTags(_ tags: [TagSelector], resources ids: [String]) async throws

    /// DescribeTags, with EC2's filters (`resource-id`, `resource-type`, `key`, `value`).
    func describeTags(_ filters: [ResourceFilter], page: PageRequest) async throws -> Page<ResourceTag>

    // MARK: RDS

    /// DescribeDBInstances: one instance by identifier (or ARN; `DBInstanceNotFound` when
    /// absent), or those the filters select, in identifier order.
    func describeDBInstances(_ query: DBInstanceQuery, page: PageRequest) async throws -> Page<DBInstance>

    /// CreateDBInstance: a new instance, `creating`, then `available`.
    func createDBInstance(_ request: CreateDBInstanceRequest) async throws -> DBInstance

    /// DeleteDBInstance: `deleting`, then gone. RDS wants a final snapshot name unless
    /// `skipFinalSnapshot`.
    func deleteDBInstance(_ identifier: String, skipFinalSnapshot: Bool, finalSnapshotIdentifier: String?) async throws -> DBInstance

    /// StartDBInstance: a stopped instance becomes `starting`, then `available`.
    func startDBInstance(_ identifier: String) async throws -> DBInstance

    /// StopDBInstance: an available instance becomes `stopping`, then `stopped`; RDS starts it
    /// again by itself 7 days later.
    func stopDBInstance(_ identifier: String) async throws -> DBInstance

    /// AddTagsToResource on a DB instance.
    func addTags(_ tags: [Tag], toDBInstance identifier: String) async throws

    /// ListTagsForResource on a DB instance.
    func tags(ofDBInstance identifier: String) async throws -> [Tag]

    /// RemoveTagsFromResource on a DB instance.
    func removeTags(_ keys: [String], fromDBInstance identifier: String) async throws

    // MARK: Waiting

    /// A point in the provider's history of changes, to take before reading a resource and
    /// hand to `waitForChange(of:since:until:)` after.
    func changeMark() -> UInt64

    /// Returns when one of `resources` may have changed since `mark` (at once if it already
    /// has), or at `deadline` on the daemon's clock, whichever comes first (or when the task is
    /// cancelled). A provider that cannot tell when something changes waits for the deadline,
    /// which makes callers poll.
    func waitForChange(of resources: [ResourceID], since mark: UInt64, until deadline: Date) async
}

extension ResourceProvider {
    public func instanceStates(_ ids: [String]) async throws -> [String: InstanceStateName] {
        let found = try await describeInstances(InstanceQuery(ids: ids), page: .all).items
        return Dictionary(found.map { ($0.id, $0.state) }, uniquingKeysWith: { first, _ in first })
    }
}
