import Crypto
public import Daemon
public import Foundation
public import Logging
import SchedulerCore
import SchedulerMetrics
public import Store
import Synchronization

/// The EC2 and RDS simulator: a `ResourceProvider` whose instances live in the daemon's
/// SQLite database and change state on the daemon's clock.
///
/// Every change is one transaction: the resources' new states, the events they emit (into
/// the same outbox as calendar events, matched against the rules in force) and any fault
/// used up. A transition takes its time (`TransitionTimes`) and completes when it is due:
/// `ResourceTransitionService` sleeps until then, and every call first completes whatever is
/// overdue, so answers are right even between the service's wakes, and a transition due
/// while the daemon was down completes (with its event, at the instant it was due) at the
/// first wake or call after the restart.
public final class ResourceSimulator: ResourceProvider {
    let database: SchedulerDatabase
    let clock: AnyWallClock
    let state: RuntimeState
    let names: ResourceEvents
    let logger: Logger
    /// A number in [0, 1) for throttle faults with a probability.
    let random: @Sendable () -> Double
    private let settings: Mutex<Settings>
    /// Wakes the transition service when a transition is scheduled.
    let scheduleKick = Kick()
    let watchers = ChangeWatchers()

    struct Settings {
        var times: TransitionTimes
        var maxEventAge: TimeInterval
    }

    /// Most resources completed in one transaction, so a large fleet never holds the writer long.
    static let batchSize = 1_000

    /// - Parameters:
    ///   - database: Where the fleet and its events are kept.
    ///   - clock: The daemon's clock: transitions take their time on it.
    ///   - state: The rules the events are matched against, and the delivery service to wake.
    ///   - account: The account in ARNs and events.
    ///   - region: The region in ARNs, events and Availability Zones.
    ///   - times: How long transitions take.
    ///   - maxEventAge: Events older than this when recorded (a transition completed at a
    ///     restart long after it was due) are archived, not delivered.
    ///   - random: Decides throttle faults with a probability below 1.
    public init(database: SchedulerDatabase, clock: some WallClock, state: RuntimeState, account: String, region: String,
                times: TransitionTimes = .aws, maxEventAge: TimeInterval = 86_400, logger: Logger = Logger(label: "schedulerd.resources"),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.database = database
        self.clock = AnyWallClock(clock)
        self.state = state
        self.names = ResourceEvents(account: account, region: region)
        self.logger = logger
        self.random = random
        settings = Mutex(Settings(times: times, maxEventAge: maxEventAge))
    }

    public var account: String { names.account }
    public var region: String { names.region }

    /// How long transitions take now.
    public var times: TransitionTimes {
        get { settings.withLock { $0.times } }
        set {
            settings.withLock { $0.times = newValue }
            scheduleKick.fire()
        }
    }

    /// Availability Zones instances and databases are placed in.
    var zones: [String] { ["a", "b", "c", "d", "f"].map { region + $0 } }

    // MARK: - Transitions

    /// Completes every transition due at or before `now`, in order, each at the instant it was
    /// due, following chains (a database stopped 7 days ago starts, and is available a few
    /// minutes later). Returns how many resources changed.
    @discardableResult
    public func completeDueTransitions(now: Date? = nil) throws -> Int {
        let now = now ?? clock.now()
        // A read first: the transition service calls this at every wake, and a write (even
        // an empty one) waits its turn for SQLite's single writer.
        guard try database.resourceRead({ try $0.anyDue(at: now.timeIntervalSince1970) }) else { return 0 }
        var total = 0
        while true {
            let done = try write { context -> Result<Int, ResourceError> in
                .success(try context.completeDue(at: now, atMost: Self.batchSize))
            }
            total += done
            if done < Self.batchSize { return total }
        }
    }

    /// Lets hung transitions go once no `hang` fault holds them any more: each then completes
    /// its normal duration after now. Returns how many were let go.
    @discardableResult
    public func releaseHungTransitions() throws -> Int {
        guard try database.resourceRead({ try $0.anyHung() }) else { return 0 }
        return try write { context -> Result<Int, ResourceError> in
            var released = 0
            for var instance in try context.transaction.hungInstances() where !context.holds(instance) {
                context.release(&instance)
                try context.transaction.save(instance)
                released += 1
            }
            for var database in try context.transaction.hungDBInstances() where !context.holds(database) {
                context.release(&database)
                try context.transaction.save(database)
                released += 1
            }
            return .success(released)
        }
    }

