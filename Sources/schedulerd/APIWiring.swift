import API
import Foundation
import Logging
import SchedulerConfiguration
import Store

/// How the daemon authenticates API requests, from the configuration's `auth` section.
enum APIWiring {
    static func authenticator(configuration: DaemonConfiguration, database: SchedulerDatabase, logger: Logger) throws -> any APIAuthenticator {
        switch configuration.auth {
        case .none:
            logger.warning("API requests are not authenticated (auth: none)")
            return Unauthenticated()
        case .mapping:
            return Unauthenticated()
        }
    }
}
