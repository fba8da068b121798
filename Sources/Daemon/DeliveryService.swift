import Foundation
import Logging
import SchedulerMetrics
import SchedulerCore
import ServiceLifecycle
import Store

/// Carries recorded events to their targets: retries with exponential backoff as EventBridge
/// does (until `MaximumRetryAttempts` or `MaximumEventAgeInSeconds`), then keeps a dead-letter
/// record (`status = dead` with the last error). On graceful shutdown it finishes the
/// deliveries in flight and stops.
public struct DeliveryService<Clock: WallClock>: Service {
    let clock: Clock
    let database: SchedulerDatabase
    let state: RuntimeState
    let logger: Logger
    let runner: TargetRunner
    /// Deliveries run at once, at most.
    let concurrency = 8
    /// Longest idle wait; new work also wakes the service at once.
    let idleWake: TimeInterval

    public init(clock: Clock, database: SchedulerDatabase, state: RuntimeState, logger: Logger, idleWake: TimeInterval = 60,
                automations: (any AutomationStarter)? = nil) {
        self.idleWake = idleWake
        self.clock = clock
        self.database = database
        self.state = state
        self.logger = logger
        runner = TargetRunner(logger: logger, automations: automations)
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await deliverUntilShutdown()
        } onGracefulShutdown: {
            state.deliveryKick.fire()   // wake up, finish what is in flight, stop
        }
    }

    private func deliverUntilShutdown() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let due = try database.dueDeliveries(now: clock.now(), limit: concurrency * 4)
            if due.isEmpty {
                await waitForWork()
                continue
            }
            let rules = state.rules
            await withTaskGroup(of: Void.self) { group in
                for (index, item) in due.enumerated() {
                    if index >= concurrency { await group.next() }
                    group.addTask { await attempt(item.delivery, event: item.event, rules: rules) }
                }
            }
        }
    }

    /// Until new deliveries are recorded, the next retry is due, or `idleWake` has passed.
    private func waitForWork() async {
        let nextRetry = (try? database.nextDeliveryTime()) ?? nil
        let deadline = min(nextRetry ?? .distantFuture, clock.now().addingTimeInterval(idleWake))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await state.deliveryKick.wait() }
            group.addTask { try? await clock.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
    }

    func attempt(_ delivery: DeliveryRecord, event stored: StoredEvent, rules: RuleBook) async {
        var delivery = delivery
        let now = clock.now()
        guard let target = rules.rules[delivery.rule]?.targets.first(where: { $0.id == delivery.targetId }) else {
            return finish(&delivery, now: now, status: .dead, error: "rule \(delivery.rule) or its target \(delivery.targetId) no longer exists",
                          targetKind: "unknown")
        }
        if now.timeIntervalSince1970 - stored.time > Double(target.maximumEventAgeInSeconds) {
            return finish(&delivery, now: now, status: .dead, error: "event older than MaximumEventAgeInSeconds (\(target.maximumEventAgeInSeconds))",
                          targetKind: target.kind.rawValue)
        }
        let payload: String
        do {
            let event = try EventEnvelope(id: stored.id, detailType: stored.detailType, source: stored.source, stored: stored.body,
                                          time: Date(timeIntervalSince1970: stored.time))
            payload = try TargetInput.render(target, event: event)
        } catch {
            return finish(&delivery, now: now, status: .dead, error: "input cannot be built: \(error)", targetKind: target.kind.rawValue)
        }
        let key = "\(delivery.eventId):\(delivery.targetId)"
        let outcome = await runner.deliver(payload, to: target, idempotencyKey: key, rule: delivery.rule)
        delivery.attempts += 1
        delivery.output = outcome.output.isEmpty ? nil : outcome.output
        if outcome.succeeded {
            finish(&delivery, now: clock.now(), status: .delivered, error: nil, targetKind: target.kind.rawValue)
        } else if outcome.permanent || delivery.attempts > target.maximumRetryAttempts {
            finish(&delivery, now: clock.now(), status: .dead, error: outcome.output, targetKind: target.kind.rawValue)
        } else {
            // 1 s, 2 s, 4 s … capped at 5 minutes.
            let backoff = min(300, pow(2, Double(delivery.attempts - 1)))
            delivery.nextAttemptAt = clock.now().timeIntervalSince1970 + backoff
            finish(&delivery, now: clock.now(), status: .failed, error: outcome.output, targetKind: target.kind.rawValue)
        }
    }

    private func finish(_ delivery: inout DeliveryRecord, now: Date, status: DeliveryRecord.Status, error: String?, targetKind: String) {
        state.metrics.increment(DaemonMetrics.deliveries, .init(["target_type": targetKind, "outcome": status.rawValue]))
        delivery.status = status
        delivery.lastError = error
        delivery.updatedAt = now.timeIntervalSince1970
        do {
            try database.finishAttempt(delivery)
        } catch {
            logger.error("cannot record delivery", metadata: ["event.id": "\(delivery.eventId)", "error": "\(error)"])
        }
        let metadata: Logger.Metadata = ["event.id": "\(delivery.eventId)", "rule.name": "\(delivery.rule)",
                                         "target.id": "\(delivery.targetId)", "delivery.status": "\(status.rawValue)",
                                         "delivery.attempts": "\(delivery.attempts)", "delivery.error": "\(error ?? "")"]
        switch status {
        case .delivered: logger.info("delivery", metadata: metadata)
        case .failed: logger.warning("delivery retry", metadata: metadata)
        case .dead: logger.error("delivery failed for good", metadata: metadata)
        case .pending: break
        }
    }
}
