import Foundation
public import Logging
public import Parameters
public import SchedulerCore
public import ServiceLifecycle

/// Carries out Parameter Store policies on the daemon's clock: at each policy's time it emits
/// `Parameter Store Policy Action` (and, for an Expiration, deletes the parameter with its
/// `Parameter Store Change` Delete event). It sleeps until the next policy is due, at most
/// `maximumSleep`, and wakes early when a parameter with policies is written.
public struct ParameterPolicyService<Clock: WallClock>: Service {
    let clock: Clock
    let parameters: ParameterStore
    let state: RuntimeState
    let logger: Logger
    let maximumSleep: TimeInterval

    public init(clock: Clock, parameters: ParameterStore, state: RuntimeState, logger: Logger, maximumSleep: TimeInterval = 60) {
        self.clock = clock
        self.parameters = parameters
        self.state = state
        self.logger = logger
        self.maximumSleep = maximumSleep
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await runUntilShutdown()
        } onGracefulShutdown: {
            state.policiesKick.fire()
        }
    }

    private func runUntilShutdown() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let now = clock.now()
            do {
                let applied = try parameters.applyDuePolicies(now: now)
                if applied > 0 { logger.info("parameter policies carried out", metadata: ["policy.count": "\(applied)"]) }
            } catch {
                logger.error("parameter policies could not be carried out; retrying", metadata: ["error": "\(error)"])
            }
            let next = (try? parameters.nextPolicyTime()) ?? nil
            let deadline = min(next ?? .distantFuture, now.addingTimeInterval(maximumSleep))
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await clock.sleep(until: deadline) }
                group.addTask { await state.policiesKick.wait() }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
