import Daemon
import Foundation
import Parameters
import SchedulerConfiguration
import Store

extension ConfigurationMapping {
    /// The default master key file, in the data directory.
    static let parameterKeyFileName = "parameters.key"

    /// Where the configuration says the master keys are.
    static func masterKeySource(_ configuration: DaemonConfiguration) -> MasterKeySource {
        switch configuration.parameters.masterKeys {
        case .environment(let name): .environment(name)
        case .file(let path?): .file(path)
        case .file(nil): .file((configuration.dataDirectory as NSString).appendingPathComponent(parameterKeyFileName))
        }
    }

    /// The Parameter Store's keys: the master keys (a missing key file is made only while no
    /// SecureString is stored) and the configuration's KMS key ids.
    static func parameterKeyRing(_ configuration: DaemonConfiguration, database: SchedulerDatabase) throws -> ParameterKeyRing {
        let master = try masterKeySource(configuration).load(mayCreate: !database.hasSecureParameters())
        return ParameterKeyRing(master: master,
                                customerKeys: configuration.parameters.kmsKeys.map { .init(id: $0.keyID, aliases: $0.aliases) },
                                region: configuration.region, account: configuration.accountID)
    }

    /// The Parameter Store over `database`, its events on `state`'s bus.
    static func parameterStore(_ configuration: DaemonConfiguration, database: SchedulerDatabase, state: RuntimeState) throws -> ParameterStore {
        ParameterStore(database: database, keyRing: try parameterKeyRing(configuration, database: database),
                       events: ParameterOutbox(state: state, account: configuration.accountID, region: configuration.region),
                       region: configuration.region, account: configuration.accountID)
    }
}
