import EventBus
public import Foundation
public import Parameters
import SchedulerMetrics
public import Store

/// Parameter Store events onto the bus: each becomes an EventBridge envelope (source
/// `aws.ssm`) matched against the rules in force, and is recorded in the outbox in the same
/// transaction as the change, like every other event the daemon emits.
public struct ParameterOutbox: ParameterEventSink {
    let state: RuntimeState
    let account: String
    let region: String

    public init(state: RuntimeState, account: String, region: String) {
        self.state = state
        self.account = account
        self.region = region
    }

    public func outbox(for event: ParameterEvent, now: Date) throws -> SchedulerDatabase.OutboxRows {
        let envelope = try EventEnvelope(detailType: event.detailType, source: "aws.ssm", account: account, region: region,
                                         time: event.time, resources: event.resources, detailJSON: event.detailJSON)
        let deliveries = state.rules.deliveries(for: envelope, now: now)
        let stored = StoredEvent(id: envelope.id, dedupeKey: event.dedupeKey, time: event.time.timeIntervalSince1970,
                                 source: envelope.source, detailType: envelope.detailType, body: envelope.json,
                                 recordedAt: now.timeIntervalSince1970, deliverable: true)
        return (stored, deliveries)
    }

    public func committed(_ rows: [SchedulerDatabase.OutboxRows]) {
        guard !rows.isEmpty else { return }
        let metrics = state.metrics
        metrics.increment(DaemonMetrics.eventsRecorded, .init(["source": "aws.ssm"]), by: Double(rows.count))
        let deliveries = rows.reduce(0) { $0 + $1.deliveries.count }
        if deliveries > 0 {
            metrics.increment(DaemonMetrics.eventsMatched, .init(["source": "aws.ssm"]), by: Double(deliveries))
            state.deliveriesRecorded()
        }
    }
}
