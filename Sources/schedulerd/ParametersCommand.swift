import ArgumentParser
import Foundation
import Parameters
import SchedulerConfiguration

/// `schedulerd parameters`: maintenance of the Parameter Store's keys.
struct ParametersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parameters",
        abstract: "Maintain the Parameter Store's SecureString master keys (the parameters themselves are managed through the API).",
        subcommands: [RotateKey.self]
    )

    struct RotateKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Add a new master key version to the key file; new SecureString values are sealed with it.",
            discussion: """
                Older versions stay in the file: values they sealed keep opening, and are resealed under the \
                newest version whenever they are read with decryption, so no version is ever lost. Reload the daemon \
                (SIGHUP) or restart it to put the new version in force. Run this as the daemon's user.
                """
        )

        @Option(help: "The daemon's data directory (default: data_dir of the configuration file).")
        var dataDir: String?
        @Option(help: ArgumentHelp("The configuration file, for data_dir and parameters.key_file.",
                                   discussion: "Default: \(DaemonConfiguration.defaultPath), or the built-in defaults when it does not exist."))
        var config: String?

        func run() throws {
            let path = config ?? DaemonConfiguration.defaultPath
            var configuration = DaemonConfiguration.defaults
            if config != nil || FileManager.default.fileExists(atPath: path) {
                do {
                    configuration = try DaemonConfiguration.load(path: path)
                } catch {
                    printError(error.description)
                    throw ExitCode.failure
                }
            }
            if let dataDir { configuration.dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path }
            do {
                let version = try ConfigurationMapping.masterKeySource(configuration).rotate()
                print("schedulerd: master key version \(version) added; reload the daemon (SIGHUP) or restart it to use it")
            } catch {
                printError(error.message)
                throw ExitCode.failure
            }
        }
    }
}
