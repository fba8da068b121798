// The Actions module: what schedulerd acts on.
//
// Today: the EC2 and RDS simulators (`ResourceSimulator`, behind the `ResourceProvider`
// protocol), their faults, the events their state changes put on the bus, and the AWS call
// model the API's Query protocol and the automation engine share (`ResourceOperations`,
// `OperationInput`, `ModelValue`). Next: runbooks and the automation engine, on top of `Fleet`.

public import Foundation
public import SchedulerCore

/// The automation engine's way into the fleet: select resources by id or tag, start and stop
/// them, read their state, and wait on the daemon's clock until they reach one.
///
/// ```swift
/// let fleet = Fleet(provider: simulator, clock: clock)
/// let targets = try await fleet.instances(.tagged("Schedule", "office-hours"))
/// let changes = try await fleet.stopInstances(.ids(targets.map(\.id)))          // StopInstances
/// for instance in targets {
///     try await fleet.wait(for: .instance(instance.id), until: ["stopped"], failOn: ["terminated"],
///                          timeout: 3600)                                          // on the WallClock
/// }
/// try await fleet.stopDatabase("orders-db")                                       // StopDBInstance
/// try await fleet.wait(for: .database("orders-db"), until: ["stopped"], timeout: 3600)
/// ```
///
/// The whole surface, for the engine:
///
/// | need | call |
/// |---|---|
/// | resolve targets | `instances(_:)`, `databases(_:)` with `.ids([...])`, `.tagged(key, values...)`, `.tags([...])`, `.all` |
/// | act | `startInstances(_:)`, `stopInstances(_:force:)`, `startDatabase(_:)`, `stopDatabase(_:)` |
/// | current state | `state(of:)` → `"running"`, `"stopped"`, `"available"` … or nil when gone |
/// | wait for a state | `wait(for:until:failOn:timeout:pollInterval:)` |
/// | `aws:executeAwsApi` | `ResourceOperations.call(service:action:input:)`, with SDK-shaped JSON in and out |
///
/// Errors are the services' own (`ResourceError`: `IncorrectInstanceState`,
/// `InsufficientInstanceCapacity`, `RequestLimitExceeded`, `Throttling`, `DBInstanceNotFound`
/// …), so a runbook step fails with the message it would have on AWS; `FleetWaitError` when
/// a wait times out or the resource reaches a state it cannot come back from. Faults injected
/// into the simulator (`Fault`) reach the engine exactly as they reach API clients.
///
/// Time: every timeout and poll interval is in seconds on the daemon's `WallClock`, so a
/// simulated clock (`--clock-speed`) speeds waits up, and a `ManualWallClock` makes tests
/// deterministic. With the simulator, a wait wakes the moment the resource changes; with a
/// provider that cannot tell, it polls every `pollInterval`.
public struct Fleet: Sendable {
    public let provider: any ResourceProvider
    public let clock: AnyWallClock

    public init(provider: any ResourceProvider, clock: some WallClock) {
        self.provider = provider
        self.clock = AnyWallClock(clock)
    }

    /// Which resources: by id, by tags, or all.
    public enum Selection: Sendable, Equatable {
        case ids([String])
        /// Every condition must hold: the tag `key` exists and, when `values` is not empty,
        /// has one of them (as EC2's `tag:KEY` filter; `*` and `?` are wildcards).
        case tags([TagCondition])
        case all

        /// `tag:KEY=VALUE[,VALUE…]`, as `Targets` by tag name them.
        public static func tagged(_ key: String, _ values: String...) -> Selection { .tags([TagCondition(key: key, values: values)]) }
    }

    public struct TagCondition: Sendable, Equatable {
        public var key: String
        public var values: [String]

        public init(key: String, values: [String] = []) {
            self.key = key
            self.values = values
        }

        func matches(_ tags: [Tag]) -> Bool {
            guard let tag = tags.first(where: { $0.key == key }) else { return false }
            return values.isEmpty || values.contains { Wildcard.matches(tag.value, pattern: $0) }
        }
    }

    // MARK: Selecting

    /// The EC2 instances selected, in id order (terminated ones included while still listed).
    /// Named ids that do not exist are an `InvalidInstanceID.NotFound`.
    public func instances(_ selection: Selection) async throws -> [EC2Instance] {
        var query = InstanceQuery()
        switch selection {
        case .ids(let ids):
            if ids.isEmpty { return [] }
            query.ids = ids
        case .tags(let conditions):
            query.filters = conditions.map { ResourceFilter($0.values.isEmpty ? "tag-key" : "tag:\($0.key)",
                                                            $0.values.isEmpty ? [$0.key] : $0.values) }
        case .all:
            break
        }
        var instances: [EC2Instance] = []
        var page = PageRequest(size: 1_000)
        repeat {
            let result = try await provider.describeInstances(query, page: page)
            instances += result.items
            page.token = result.nextToken
        } while page.token != nil
        return instances
    }

