public import Actions
public import Automation
public import Daemon
import Foundation
public import Logging
public import Parameters
public import SchedulerMetrics
public import SchedulerCore
public import Store

/// What the operations share: the database, the schedule in force, the daemon's clock and
/// identity, the EC2 and RDS fleet. One per daemon.
public struct APIEnvironment: Sendable {
    public let database: SchedulerDatabase
    public let state: RuntimeState
    public let clock: AnyWallClock
    public let account: String
    public let region: String
    public let defaultTimeZone: String
    public let metrics: MetricsRegistry
    public let logger: Logger
    /// The Parameter Store over the same database, with the daemon's keys.
    public let parameters: ParameterStore
    /// Runs StartAutomationExecution's executions; nil answers the automation operations with
    /// an internal error.
    public let automations: AutomationEngine?
    /// Where EC2 instances and RDS databases live (the daemon's simulator).
    public let resources: any ResourceProvider

    /// - Parameter resources: The fleet the EC2 and RDS actions act on; by default a simulator
    ///   over `database` on `clock` with AWS-like transition times (whose transitions then
    ///   complete when a call finds them due, there being no transition service).
    public init(database: SchedulerDatabase, state: RuntimeState, clock: AnyWallClock, account: String, region: String,
                defaultTimeZone: String, metrics: MetricsRegistry, logger: Logger, parameters: ParameterStore,
                automations: AutomationEngine? = nil, resources: (any ResourceProvider)? = nil) {
        self.database = database
        self.state = state
        self.clock = clock
        self.account = account
        self.region = region
        self.defaultTimeZone = defaultTimeZone
        self.metrics = metrics
        self.logger = logger
        self.parameters = parameters
        self.automations = automations
        self.resources = resources ?? ResourceSimulator(database: database, clock: clock, state: state, account: account,
                                                        region: region, logger: logger)
    }

    /// Every operation schedulerd serves.
    public func operationTable() -> OperationTable {
        var table = OperationTable()
        DocumentOperations(environment: self).register(in: &table)
        CalendarStateOperation(environment: self).register(in: &table)
        RuleOperations(environment: self).register(in: &table)
        TargetOperations(environment: self).register(in: &table)
        EventOperations(environment: self).register(in: &table)
        ParameterOperations(environment: self, store: parameters).register(in: &table)
        AutomationOperations(environment: self).register(in: &table)
        ResourceActions(environment: self).register(in: &table)
        return table
    }
}
