/// What a read of the simulated fleet may ask: answered by a transaction on the database
/// (`ResourceTransaction`) or by the daemon's copy of the fleet in memory (`ResourceMirror`),
/// with the same results in the same order.
public protocol ResourceReading {
    /// The instances with these ids, in no particular order; unknown ids are left out.
    func instances(ids: [String]) throws -> [InstanceRecord]
    /// Every instance, by id.
    func allInstances() throws -> [InstanceRecord]
    func dbInstance(_ identifier: String) throws -> DBInstanceRecord?
    /// Every DB instance, by identifier.
    func allDBInstances() throws -> [DBInstanceRecord]
    /// The tags of resources of `type` (`instance` or `db`): of `ids`, or of all when nil; by
    /// resource id, each resource's tags in the order they were added.
    func tags(type: String, ids: [String]?) throws -> [ResourceTagRecord]
    /// The faults in force, oldest first.
    func faults() throws -> [ResourceFaultRecord]
    /// Whether any transition is due at or before `time`.
    func anyDue(at time: Double) throws -> Bool
    /// Whether any transition hangs (a state ahead, no time).
    func anyHung() throws -> Bool
    /// The earliest transition due, of either kind.
    func nextDueTime() throws -> Double?
}

/// One change a write transaction made to the simulators' tables, as `ResourceMirror` follows it.
enum ResourceChange {
    case instance(InstanceRecord)
    case instanceDeleted(String)
    case dbInstance(DBInstanceRecord)
    case dbInstanceDeleted(String)
    case tag(type: String, id: String, key: String, value: String)
    case tagDeleted(type: String, id: String, key: String)
    /// Faults were added, removed or used up: they are read again after the commit (a handful).
    case faults
}
