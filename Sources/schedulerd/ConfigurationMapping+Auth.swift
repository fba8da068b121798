import Auth
import SchedulerConfiguration
import Foundation
import Store

extension ConfigurationMapping {
    /// The key file the configuration names, else `<data_dir>/credentials.key`.
    static func keyFile(_ configuration: DaemonConfiguration) -> String {
        if case .signatureV4(let keyFile?, _) = configuration.auth { return keyFile }
        return (configuration.dataDirectory as NSString).appendingPathComponent(CredentialStore.keyFileName)
    }

    /// The `auth.credentials` of the file, as the verifier looks them up. The decoder has
    /// checked the roles, so none is dropped here.
    static func configuredCredentials(_ configuration: DaemonConfiguration) -> [Credential] {
        guard case .signatureV4(_, let credentials) = configuration.auth else { return [] }
        return credentials.compactMap { credential in
            Role(rawValue: credential.role).map {
                Credential(accessKeyId: credential.accessKeyID, secretAccessKey: credential.secretAccessKey,
                           name: credential.name, role: $0)
            }
        }
    }

    /// The credentials of `database`, with the configuration's key file and credentials.
    static func credentialStore(_ configuration: DaemonConfiguration, database: SchedulerDatabase) throws -> CredentialStore {
        try CredentialStore(database: database, keyFile: keyFile(configuration),
                            configured: configuredCredentials(configuration))
    }
}
