/// How much the daemon logs, from the most to the least: swift-log's levels, by the same names.
public enum LogLevel: String, Sendable, Hashable, CaseIterable {
    /// Everything, including per-event detail useful only when debugging schedulerd itself.
    case trace
    /// Detail useful when debugging a configuration.
    case debug
    /// One line per transition, delivery and failure (the default).
    case info
    /// Notable but normal conditions.
    case notice
    /// Something went wrong and was handled (a retry, a refused reload).
    case warning
    /// Something failed (a delivery that exhausted its retries).
    case error
    /// The daemon cannot go on.
    case critical
}