    /// When the next transition is due (nil when none is).
    public func nextTransitionTime() throws -> Date? {
        try database.resourceRead { try $0.nextDueTime() }.map { Date(timeIntervalSince1970: $0) }
    }

    /// Completes what is overdue before a call looks at the fleet.
    func catchUp() throws {
        try completeDueTransitions()
    }

    /// A call that changes the fleet, in one write transaction: what is overdue completes
    /// first, then a `throttle` fault may refuse the call (and is used up), then `body` runs,
    /// then what `body` started that is due already (it takes no time) completes.
    func mutate<T>(_ service: Fault.Service, _ action: String, resources: [String],
                   _ body: (inout WriteContext) throws -> Result<T, ResourceError>) throws -> T {
        try write { context -> Result<T, ResourceError> in
            // Two queries saved when the copy in memory knows nothing is due (most writes).
            if try database.resourceMirrorRead({ try $0.anyDue(at: context.now.timeIntervalSince1970) }) != false {
                try context.completeDue(at: context.now, atMost: .max)
            }
            if try context.use(.throttle, service: service, resources: resources, operation: action) != nil {
                return .failure(service == .ec2 ? .requestLimitExceeded : .throttling)
            }
            let result = try body(&context)
            // A transition that takes no time (transition times of 0, as in tests and the fleet
            // benchmark) completes in this same transaction, with its event: the next call sees
            // the state settled, and no second write queues for SQLite's writer to settle it.
            if case .success = result { try context.completeScheduledDue() }
            return result
        }
    }

    // MARK: - Writing

    /// Runs `body` in one write transaction with the faults in force and an event batch, then
    /// wakes who needs to know. A `.failure` commits what `body` wrote (faults used up) and
    /// is thrown after; `body` must not change resources before deciding to fail.
    func write<T>(_ body: (inout WriteContext) throws -> Result<T, ResourceError>) throws -> T {
        let now = clock.now()
        let (times, maxEventAge) = settings.withLock { ($0.times, $0.maxEventAge) }
        let rules = state.rules
        let (result, context) = try database.resourceWrite { [database] transaction in
            // No faults in the copy in memory: no query (a fault another write of the same
            // group commit adds is as if added after this one).
            let noFaults = try database.resourceMirrorRead { try $0.faults().isEmpty } == true
            var context = WriteContext(transaction: transaction, now: now, times: times, names: names,
                                       faults: noFaults ? [] : try transaction.faults().compactMap(Fault.init),
                                       events: EventBatch(rules: rules, now: now, maxEventAge: maxEventAge), random: random)
            let result = try body(&context)
            return (result, context.summary)
        }
        afterCommit(context)
        return try result.get()
    }

    private func afterCommit(_ summary: WriteContext.Summary) {
        var deliveries = 0
        // Counted together, under one taking of the registry's lock: dozens of threads
        // record state changes at once when a fleet stops, and queued on it one by one.
        var counts: [String: (name: String, labels: MetricsRegistry.Labels, amount: Double)] = [:]
        func count(_ name: String, _ labels: MetricsRegistry.Labels, _ key: String, by amount: Double = 1) {
            counts[key, default: (name, labels, 0)].amount += amount
        }
        for event in summary.events {
            count(DaemonMetrics.eventsRecorded, .init(["source": event.source]), "recorded " + event.source)
            let service = event.source == "aws.ec2" ? "ec2" : "rds"
            count(DaemonMetrics.resourceStateChanges, .init(["service": service, "state": event.state]), "changed \(service) \(event.state)")
            if event.deliveries > 0 {
                count(DaemonMetrics.eventsMatched, .init(["source": event.source]), "matched " + event.source, by: Double(event.deliveries))
            }
            deliveries += event.deliveries
        }
        state.metrics.increment(Array(counts.values))
        if deliveries > 0 { state.deliveriesRecorded() }
        if summary.scheduled { scheduleKick.fire() }
        watchers.fire(summary.changed)
        for fault in summary.usedFaults {
            logger.info("fault injected", metadata: ["fault.kind": "\(fault.kind.rawValue)", "fault.id": "\(fault.id ?? 0)",
                                                     "fault.resource": "\(fault.resource ?? "*")"])
        }
    }

