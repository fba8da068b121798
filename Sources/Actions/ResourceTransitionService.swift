public import Foundation
public import Logging
public import ServiceLifecycle

/// Carries the simulated fleet's transitions out on time: sleeps on the daemon's clock until
/// the next one is due (or a call schedules an earlier one), completes every due transition
/// with its events, and lets hung transitions go once their fault is removed. Wakes at least
/// every `maximumSleep` (daemon-clock seconds), so faults removed by another process
/// (`schedulerd fleet fault clear`) are noticed that soon.
public struct ResourceTransitionService: Service {
    let simulator: ResourceSimulator
    let maximumSleep: TimeInterval
    let logger: Logger

    public init(simulator: ResourceSimulator, maximumSleep: TimeInterval = 60, logger: Logger) {
        self.simulator = simulator
        self.maximumSleep = maximumSleep
        self.logger = logger
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await runUntilShutdown()
        } onGracefulShutdown: {
            simulator.scheduleKick.fire()
        }
    }

    private func runUntilShutdown() async {
        let clock = simulator.clock
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var next: Date?
            do {
                let completed = try simulator.completeDueTransitions()
                let released = try simulator.releaseHungTransitions()
                if completed > 0 || released > 0 {
                    logger.debug("fleet transitions", metadata: ["transitions.completed": "\(completed)", "transitions.released": "\(released)"])
                }
                next = try simulator.nextTransitionTime()
            } catch {
                logger.error("fleet transitions failed; retrying", metadata: ["error": "\(error)"])
            }
            let deadline = min(next ?? .distantFuture, clock.now().addingTimeInterval(maximumSleep))
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await clock.sleep(until: deadline) }
                group.addTask { await simulator.scheduleKick.wait() }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
