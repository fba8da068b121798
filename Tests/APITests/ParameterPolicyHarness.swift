import Daemon
import Logging
import SchedulerCore
import SchedulerTesting

/// The daemon's parameter policy service over a test server's store and manual clock.
struct ParameterPolicyHarness {
    let server: APITestServer

    func run() async throws {
        var logger = Logger(label: "policy-test")
        logger.logLevel = .critical
        try await ParameterPolicyService(clock: server.clock, parameters: server.parameters, state: server.state, logger: logger,
                                         maximumSleep: 86_400).run()
    }
}
