/// The simulated fleet held in memory: every instance, DB instance, tag and fault as stored, and
/// the transitions ahead, kept so that "is anything due?" needs no scan. `ResourceMirror` owns
/// one and changes it only after the changes were committed.
final class FleetCopy {
    struct Key: Hashable, Comparable {
        /// `instance` or `db`, as in `resourceTag.resourceType`.
        let type: String
        let id: String

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.type, lhs.id) < (rhs.type, rhs.id) }
    }

    private(set) var instances: [String: InstanceRecord] = [:]
    private(set) var dbInstances: [String: DBInstanceRecord] = [:]
    /// Each resource's tags, in `position` order.
    private(set) var tags: [Key: [ResourceTagRecord]] = [:]
    private(set) var faults: [ResourceFaultRecord] = []
    /// When each resource's transition is due (resources with none, or a hung one, are absent).
    private var due: [Key: Double] = [:]
    /// Resources whose transition hangs (a state ahead, no time).
    private var hung: Set<Key> = []
    /// The earliest of `due`, worked out again only after the earliest one left.
    private var earliest: Double?
    private var earliestKnown = true

    init() {}

    init(instances: [InstanceRecord], dbInstances: [DBInstanceRecord], tags: [ResourceTagRecord], faults: [ResourceFaultRecord]) {
        for instance in instances { set(instance) }
        for database in dbInstances { set(database) }
        for tag in tags { self.tags[Key(type: tag.resourceType, id: tag.resourceId), default: []].append(tag) }
        for key in self.tags.keys { self.tags[key]?.sort { $0.position < $1.position } }
        self.faults = faults
    }

    // MARK: Changes

    func apply(_ change: ResourceChange) {
        switch change {
        case .instance(let record): set(record)
        case .instanceDeleted(let id):
            instances[id] = nil
            forget(Key(type: "instance", id: id))
        case .dbInstance(let record): set(record)
        case .dbInstanceDeleted(let identifier):
            dbInstances[identifier] = nil
            forget(Key(type: "db", id: identifier))
        case .tag(let type, let id, let key, let value):
            let owner = Key(type: type, id: id)
            var list = tags[owner] ?? []
            if let index = list.firstIndex(where: { $0.key == key }) {
                list[index].value = value   // an existing key keeps its place
            } else {
                list.append(ResourceTagRecord(resourceType: type, resourceId: id, key: key, value: value,
                                              position: (list.last?.position ?? -1) + 1))
            }
            tags[owner] = list
        case .tagDeleted(let type, let id, let key):
            let owner = Key(type: type, id: id)
            tags[owner]?.removeAll { $0.key == key }
            if tags[owner]?.isEmpty == true { tags[owner] = nil }
        case .faults:
            break   // the mirror reads them again
        }
    }

    func replaceFaults(_ faults: [ResourceFaultRecord]) {
        self.faults = faults
    }

    private func set(_ record: InstanceRecord) {
        instances[record.id] = record
        track(Key(type: "instance", id: record.id), next: record.nextState, at: record.nextStateAt)
    }

    private func set(_ record: DBInstanceRecord) {
        dbInstances[record.identifier] = record
        track(Key(type: "db", id: record.identifier), next: record.nextStatus, at: record.nextStatusAt)
    }

    private func forget(_ key: Key) {
        tags[key] = nil
        track(key, next: nil, at: nil)
    }

    private func track(_ key: Key, next: String?, at time: Double?) {
        if let old = due[key], old == earliest { earliestKnown = false }
        due[key] = time
        if let time, earliestKnown { earliest = min(earliest ?? time, time) }
        if next != nil && time == nil { hung.insert(key) } else { hung.remove(key) }
    }

    // MARK: Questions

    var anyHung: Bool { !hung.isEmpty }

    var nextDueTime: Double? {
        if !earliestKnown {
            earliest = due.values.min()
            earliestKnown = true
        }
        return earliest
    }
}

/// Reads a `FleetCopy` the way `ResourceTransaction` reads the tables: only while the
/// mirror's lock is held (inside `ResourceMirror.read`).
struct FleetCopyReader: ResourceReading {
    let copy: FleetCopy

    func instances(ids: [String]) -> [InstanceRecord] {
        Set(ids).compactMap { copy.instances[$0] }
    }

    func allInstances() -> [InstanceRecord] {
        copy.instances.values.sorted { $0.id < $1.id }
    }

    func dbInstance(_ identifier: String) -> DBInstanceRecord? {
        copy.dbInstances[identifier]
    }

    func allDBInstances() -> [DBInstanceRecord] {
        copy.dbInstances.values.sorted { $0.identifier < $1.identifier }
    }

    func tags(type: String, ids: [String]?) -> [ResourceTagRecord] {
        let owners = ids.map { Set($0).map { FleetCopy.Key(type: type, id: $0) } } ?? copy.tags.keys.filter { $0.type == type }
        return owners.sorted().flatMap { copy.tags[$0] ?? [] }
    }

    func faults() -> [ResourceFaultRecord] { copy.faults }

    func anyDue(at time: Double) -> Bool { copy.nextDueTime.map { $0 <= time } ?? false }

    func anyHung() -> Bool { copy.anyHung }

    func nextDueTime() -> Double? { copy.nextDueTime }
}
