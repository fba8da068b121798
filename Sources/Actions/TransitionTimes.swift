public import Foundation

/// How long the simulated transitions take, in seconds on the daemon's clock (so a simulated
/// clock speeds them up too). The defaults are near what AWS shows; tests use `immediate`.
public struct TransitionTimes: Sendable, Equatable {
    /// EC2 `pending` → `running` (StartInstances, RunInstances).
    public var instanceStart: TimeInterval
    /// EC2 `stopping` → `stopped`.
    public var instanceStop: TimeInterval
    /// EC2 `shutting-down` → `terminated`.
    public var instanceTerminate: TimeInterval
    /// RDS `creating` → `available`.
    public var databaseCreate: TimeInterval
    /// RDS `starting` → `available`.
    public var databaseStart: TimeInterval
    /// RDS `stopping` → `stopped`.
    public var databaseStop: TimeInterval
    /// RDS `deleting` → gone.
    public var databaseDelete: TimeInterval
    /// How long a stopped DB instance stays stopped before RDS starts it (AWS: 7 days).
    public var databaseAutoStart: TimeInterval
    /// How long a terminated instance stays listed (AWS: about an hour).
    public var terminatedVisible: TimeInterval

    public init(instanceStart: TimeInterval = 10, instanceStop: TimeInterval = 20, instanceTerminate: TimeInterval = 20,
                databaseCreate: TimeInterval = 600, databaseStart: TimeInterval = 300, databaseStop: TimeInterval = 180,
                databaseDelete: TimeInterval = 300, databaseAutoStart: TimeInterval = 7 * 86_400,
                terminatedVisible: TimeInterval = 3_600) {
        self.instanceStart = instanceStart
        self.instanceStop = instanceStop
        self.instanceTerminate = instanceTerminate
        self.databaseCreate = databaseCreate
        self.databaseStart = databaseStart
        self.databaseStop = databaseStop
        self.databaseDelete = databaseDelete
        self.databaseAutoStart = databaseAutoStart
        self.terminatedVisible = terminatedVisible
    }

    /// Near AWS: instances start in 10 s and stop in 20 s, databases take minutes, a stopped
    /// database starts by itself after 7 days.
    public static let aws = TransitionTimes()

    /// Every transition completes as soon as the simulator runs (the 7-day automatic start and
    /// the hour a terminated instance stays listed keep their AWS values).
    public static let immediate = TransitionTimes(instanceStart: 0, instanceStop: 0, instanceTerminate: 0, databaseCreate: 0,
                                                  databaseStart: 0, databaseStop: 0, databaseDelete: 0)

    /// How long an EC2 instance stays in a transitional state.
    func duration(of state: InstanceStateName) -> TimeInterval {
        switch state {
        case .pending: instanceStart
        case .stopping: instanceStop
        case .shuttingDown: instanceTerminate
        case .terminated: terminatedVisible
        case .running, .stopped: 0
        }
    }

    /// How long a DB instance stays in a transitional status.
    func duration(of status: DBInstanceStatus) -> TimeInterval {
        switch status {
        case .creating: databaseCreate
        case .starting: databaseStart
        case .stopping: databaseStop
        case .deleting: databaseDelete
        case .stopped: databaseAutoStart
        case .available: 0
        }
    }
}
