public import Foundation

/// Where the scheduler gets the time, and how it waits for it.
///
/// No core code calls `Date()` or `Task.sleep` directly: the daemon injects the system
/// clock, demos and tests a simulated or manual one, and the same loop runs on all of them.
/// `sleep(until:)` may return early; callers re-read `now()` after every wake, which is also
/// how a clock step, a suspend or an NTP correction gets noticed.
public protocol WallClock: Sendable {
    /// The current wall-clock instant.
    func now() -> Date
    /// Suspends until `deadline` (or earlier); throws `CancellationError` when cancelled.
    func sleep(until deadline: Date) async throws
}

/// The machine's clock.
public struct SystemWallClock: WallClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        guard seconds > 0 else { return }
        try await Task.sleep(for: .seconds(seconds))
    }
}

/// Simulated time: starts at `start` and runs `speed` times faster than real time
/// (`schedulerd serve --clock-speed 3600 --clock-start 2026-12-01T00:00:00Z` plays an hour a second).
public struct SimulatedWallClock: WallClock {
    public let start: Date
    public let speed: Double
    private let origin: ContinuousClock.Instant

    public init(start: Date, speed: Double) {
        precondition(speed > 0, "clock speed must be positive")
        self.start = start
        self.speed = speed
        origin = ContinuousClock.now
    }

    public func now() -> Date {
        let elapsed = ContinuousClock.now - origin
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return start.addingTimeInterval(seconds * speed)
    }

    public func sleep(until deadline: Date) async throws {
        let simulated = deadline.timeIntervalSince(now())
        guard simulated > 0 else { return }
        try await Task.sleep(for: .seconds(simulated / speed))
    }
}

/// Any clock, boxed, for code that picks its clock at run time (`serve --clock-speed`).
public struct AnyWallClock: WallClock {
    private let base: any WallClock

    public init(_ base: any WallClock) {
        self.base = base
    }

    public func now() -> Date { base.now() }
    public func sleep(until deadline: Date) async throws { try await base.sleep(until: deadline) }
}
