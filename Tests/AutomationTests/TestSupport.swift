import Actions
import Automation
import ChangeCalendar
import Daemon
import EventBus
import Foundation
import GRDB
import Logging
import Parameters
import Runbooks
import SchedulerCore
import SchedulerTesting
import Store

func at(_ text: String) -> Date { CalendarTime.parse(text)! }

/// An engine over a database, a manual clock and the EC2/RDS simulator, running as a task
/// until `stop()`.
///
/// The engine reaches the simulator as the daemon's does: `SimulatorAPICaller` over the same
/// `ResourceOperations` the API serves. No `ResourceTransitionService` runs: every simulator
/// call completes what is overdue first, so the engine's own polls see each transition at its
/// due instant, and the only tasks asleep on the clock are the engine's (tests count them).
final class Harness: Sendable {
    let database: SchedulerDatabase
    let state: RuntimeState
    let clock: ManualWallClock
    /// The EC2 and RDS simulator the engine calls; its fleet and events live in `database`.
    let simulator: ResourceSimulator
    let engine: AutomationEngine
    /// The Parameter Store `{{ssm:}}` and `{{ssm-secure:}}` references read.
    let parameters: ParameterStore
    private let task: Task<Void, any Error>

    static let account = "123456789012"

    /// - Parameters:
    ///   - database: A database to reopen (a restart); a fresh in-memory one by default.
    ///   - fleet: Reconciled into the simulator, as the daemon does with its configuration at
    ///     every start: a restart over the same database passes the same declaration.
    ///   - times: How long the simulator's transitions take (`transitions(taking:)` for one
    ///     duration for all of them).
    ///   - caller: Wraps the engine's `SimulatorAPICaller` (only to model a provider whose
    ///     answers differ from the simulator's).
    init(database: SchedulerDatabase? = nil, clock: ManualWallClock? = nil, fleet: FleetDeclaration = .empty,
         times: TransitionTimes = .immediate, rules: [RuleRecord] = [], calendars: [String: CalendarSchedule] = [:],
         options: AutomationOptions = AutomationOptions(),
         caller wrap: (SimulatorAPICaller) -> any AWSAPICaller = { $0 }) throws {
        let database = try database ?? SchedulerDatabase(DatabaseQueue(), mirrorResources: true)
        if !rules.isEmpty { try database.reconcileRules(rules, origin: .config) }
        let clock = clock ?? ManualWallClock(now: at("2026-12-01T12:00:00Z"))
        let state = RuntimeState(calendars: calendars, rules: try RuleBook(records: try database.rules()))
        var logger = Logger(label: "automation-test")
        logger.logLevel = .critical
        let simulator = ResourceSimulator(database: database, clock: clock, state: state, account: Self.account, region: "us-east-1",
                                          times: times, logger: logger)
        var declaration = fleet
        declaration.times = times
        try simulator.reconcile(declaration)
        let master = try MasterKeys.parse("1:" + Data(repeating: 7, count: 32).base64EncodedString(), source: "the test key")
        let parameters = ParameterStore(database: database,
                                        keyRing: ParameterKeyRing(master: master, customerKeys: [], region: "us-east-1", account: Self.account),
                                        events: ParameterOutbox(state: state, account: Self.account, region: "us-east-1"),
                                        region: "us-east-1", account: Self.account)
        let caller = wrap(SimulatorAPICaller(simulator, account: Self.account, region: "us-east-1"))
        let engine = AutomationEngine(database: database, state: state, clock: clock, resources: caller, parameters: parameters,
                                      account: Self.account, region: "us-east-1", logger: logger, options: options)
        self.parameters = parameters
        self.database = database
        self.state = state
        self.clock = clock
        self.simulator = simulator
        self.engine = engine
        task = Task { try await engine.run() }
    }

    deinit { task.cancel() }

    /// Stops the engine as a crash would: its tasks are cancelled and write nothing more.
    func stop() async {
        task.cancel()
        _ = await task.result
    }

    func document(_ name: String, _ content: String, type: String = "Automation", format: String = "YAML") throws {
        _ = try database.createDocument(name: name, type: type, format: format, content: content, versionName: nil, tags: "[]", now: clock.now())
    }

    func start(_ name: String, _ parameters: [String: [String]] = [:], token: String? = nil, targets: [AutomationTarget] = [],
               targetParameter: String? = nil, maxConcurrency: String? = nil, maxErrors: String? = nil) throws -> String {
        try engine.start(AutomationStartRequest(documentName: name, parameters: parameters, clientToken: token,
                                                targetParameterName: targetParameter, targets: targets, maxConcurrency: maxConcurrency,
                                                maxErrors: maxErrors, executedBy: "arn:aws:iam::123456789012:user/tester"))
    }

    func finished(_ id: String) async throws -> AutomationExecutionRecord { try await engine.finished(id) }

    /// Waits until the execution's steps satisfy `predicate`.
    func steps(_ id: String, where predicate: @escaping ([AutomationStepRecord]) -> Bool) async throws -> [AutomationStepRecord] {
        _ = try await engine.execution(id) { _ in (try? predicate(self.database.automationSteps(executionId: id))) ?? false }
        return try database.automationSteps(executionId: id)
    }

    /// Waits until the step named `name` has status `status`.
    func step(_ id: String, _ name: String, is status: String) async throws -> AutomationStepRecord {
        let steps = try await steps(id) { $0.contains { $0.stepName == name && $0.status == status } }
        return steps.last { $0.stepName == name && $0.status == status }!
    }

    /// Moves the clock by `seconds` once at least `sleepers` tasks sleep on it.
    func advance(_ seconds: TimeInterval, afterSleepers sleepers: Int = 1) async {
        await clock.waitForSleepers(sleepers)
        clock.advance(to: clock.now().addingTimeInterval(seconds))
    }

