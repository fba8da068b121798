import API
import Auth
import Foundation
import Logging
import SchedulerConfiguration
import Store

/// How the daemon authenticates API requests, from the configuration's `auth` section.
enum APIWiring {
    /// `auth: none` (loopback only, checked when the configuration is loaded) lets every
    /// request in; otherwise every request must carry a valid SigV4 signature from a stored or
    /// configured credential. With no credential at all, an admin one is made and written to
    /// the data directory (mode 0600), and the log says where.
    static func authenticator(configuration: DaemonConfiguration, database: SchedulerDatabase, logger: Logger) throws -> any APIAuthenticator {
        if configuration.auth == .none {
            logger.warning("API requests are not authenticated (auth: none)", metadata: ["api.listen": "\(configuration.listen)"])
            return Unauthenticated()
        }
        let store = try ConfigurationMapping.credentialStore(configuration, database: database)
        if let written = try store.bootstrapAdminIfEmpty(dataDirectory: configuration.dataDirectory) {
            logger.notice("no API credentials existed; made an admin credential", metadata: ["credentials.file": "\(written.path)"])
            print("schedulerd: no API credentials existed; an admin credential is in \(written.path) (mode 0600):")
            print("schedulerd:   set -a; . \(written.path); set +a   # then aws --endpoint-url ...")
        }
        let verifier = SigV4Verifier(credentials: store, region: configuration.region, accountID: configuration.accountID)
        return SigV4Authenticator(verifier: verifier)
    }
}

/// The API's authenticator over SigV4: the signature on every request (real time, 15
/// minutes of skew), then the credential's role against the operation.
struct SigV4Authenticator: APIAuthenticator {
    let verifier: SigV4Verifier

    func authenticate(_ request: WireRequest) throws(APIError) -> Caller {
        let signed = SignedRequest(method: request.method, path: request.path, query: request.query,
                                   headers: request.headers, body: request.body)
        do {
            let verified = try verifier.verifySignature(signed)
            let principal = verified.principal
            return Caller(name: principal.name, accessKeyId: principal.accessKeyId, role: principal.role.rawValue,
                          signingService: verified.service)
        } catch {
            throw APIError(error.code, error.message, status: error.httpStatus)
        }
    }

    func authorize(_ caller: Caller, service: ServiceKind, operation: String) throws(APIError) {
        guard let accessKeyId = caller.accessKeyId, let role = Role(rawValue: caller.role) else { return }
        let principal = Principal(accessKeyId: accessKeyId, name: caller.name, role: role)
        do {
            try verifier.authorize(principal, operation: "\(service.rawValue):\(operation)")
        } catch {
            throw APIError(error.code, error.message, status: error.httpStatus)
        }
    }
}
