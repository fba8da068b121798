import Daemon
import Foundation
import Logging
import SchedulerCore
import Store

/// What every execution of one engine shares.
struct EngineEnvironment: Sendable {
    let database: SchedulerDatabase
    let clock: AnyWallClock
    /// `ssm` answered by the engine, everything else by the provider it was given.
    let caller: any AWSAPICaller
    let catalog: RunbookCatalog
    let options: AutomationOptions
    let events: AutomationEvents
    let commands: LocalCommandRunner
    let logger: Logger
    let account: String
    let region: String
    /// Fired after every change an execution persists (tests and the API wait on it).
    let activity: Broadcast
    let runbooks: RunbookCache
    /// Parameter Store values for `{{ssm:}}` and `{{ssm-secure:}}`.
    let references: ParameterReferences

    /// Writes an execution's change with its events in one transaction, then wakes the
    /// delivery service when an event matched a rule.
    func save(_ execution: AutomationExecutionRecord?, _ steps: [AutomationStepRecord], _ outbox: [OutboxEntry]) throws {
        try database.saveAutomation(execution: execution, steps: steps, outbox: outbox)
        if outbox.contains(where: { !$0.deliveries.isEmpty }) { events.state.deliveriesRecorded() }
        activity.fire()
    }
}
