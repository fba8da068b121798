/// How long and how often a failed delivery is retried, as EventBridge's `RetryPolicy`.
///
/// A delivery is retried with exponential backoff until it succeeds, has been retried
/// `maximumRetryAttempts` times, or the event is older than `maximumEventAgeInSeconds`;
/// then it goes to the dead-letter record.
public struct RetryPolicy: Sendable, Hashable {
    /// The range EventBridge allows for `maximumRetryAttempts`.
    public static let retryAttemptsRange = 0...185
    /// The range EventBridge allows for `maximumEventAgeInSeconds` (one minute to one day).
    public static let eventAgeRange = 60...86_400
    /// EventBridge's default: 185 attempts within 24 hours.
    public static let `default` = RetryPolicy()

    /// How many times a failed delivery is retried; 0 means it is tried once.
    public var maximumRetryAttempts: Int
    /// How old, in seconds, an event may become while its delivery is still being retried.
    public var maximumEventAgeInSeconds: Int

    /// Creates a policy. Both values must lie in EventBridge's ranges (`retryAttemptsRange`,
    /// `eventAgeRange`).
    public init(maximumRetryAttempts: Int = 185, maximumEventAgeInSeconds: Int = 86_400) {
        precondition(Self.retryAttemptsRange.contains(maximumRetryAttempts),
                     "maximumRetryAttempts must be in \(Self.retryAttemptsRange)")
        precondition(Self.eventAgeRange.contains(maximumEventAgeInSeconds),
                     "maximumEventAgeInSeconds must be in \(Self.eventAgeRange)")
        self.maximumRetryAttempts = maximumRetryAttempts
        self.maximumEventAgeInSeconds = maximumEventAgeInSeconds
    }
}
