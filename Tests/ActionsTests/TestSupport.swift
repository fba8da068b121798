@testable import Actions
import ChangeCalendar
import Daemon
import EventBus
import Foundation
import GRDB
import Logging
import SchedulerCore
import SchedulerTesting
import Store

/// A simulator over an in-memory database (or a file, to restart it), a manual clock starting
/// at 2026-12-01T00:00:00Z, and rules that route every aws.ec2 and aws.rds event to a log target.
struct Harness {
    static let start = CalendarTime.parse("2026-12-01T00:00:00Z")!
    let database: SchedulerDatabase
    let clock: ManualWallClock
    let state: RuntimeState
    let simulator: ResourceSimulator

    init(times: TransitionTimes = .aws, database: SchedulerDatabase? = nil, clock: ManualWallClock? = nil,
         maxEventAge: TimeInterval = 86_400, random: @escaping @Sendable () -> Double = { 0.5 }) throws {
        let database = try database ?? SchedulerDatabase(DatabaseQueue(), mirrorResources: true)
        let targets = TargetDefinition.encodeList([TargetDefinition(id: "log", kind: .log)])
        try database.reconcileRules([
            RuleRecord(name: "fleet-events", description: "", state: "ENABLED", eventPattern: #"{"source":["aws.ec2","aws.rds"]}"#,
                       scheduleExpression: nil, origin: "config", targets: targets),
        ], origin: .config)
        let state = RuntimeState(calendars: [:], rules: try RuleBook(records: try database.rules()))
        let clock = clock ?? ManualWallClock(now: Self.start)
        var logger = Logger(label: "actions-test")
        logger.logLevel = .critical
        self.database = database
        self.clock = clock
        self.state = state
        simulator = ResourceSimulator(database: database, clock: clock, state: state, account: "123456789012", region: "us-east-1",
                                      times: times, maxEventAge: maxEventAge, logger: logger, random: random)
    }

    /// A fleet: `web` (3 running, tagged Schedule=office-hours), `bastion` (1 running, untagged),
    /// `spare` (1 stopped) and the databases `orders-db` (available, tagged) and `reports-db` (stopped).
    static let fleet = FleetDeclaration(
        groups: [
            .init(name: "web", count: 3, tags: [Tag("Name", "web"), Tag("Schedule", "office-hours")]),
            .init(name: "bastion", count: 1, instanceType: "t3.nano", tags: [Tag("Name", "bastion")]),
            .init(name: "spare", count: 1, initialState: .stopped, tags: [Tag("Schedule", "office-hours")]),
        ],
        databases: [
            .init(identifier: "orders-db", tags: [Tag("Schedule", "office-hours")]),
            .init(identifier: "reports-db", engine: "mysql", initialStatus: .stopped),
        ])

    static var web: [String] { FleetDeclaration.InstanceGroup.instanceId(group: "web", index: 0...2) }
    static var bastion: String { FleetDeclaration.InstanceGroup.instanceId(group: "bastion", index: 0) }
    static var spare: String { FleetDeclaration.InstanceGroup.instanceId(group: "spare", index: 0) }

    func declare(_ declaration: FleetDeclaration = Harness.fleet) throws {
        var declaration = declaration
        declaration.times = simulator.times
        try simulator.reconcile(declaration)
    }

    /// Moves the clock `seconds` on and completes what is due, as the transition service would.
    func advance(_ seconds: TimeInterval) throws {
        clock.advance(to: clock.now().addingTimeInterval(seconds))
        try simulator.completeDueTransitions()
    }

    func instance(_ id: String) async throws -> EC2Instance {
        try await simulator.describeInstances(InstanceQuery(ids: [id]), page: .all).items[0]
    }

    func state(_ id: String) async throws -> InstanceStateName {
        try await instance(id).state
    }

    func database(_ identifier: String) async throws -> DBInstance {
        try await simulator.describeDBInstances(DBInstanceQuery(identifier: identifier), page: .all).items[0]
    }

    /// The events recorded, oldest first, as (time, detail-type, detail).
    func events() throws -> [(time: String, type: String, detail: JSONValue, deliveries: Int, deliverable: Bool)] {
        try database.events(since: nil).map { item in
            let value = try JSONValue(json: item.event.body)
            return (CalendarTime.format(Date(timeIntervalSince1970: item.event.time)), item.event.detailType,
                    value["detail"] ?? .null, item.deliveries.count, item.event.deliverable)
        }
    }

    /// "INSTANCE-ID STATE" of each EC2 event, in order.
    func instanceEvents() throws -> [String] {
        try events().filter { $0.type == "EC2 Instance State-change Notification" }.map {
            "\($0.detail["instance-id"]?.stringValue ?? "") \($0.detail["state"]?.stringValue ?? "")"
        }
    }

    /// The states of the EC2 events, in order.
    func instanceStates() throws -> [String] {
        try instanceEvents().map { String($0.split(separator: " ").last ?? "") }
    }

    /// "IDENTIFIER EVENT-ID" of each RDS event, in order.
    func databaseEvents() throws -> [String] {
        try events().filter { $0.type == "RDS DB Instance Event" }.map {
            "\($0.detail["SourceIdentifier"]?.stringValue ?? "") \($0.detail["EventID"]?.stringValue ?? "")"
        }
    }

    func addFault(_ fault: Fault) throws -> Fault {
        Fault(try database.addResourceFault(fault.record(origin: "runtime", at: clock.now())))!
    }
}

extension FleetDeclaration.InstanceGroup {
    static func instanceId(group: String, index: ClosedRange<Int>) -> [String] {
        index.map { instanceId(group: group, index: $0) }
    }
}

/// `expect { try await … }` throwing a ResourceError: the error, or nil when none was thrown.
func resourceError(_ body: () async throws -> Void) async -> ResourceError? {
    do {
        try await body()
        return nil
    } catch let error as ResourceError {
        return error
    } catch {
        return ResourceError("Unexpected", "\(error)")
    }
}

func at(_ text: String) -> Date { CalendarTime.parse(text)! }
