import ArgumentParser
import ChangeCalendar
import SchedulerConfiguration
import Daemon
import Foundation
import Logging
import SchedulerCore
import ServiceLifecycle
import Store
import Systemd

/// `schedulerd serve`: the daemon.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: wake at every calendar transition, record it, route it through the rules to their targets.",
        discussion: """
            Reads one YAML configuration file. The options below override the file, so several daemons can run side \
            by side. SIGTERM drains deliveries in flight and exits; SIGHUP reloads the configuration and calendars \
            (an invalid file is refused and the running configuration stays).
            """
    )

    @Option(help: "The configuration file.")
    var config: String = DaemonConfiguration.defaultPath
    @Option(help: "Address to listen on (host:port), overriding the file.")
    var listen: String?
    @Option(help: "Data directory (the SQLite database), overriding the file.")
    var dataDir: String?
    @Option(help: "Run on simulated time this many times faster than real time (for demos and tests).")
    var clockSpeed: Double?
    @Option(help: "With --clock-speed: the simulated instant to start at (ISO 8601); now when omitted.")
    var clockStart: String?

    func validate() throws {
        if let clockSpeed, clockSpeed <= 0 { throw ValidationError("--clock-speed must be positive") }
        if clockStart != nil, clockSpeed == nil { throw ValidationError("--clock-start needs --clock-speed") }
        if let listen, ListenAddress(listen) == nil { throw ValidationError("--listen '\(listen)' is not host:port") }
        if let clockStart, CalendarTime.parse(clockStart) == nil { throw ValidationError("--clock-start '\(clockStart)' is not an ISO 8601 instant") }
    }

    func run() async throws {
        // A reload (SIGHUP) that arrives while starting must not kill the daemon; the reload
        // service takes the signal over once it runs.
        signal(SIGHUP, SIG_IGN)
        let settings = try loadSettings()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: settings.configuration.logLevel.rawValue) ?? .info
            return handler
        }
        let logger = Logger(label: "schedulerd")
        let clock: AnyWallClock
        if let speed = clockSpeed {
            let start = clockStart.flatMap(CalendarTime.parse) ?? Date()
            clock = AnyWallClock(SimulatedWallClock(start: start, speed: speed))
            logger.notice("simulated clock", metadata: ["clock.start": "\(CalendarTime.format(start))", "clock.speed": "\(speed)"])
        } else {
            clock = AnyWallClock(SystemWallClock())
        }
        let daemon = try SchedulerDaemon(settings: settings, clock: clock, clockSpeed: clockSpeed ?? 1, logger: logger)
        try await daemon.run()
    }

    /// The configuration file with the command-line overrides applied; exits with the file's error.
    func loadSettings() throws -> DaemonSettings {
        var configuration: DaemonConfiguration
        do {
            configuration = try DaemonConfiguration.load(path: config)
        } catch {
            printError(error.description)
            throw ExitCode.failure
        }
        if let listen, let address = ListenAddress(listen) {
            configuration.listen = address
            do {
                try Self.checkOpenAPI(configuration, file: config)
            } catch {
                printError("\(error)")
                throw ExitCode.failure
            }
        }
        if let dataDir { configuration.dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path }
        let rules: [RuleRecord]
        do {
            rules = try ConfigurationMapping.ruleRecords(configuration, file: config)
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
        return DaemonSettings(configuration: configuration, configPath: config, rules: rules,
                              dataDirectoryOverride: dataDir.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                              listenOverride: listen.flatMap(ListenAddress.init))
    }
}

extension ServeCommand {
    /// The file's check of `auth: none` ran against the file's address; a `--listen` override
    /// must pass it too, so an unauthenticated API never faces the network.
    static func checkOpenAPI(_ configuration: DaemonConfiguration, file: String) throws {
        guard configuration.auth == .none, !configuration.listen.isLoopback else { return }
        throw OpenAPIRefused(file: file, listen: configuration.listen)
    }

    struct OpenAPIRefused: Error, CustomStringConvertible {
        var file: String
        var listen: ListenAddress
        var description: String {
            "\(file): auth: none is allowed only with a loopback listen address, and --listen \(listen) is not one; "
                + "listen on 127.0.0.1, ::1 or localhost, or remove auth: none to require signed requests"
        }
    }
}

/// A loaded, checked configuration and what the command line changed in it.
struct DaemonSettings: Sendable {
    var configuration: DaemonConfiguration
    var configPath: String
    var rules: [RuleRecord]
    var dataDirectoryOverride: String?
    var listenOverride: ListenAddress?
}