    /// Steps the clock from deadline to deadline (each time `sleepers` tasks sleep on it)
    /// until the execution ends; no real time passes.
    func drive(_ id: String, sleepers: Int = 1, limit: Date = .distantFuture) async throws -> AutomationExecutionRecord {
        while true {
            if let record = try database.automationExecution(id: id), AutomationStatus(rawValue: record.status)?.isTerminal == true {
                return record
            }
            if clock.sleeperCount >= sleepers, let next = clock.nextDeadline, next <= limit {
                clock.advance(to: next)
            }
            await Task.yield()
        }
    }

    /// The automation events in the outbox, oldest first: (detail-type, detail).
    func events() throws -> [(String, JSONValue)] {
        try database.events(since: nil).map(\.event).filter { $0.detailType.hasPrefix("EC2 Automation") }
            .compactMap { event in (try? JSONValue(json: event.body)).map { (event.detailType, $0["detail"] ?? .null) } }
    }

    // MARK: - The simulated fleet

    /// The ids of the first `count` instances of a group named `group` (declared or not).
    static func instanceIds(_ group: String, _ count: Int) -> [String] {
        (0..<count).map { FleetDeclaration.InstanceGroup.instanceId(group: group, index: $0) }
    }

    static func instanceId(_ group: String, _ index: Int = 0) -> String {
        FleetDeclaration.InstanceGroup.instanceId(group: group, index: index)
    }

    /// The instance as DescribeInstances shows it now.
    func instance(_ id: String) async throws -> EC2Instance {
        try await simulator.describeInstances(InstanceQuery(ids: [id]), page: .all).items[0]
    }

    /// The state name of an instance, as DescribeInstances shows it now.
    func instanceState(_ id: String) async throws -> String {
        try await instance(id).state.rawValue
    }

    /// The status of a DB instance, as DescribeDBInstances shows it now.
    func databaseStatus(_ identifier: String) async throws -> String {
        try await simulator.describeDBInstances(DBInstanceQuery(identifier: identifier), page: .all).items[0].status.rawValue
    }

    /// Adds a fault at run time, as `schedulerd fleet fault add` does.
    @discardableResult
    func addFault(_ fault: Fault) throws -> Fault {
        Fault(try database.addResourceFault(fault.record(origin: "runtime", at: clock.now())))!
    }

    /// The faults in force (a counted one is gone once used up).
    func faults() throws -> [Fault] {
        try database.resourceFaults().compactMap(Fault.init)
    }

    /// A state a resource entered, as the simulator put it on the bus.
    struct Change: Equatable, CustomStringConvertible {
        let state: String
        let time: Date
        var description: String { "\(state)@\(CalendarTime.format(time))" }
    }

    /// Every state instance `id` entered, oldest first, from its `EC2 Instance State-change
    /// Notification` events in the outbox (after completing what is due now, as the daemon's
    /// transition service would have).
    func instanceChanges(_ id: String) throws -> [Change] {
        try simulator.completeDueTransitions()
        return try database.events(since: nil).map(\.event).filter { $0.detailType == "EC2 Instance State-change Notification" }
            .compactMap { event -> Change? in
                let detail = try JSONValue(json: event.body)["detail"]
                guard detail?["instance-id"]?.stringValue == id, let state = detail?["state"]?.stringValue else { return nil }
                return Change(state: state, time: Date(timeIntervalSince1970: event.time))
            }
    }

    /// The states of `instanceChanges(id)`.
    func instanceStates(_ id: String) throws -> [String] {
        try instanceChanges(id).map(\.state)
    }

    /// The RDS event ids (`RDS-EVENT-0004` shutdown, `-0087` stopped, `-0006` restarted,
    /// `-0088` started …) of DB instance `identifier`, oldest first (after completing what is
    /// due now).
    func databaseEvents(_ identifier: String) throws -> [String] {
        try simulator.completeDueTransitions()
        return try database.events(since: nil).map(\.event).filter { $0.detailType == "RDS DB Instance Event" }
            .compactMap { event -> String? in
                let detail = try JSONValue(json: event.body)["detail"]
                guard detail?["SourceIdentifier"]?.stringValue == identifier else { return nil }
                return detail?["EventID"]?.stringValue
            }
    }
}

extension TransitionTimes {
    /// Every start, stop, termination, creation and deletion takes `seconds`.
    static func transitions(taking seconds: TimeInterval) -> TransitionTimes {
        TransitionTimes(instanceStart: seconds, instanceStop: seconds, instanceTerminate: seconds, databaseCreate: seconds,
                        databaseStart: seconds, databaseStop: seconds, databaseDelete: seconds)
    }
}

extension FleetDeclaration.InstanceGroup {
    /// `count` instances in `state`, tagged `tags`.
    static func of(_ name: String, _ count: Int, _ state: InstanceStateName = .running,
                   tags: [String: String] = [:]) -> FleetDeclaration.InstanceGroup {
        FleetDeclaration.InstanceGroup(name: name, count: count, initialState: state,
                                       tags: tags.keys.sorted().map { Actions.Tag($0, tags[$0]!) })
    }
}

extension AutomationStepRecord {
    var outputValues: [String: JSONValue] { (outputs.flatMap { try? JSONValue(json: $0) })?.objectValue ?? [:] }
    var inputValues: [String: JSONValue] { (inputs.flatMap { try? JSONValue(json: $0) })?.objectValue ?? [:] }
}

extension AutomationExecutionRecord {
    var outputValues: [String: JSONValue] { (outputs.flatMap { try? JSONValue(json: $0) })?.objectValue ?? [:] }
}