    /// The RDS DB instances selected, in identifier order. A named identifier that does not
    /// exist is a `DBInstanceNotFound`.
    public func databases(_ selection: Selection) async throws -> [DBInstance] {
        if case .ids(let ids) = selection {
            var found: [DBInstance] = []
            for id in ids { found += try await provider.describeDBInstances(DBInstanceQuery(identifier: id), page: .all).items }
            return found
        }
        var databases: [DBInstance] = []
        var page = PageRequest(size: 100)
        repeat {
            let result = try await provider.describeDBInstances(DBInstanceQuery(), page: page)
            databases += result.items
            page.token = result.nextToken
        } while page.token != nil
        if case .tags(let conditions) = selection {
            return databases.filter { database in conditions.allSatisfy { $0.matches(database.tags) } }
        }
        return databases
    }

    // MARK: Acting

    /// StartInstances on the instances selected (none selected: nothing happens).
    public func startInstances(_ selection: Selection) async throws -> [InstanceStateChange] {
        let ids = try await selectedIds(selection)
        return ids.isEmpty ? [] : try await provider.startInstances(ids)
    }

    /// StopInstances on the instances selected.
    public func stopInstances(_ selection: Selection, force: Bool = false) async throws -> [InstanceStateChange] {
        let ids = try await selectedIds(selection)
        return ids.isEmpty ? [] : try await provider.stopInstances(ids, force: force)
    }

    /// StartDBInstance.
    @discardableResult
    public func startDatabase(_ identifier: String) async throws -> DBInstance {
        try await provider.startDBInstance(identifier)
    }

    /// StopDBInstance.
    @discardableResult
    public func stopDatabase(_ identifier: String) async throws -> DBInstance {
        try await provider.stopDBInstance(identifier)
    }

    private func selectedIds(_ selection: Selection) async throws -> [String] {
        if case .ids(let ids) = selection { return ids }
        return try await instances(selection).map(\.id)
    }

    // MARK: State and waiting

    /// The state of one resource now (`pending`, `running`, … for instances; `available`,
    /// `stopped`, … for databases), or nil when it does not exist (any more).
    public func state(of resource: ResourceID) async throws -> String? {
        do {
            switch resource {
            case .instance(let id):
                return try await provider.describeInstances(InstanceQuery(ids: [id]), page: .all).items.first?.state.rawValue
            case .database(let identifier):
                return try await provider.describeDBInstances(DBInstanceQuery(identifier: identifier), page: .all).items.first?.status.rawValue
            }
        } catch let error as ResourceError where error.code == "InvalidInstanceID.NotFound" || error.code == "DBInstanceNotFound" {
            return nil
        }
    }

    /// Waits until `resource` is in one of the `until` states and returns that state.
    ///
    /// - Parameters:
    ///   - until: The states that end the wait (`["stopped"]`). `"deleted"` is reached when the
    ///     resource no longer exists.
    ///   - failOn: States that end it with `FleetWaitError.failed` (`["terminated"]`).
    ///   - timeout: Seconds on the daemon's clock; nil waits for ever.
    ///   - pollInterval: The longest time between two looks at the resource.
    /// - Throws: `FleetWaitError`; a `ResourceError` from the provider (a throttled describe
    ///   is retried at the next poll, as AWS's waiters do).
    @discardableResult
    public func wait(for resource: ResourceID, until: Set<String>, failOn: Set<String> = [], timeout: TimeInterval? = nil,
                     pollInterval: TimeInterval = 5) async throws -> String {
        let deadline = timeout.map { clock.now().addingTimeInterval($0) }
        var last: String?
        while true {
            try Task.checkCancellation()
            // Taken before the look, so a change right after it still ends the wait below at once.
            let mark = provider.changeMark()
            do {
                last = try await state(of: resource) ?? "deleted"
                if let state = last, until.contains(state) { return state }
                if let state = last, failOn.contains(state) { throw FleetWaitError.failed(resource, state: state) }
            } catch let error as ResourceError where error.isRetryable {
                // Throttled: look again at the next poll.
            }
            let now = clock.now()
            if let deadline, now >= deadline { throw FleetWaitError.timedOut(resource, lastState: last) }
            let wake = min(deadline ?? .distantFuture, now.addingTimeInterval(pollInterval))
            await provider.waitForChange(of: [resource], since: mark, until: wake)
        }
    }
}

/// Why `Fleet.wait` gave up.
public enum FleetWaitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The timeout passed; the state last seen (nil if none could be read).
    case timedOut(ResourceID, lastState: String?)
    /// The resource reached a state the wait fails on.
    case failed(ResourceID, state: String)

    public var description: String {
        switch self {
        case .timedOut(let resource, let state):
            "timed out waiting for \(resource) (last state: \(state ?? "unknown"))"
        case .failed(let resource, let state):
            "\(resource) reached \(state), a state the wait fails on"
        }
    }
}
