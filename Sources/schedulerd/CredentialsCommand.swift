import ArgumentParser
import Auth
import ChangeCalendar
import SchedulerConfiguration
import Foundation
import Store

/// `schedulerd credentials`: the API's access keys, managed in the daemon's database.
struct CredentialsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "Create, list and revoke the access keys that sign API requests (works on the database; the daemon need not run).",
        discussion: """
            Keys are stored in the daemon's database with their secrets sealed by the key file \
            (<data_dir>/credentials.key unless auth.key_file names another). A secret is shown once, when it is \
            created. A key revoked while the daemon runs is refused within about a second. Run these commands as \
            the daemon's user (for example sudo -u schedulerd), so the files they create stay readable by it.

            Roles: admin may call every operation; readonly only Get*, Describe*, List* and Test*; operator what \
            readonly may, plus running what exists without redefining it (PutEvents, Enable/DisableRule, \
            Start/StopAutomationExecution, SendAutomationSignal, StartChangeRequestExecution, Send/CancelCommand, \
            Start/Terminate/ResumeSession, Start/StopInstances, Start/StopDBInstance).
            """,
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// Where the credentials are: the data directory and the configuration file.
    struct Location: ParsableArguments {
        @Option(help: "The daemon's data directory (default: data_dir of the configuration file).")
        var dataDir: String?
        @Option(help: ArgumentHelp("The configuration file, for data_dir, auth.key_file and auth.credentials.",
                                   discussion: "Default: \(DaemonConfiguration.defaultPath), or the built-in defaults when it does not exist."))
        var config: String?

        /// The configuration file, or the defaults when no file was named and the default one is absent.
        func configuration() throws -> DaemonConfiguration {
            let path = config ?? DaemonConfiguration.defaultPath
            if config == nil, !FileManager.default.fileExists(atPath: path) { return .defaults }
            do {
                return try DaemonConfiguration.load(path: path)
            } catch {
                printError(error.description)
                throw ExitCode.failure
            }
        }

        /// Opens the store; `mustExist` refuses a data directory without a database.
        func store(mustExist: Bool) throws -> CredentialStore {
            var configuration = try configuration()
            if let dataDir { configuration.dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path }
            let directory = configuration.dataDirectory
            if mustExist, !FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("schedulerd.sqlite")) {
                throw failure("no database in \(directory): pass the daemon's --data-dir (or --config)")
            }
            return try reportingErrors {
                try ConfigurationMapping.credentialStore(configuration, database: SchedulerDatabase.open(directory: directory))
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an access key and print it as AWS_ACCESS_KEY_ID=… and AWS_SECRET_ACCESS_KEY=… lines.",
            discussion: """
                Only those two lines go to standard output, so `export $(schedulerd credentials create --name ci \
                --role operator)` puts the key in the environment the AWS CLI and boto3 read. The secret is not \
                shown again.
                """
        )

        @Option(help: "A name for the key, unique among active keys: 1 to 64 letters, digits and + = , . @ _ -.")
        var name: String
        @Option(help: "What the key may do: admin, operator or readonly.")
        var role: String
        @OptionGroup var location: Location

        func validate() throws {
            guard Role(rawValue: role) != nil else {
                throw ValidationError("--role '\(role)' is not a role; use admin, operator or readonly")
            }
        }

        func run() throws {
            let store = try location.store(mustExist: false)
            let credential = try reportingErrors { try store.create(name: name, role: Role(rawValue: role)!) }
            print("AWS_ACCESS_KEY_ID=\(credential.accessKeyId)")
            print("AWS_SECRET_ACCESS_KEY=\(credential.secretAccessKey)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the access keys: id, name, role, when created, and whether active (never the secrets)."
        )

        @Flag(help: "Print a JSON array of objects instead of a table.")
        var json = false
        @OptionGroup var location: Location

        func run() throws {
            let store = try location.store(mustExist: false)
            let summaries = try reportingErrors { try store.list() }
            if json {
                print("[" + summaries.map(Self.json).joined(separator: ",\n ") + "]")
                return
            }
            let rows = [["ACCESS KEY ID", "NAME", "ROLE", "CREATED", "STATUS"]] + summaries.map { summary in
                [summary.accessKeyId, summary.name, summary.role.rawValue,
                 summary.createdAt.map(CalendarTime.format) ?? "-", Self.status(summary)]
            }
            let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let padded = (0..<4).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                print((padded + [row[4]]).joined(separator: "  "))
            }
        }

        static func status(_ summary: CredentialSummary) -> String {
            if let revokedAt = summary.revokedAt { return "revoked \(CalendarTime.format(revokedAt))" }
            return summary.origin == .configuration ? "active (configuration file)" : "active"
        }

        static func json(_ summary: CredentialSummary) -> String {
            let created = summary.createdAt.map { jsonString(CalendarTime.format($0)) } ?? "null"
            let revoked = summary.revokedAt.map { jsonString(CalendarTime.format($0)) } ?? "null"
            return "{\"accessKeyId\": \(jsonString(summary.accessKeyId)), \"name\": \(jsonString(summary.name)), "
                + "\"role\": \(jsonString(summary.role.rawValue)), \"origin\": \(jsonString(summary.origin.rawValue)), "
                + "\"created\": \(created), \"status\": \(jsonString(summary.isActive ? "active" : "revoked")), "
                + "\"revoked\": \(revoked)}"
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an access key: requests signed with it are refused from then on (within a second by a running daemon)."
        )

        @Argument(help: "The access key id, or the name, of the key to revoke.")
        var accessKeyIdOrName: String
        @OptionGroup var location: Location

        func run() throws {
            let store = try location.store(mustExist: true)
            let revoked = try reportingErrors { try store.revoke(accessKeyIdOrName: accessKeyIdOrName) }
            print("revoked \(revoked.accessKeyId) (\(revoked.name), \(revoked.role.rawValue))")
        }
    }
}

/// Prints `message` as an error and returns the failure exit code to throw.
private func failure(_ message: String) -> ExitCode {
    printError("Error: \(message)")
    return ExitCode.failure
}

/// Runs `body`, turning store and database errors into a message and a failure exit code.
private func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as CredentialStoreError {
        throw failure(error.message)
    } catch let error as ExitCode {
        throw error
    } catch {
        throw failure("\(error)")
    }
}