    /// A call that only reads the fleet: `body` in one read transaction, after the call's
    /// `throttle` fault (if any) and the transitions due (if any, `catchingUp`) are dealt with.
    /// Most calls find neither, and then make that one read and no write; a describe in a
    /// fleet-wide stop otherwise cost four transactions.
    func read<T>(_ service: Fault.Service, _ action: String, resources: [String], catchingUp: Bool = true,
                 _ body: (any ResourceReading) throws -> T) throws -> T {
        let now = clock.now().timeIntervalSince1970
        let quick = try database.resourceRead { transaction -> T? in
            let faults = try transaction.faults().compactMap(Fault.init)
            if faults.contains(where: { $0.applies(kind: .throttle, service: service, resources: resources, operation: action) }) { return nil }
            if catchingUp, try transaction.anyDue(at: now) { return nil }
            return try body(transaction)
        }
        if let quick { return quick }
        try throttleGate(service, action, resources: resources)
        if catchingUp { try catchUp() }
        return try database.resourceRead(body)
    }

    /// Throws the service's throttling error when a `throttle` fault applies to this call
    /// (using it up when it counts), before anything else happens.
    func throttleGate(_ service: Fault.Service, _ action: String, resources: [String]) throws {
        let faults = try database.resourceFaults().compactMap(Fault.init)
        guard faults.contains(where: { $0.applies(kind: .throttle, service: service, resources: resources, operation: action) }) else {
            return
        }
        try write { context -> Result<Void, ResourceError> in
            if try context.use(.throttle, service: service, resources: resources, operation: action) != nil {
                return .failure(service == .ec2 ? .requestLimitExceeded : .throttling)
            }
            return .success(())
        }
    }

    // MARK: - Waiting

    public func changeMark() -> UInt64 { watchers.mark }

    public func waitForChange(of resources: [ResourceID], since mark: UInt64, until deadline: Date) async {
        let keys = Set(resources.map(ChangeWatchers.key))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [clock] in try? await clock.sleep(until: deadline) }
            group.addTask { [watchers] in await watchers.wait(for: keys, since: mark) }
            await group.next()
            group.cancelAll()
        }
    }

    // MARK: - Identifiers

    /// `i-` and 17 hex digits, random.
    static func randomInstanceId() -> String { "i-" + randomHex(17) }

    /// `r-` and 17 hex digits, random.
    static func randomReservationId() -> String { "r-" + randomHex(17) }

    static func randomHex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement()! })
    }

    /// 17 hex digits from a SHA-256 of `seed`: the same seed, the same id, on every start.
    static func derivedHex(_ seed: String, count: Int = 17) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(count + 1)
        for byte in SHA256.hash(data: Data(seed.utf8)) where hex.count < count {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex.prefix(count), as: UTF8.self)
    }

    /// A private address in 10.0.0.0/16 derived from `seed`.
    static func privateAddress(_ seed: String) -> String {
        let bytes = Array(SHA256.hash(data: Data(seed.utf8)))
        return "10.0.\(bytes[0]).\(max(4, bytes[1]))"
    }

    /// `db-` and 26 upper-case letters and digits derived from `seed`, like RDS's `DbiResourceId`.
    static func dbiResourceId(_ seed: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let bytes = Array(SHA256.hash(data: Data(seed.utf8)))
        return "db-" + String(bytes.prefix(26).map { alphabet[Int($0) % alphabet.count] })
    }
}

extension ResourceSimulator {
    /// "4 EC2 instances (3 running, 1 stopped), 1 RDS database (available)": for the start-up
    /// banner; empty when there is no fleet.
    public func fleetSummary() throws -> String {
        let (instances, databases) = try database.resourceRead { (try $0.allInstances(), try $0.allDBInstances()) }
        func counts(_ states: [String]) -> String {
            Dictionary(grouping: states, by: { $0 }).sorted { $0.key < $1.key }.map { "\($0.value.count) \($0.key)" }
                .joined(separator: ", ")
        }
        var parts: [String] = []
        if !instances.isEmpty {
            parts.append("\(instances.count) EC2 instance\(instances.count == 1 ? "" : "s") (\(counts(instances.map(\.state))))")
        }
        if !databases.isEmpty {
            parts.append("\(databases.count) RDS database\(databases.count == 1 ? "" : "s") (\(counts(databases.map(\.status))))")
        }
        return parts.joined(separator: ", ")
    }
}
