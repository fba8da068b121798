/// The metric families schedulerd exposes, declared in one place so their names and help
/// texts are documented together (README, "Operations endpoints").
public enum DaemonMetrics {
    public static let transitionLateness = "schedulerd_transition_lateness_seconds"
    public static let transitions = "schedulerd_transitions_total"
    public static let eventsRecorded = "schedulerd_events_recorded_total"
    public static let eventsMatched = "schedulerd_events_matched_total"
    public static let deliveries = "schedulerd_deliveries_total"
    public static let apiRequests = "schedulerd_api_requests_total"
    public static let apiLatency = "schedulerd_api_request_duration_seconds"
    public static let automationExecutions = "schedulerd_automation_executions_total"
    public static let resourceStateChanges = "schedulerd_resource_state_changes_total"

    /// A registry with every family declared.
    public static func makeRegistry() -> MetricsRegistry {
        let registry = MetricsRegistry()
        registry.declareHistogram(transitionLateness, help: "Calendar transition lateness: event recorded minus scheduled instant.",
                                  buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 60])
        registry.declareCounter(transitions, help: "Calendar transitions recorded, by state and whether they were catch-ups.")
        registry.declareCounter(eventsRecorded, help: "Events recorded in the outbox, by source.")
        registry.declareCounter(eventsMatched, help: "Target deliveries queued for events that matched rules, by event source.")
        registry.declareCounter(deliveries, help: "Delivery attempts by target type and outcome (delivered, failed, dead).")
        registry.declareCounter(apiRequests, help: "API requests by service, operation and HTTP status.")
        registry.declareHistogram(apiLatency, help: "API request handling time, by service.",
                                  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1])
        registry.declareCounter(automationExecutions, help: "Automation executions ended, by final status.")
        registry.declareCounter(resourceStateChanges, help: "State changes of simulated EC2 instances and RDS databases, by service and state entered.")
        return registry
    }
}
