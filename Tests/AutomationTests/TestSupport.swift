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

/// An engine over a database, a manual clock and the EC2/RDS test double, running as a task
/// until `stop()`.
final class Harness: Sendable {
    let database: SchedulerDatabase
    let state: RuntimeState
    let clock: ManualWallClock
    let cloud: EC2RDSTestDouble
    let engine: AutomationEngine
    /// The Parameter Store `{{ssm:}}` and `{{ssm-secure:}}` references read.
    let parameters: ParameterStore
    private let task: Task<Void, any Error>

    static let account = "123456789012"

    init(database: SchedulerDatabase? = nil, clock: ManualWallClock? = nil, cloud: EC2RDSTestDouble? = nil,
         transitionSeconds: TimeInterval = 0, rules: [RuleRecord] = [], calendars: [String: CalendarSchedule] = [:],
         options: AutomationOptions = AutomationOptions()) throws {
        let database = try database ?? SchedulerDatabase(DatabaseQueue())
        if !rules.isEmpty { try database.reconcileRules(rules, origin: .config) }
        let clock = clock ?? ManualWallClock(now: at("2026-12-01T12:00:00Z"))
        let state = RuntimeState(calendars: calendars, rules: try RuleBook(records: try database.rules()))
        let cloud = cloud ?? EC2RDSTestDouble(clock: clock, transitionSeconds: transitionSeconds)
        var logger = Logger(label: "automation-test")
        logger.logLevel = .critical
        let master = try MasterKeys.parse("1:" + Data(repeating: 7, count: 32).base64EncodedString(), source: "the test key")
        let parameters = ParameterStore(database: database,
                                        keyRing: ParameterKeyRing(master: master, customerKeys: [], region: "us-east-1", account: Self.account),
                                        events: ParameterOutbox(state: state, account: Self.account, region: "us-east-1"),
                                        region: "us-east-1", account: Self.account)
        let engine = AutomationEngine(database: database, state: state, clock: clock, resources: cloud, parameters: parameters,
                                      account: Self.account, region: "us-east-1", logger: logger, options: options)
        self.parameters = parameters
        self.database = database
        self.state = state
        self.clock = clock
        self.cloud = cloud
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
}

extension AutomationStepRecord {
    var outputValues: [String: JSONValue] { (outputs.flatMap { try? JSONValue(json: $0) })?.objectValue ?? [:] }
    var inputValues: [String: JSONValue] { (inputs.flatMap { try? JSONValue(json: $0) })?.objectValue ?? [:] }
}

extension AutomationExecutionRecord {
    var outputValues: [String: JSONValue] { (outputs.flatMap { try? JSONValue(json: $0) })?.objectValue ?? [:] }
}
