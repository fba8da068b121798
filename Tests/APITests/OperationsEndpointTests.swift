import Foundation
import SchedulerMetrics
import Testing

@Suite("Operations endpoints")
struct OperationsEndpointTests {
    @Test("/metrics counts API requests by operation and status, in Prometheus' text format; /healthz answers")
    func metrics() async throws {
        let server = try await APITestServer(calendars: ["nightly": Fixtures.nightly])
        defer { server.stop() }
        _ = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": ["nightly"]])
        _ = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": ["nope"]])
        _ = try await server.call("AmazonSSM.NoSuchThing")
        server.state.metrics.observe(DaemonMetrics.transitionLateness, 0.003)
        let (status, text) = try await server.get("/metrics")
        #expect(status == 200)
        #expect(text.contains(#"schedulerd_api_requests_total{service="ssm",operation="GetCalendarState",status="200"} 1"#))
        #expect(text.contains(#"schedulerd_api_requests_total{service="ssm",operation="GetCalendarState",status="400"} 1"#))
        #expect(text.contains(#"schedulerd_api_requests_total{service="ssm",operation="unknown",status="400"} 1"#),
                "unknown operations share one label value")
        #expect(text.contains("# TYPE schedulerd_transition_lateness_seconds histogram"))
        #expect(text.contains(#"schedulerd_transition_lateness_seconds_bucket{le="0.005"} 1"#))
        #expect(text.contains(#"schedulerd_transition_lateness_seconds_bucket{le="0.002"} 0"#))
        #expect(text.contains("schedulerd_transition_lateness_seconds_count 1"))
        #expect(text.contains(#"schedulerd_api_request_duration_seconds_count{service="ssm"} 3"#))
        let health = try await server.get("/healthz")
        #expect(health.status == 200)
        #expect(health.text.contains(#""status":"ok""#))
        let other = try await server.get("/nowhere")
        #expect(other.status == 404)
    }
}
