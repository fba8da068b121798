import Actions
import API
import Automation
import ChangeCalendar
import SchedulerConfiguration
import Daemon
import Foundation
import Logging
import Parameters
import SchedulerCore
import ServiceLifecycle
import Store
import Systemd
import Synchronization
import UnixSignals

/// The daemon assembled: database, calendars, rules and fleet reconciled from the
/// configuration, the timer loop, the delivery service, the fleet's transitions and the API
/// in one `ServiceGroup`, SIGHUP reloads, systemd notify.
struct SchedulerDaemon {
    let settings: DaemonSettings
    let clock: AnyWallClock
    /// Simulated seconds per real second (1 on the real clock).
    let clockSpeed: Double
    let logger: Logger
    let database: SchedulerDatabase
    let state: RuntimeState
    let parameters: ParameterStore
    /// The simulated EC2 instances and RDS databases.
    let resources: ResourceSimulator
    let notifier = SystemdNotifier()
    /// Runs automations: started through the API or by rule targets, resumed after a restart.
    let automations: AutomationEngine

    init(settings: DaemonSettings, clock: AnyWallClock, clockSpeed: Double, logger: Logger) throws {
        self.settings = settings
        self.clock = clock
        self.clockSpeed = clockSpeed
        self.logger = logger
        let configuration = settings.configuration
        database = try SchedulerDatabase.open(directory: configuration.dataDirectory, mirrorResources: true)
        // At start an invalid calendar file is refused outright: better not to start than to
        // run a schedule the operator did not write.
        let problems = try CalendarCatalog.reconcile(directory: configuration.calendarsDirectory, database: database,
                                                     defaultTimeZone: configuration.defaultTimeZone, now: clock.now())
        guard problems.isEmpty else {
            for problem in problems { printError(problem.description) }
            throw CalendarsRefused()
        }
        // Runbooks likewise: a rule target must not start a runbook other than the file says.
        let runbookProblems = try RunbookDirectory.reconcile(directory: configuration.runbooksDirectory, database: database, now: clock.now())
        guard runbookProblems.isEmpty else {
            for problem in runbookProblems { printError(problem.description) }
            throw RunbooksRefused()
        }
        try database.reconcileRules(settings.rules, origin: .config)
        let compiled = try CalendarCatalog.compile(database: database, defaultTimeZone: configuration.defaultTimeZone)
        for problem in compiled.problems { logger.error("calendar document does not compile", metadata: ["error": "\(problem)"]) }
        state = RuntimeState(calendars: compiled.calendars, rules: try RuleBook(records: try database.rules()))
        parameters = try ConfigurationMapping.parameterStore(configuration, database: database, state: state)
        let fleet = ConfigurationMapping.fleetDeclaration(configuration.fleet)
        resources = ResourceSimulator(database: database, clock: clock, state: state, account: configuration.accountID,
                                      region: configuration.region, times: fleet.times,
                                      maxEventAge: ConfigurationMapping.seconds(configuration.maxEventAge),
                                      logger: Logger(label: "schedulerd.resources"))
        let summary = try resources.reconcile(fleet)
        logger.info("fleet reconciled", metadata: ["fleet.changes": "\(summary)"])
        // Automations call the same simulated fleet the API's EC2 and RDS endpoints serve.
        let fleetCaller = SimulatorAPICaller(resources, account: configuration.accountID, region: configuration.region)
        automations = AutomationEngine(database: database, state: state, clock: clock, resources: fleetCaller, parameters: parameters,
                                       account: configuration.accountID, region: configuration.region, logger: logger)
    }

    struct CalendarsRefused: Error, CustomStringConvertible {
        var description: String { "calendars refused; fix the files above" }
    }

    struct RunbooksRefused: Error, CustomStringConvertible {
        var description: String { "runbooks refused; fix the files above" }
    }

    func run() async throws {
        let configuration = settings.configuration
        announce()
        // The timer loop must ping the watchdog at least every half interval systemd asks for.
        // Both are real seconds; the planner counts on the daemon's clock, which may run faster.
        let slice = min(60, notifier.watchdogInterval.map(ConfigurationMapping.seconds) ?? 60) * clockSpeed
        let readySent = ReadyLatch()
        let transitions = TransitionService(
            clock: clock, database: database, state: state, account: configuration.accountID, region: configuration.region,
            maxEventAge: ConfigurationMapping.seconds(configuration.maxEventAge), logger: logger,
            // On simulated time a catch-up is still "a minute of real time late", not 60 simulated seconds.
            planner: TransitionPlanner(maximumSleep: slice, catchUpThreshold: max(60, 60 * clockSpeed))
        ) { [notifier, state, clock] plan in
            let status = Self.statusLine(calendars: state.calendars, now: clock.now())
            if readySent.once() {
                try? notifier.ready(status: status)
            } else {
                try? notifier.status(status)
            }
            try? notifier.watchdog()
        }
        let deliveries = DeliveryService(clock: clock, database: database, state: state, logger: logger, automations: automations)
        let schedules = ScheduleService(clock: clock, database: database, state: state, account: configuration.accountID,
                                        region: configuration.region, logger: logger, maximumSleep: slice)
        let policies = ParameterPolicyService(clock: clock, parameters: parameters, state: state, logger: logger, maximumSleep: slice)
        let reloader = ReloadService(daemon: self)
        // The fleet's service also notices faults removed by `schedulerd fleet fault clear` (another
        // process) at its wakes: at least every 5 real seconds.
        let fleet = ResourceTransitionService(simulator: resources, maximumSleep: min(slice, 5 * clockSpeed), logger: logger)
        let api = try makeAPIServer()
        // history_retention: forever leaves the history alone.
        let retention = configuration.historyRetention.map {
            HistoryRetentionService(clock: clock, database: database, retention: ConfigurationMapping.seconds($0),
                                    logger: Logger(label: "schedulerd.retention"))
        }
        let services: [any Service] = [transitions, schedules, automations, deliveries, fleet, policies, reloader, api]
            + (retention.map { [$0] } ?? [])
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: NamedService($0)) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        try? notifier.stopping()
        logger.notice("stopped")
    }

    /// What `make run` shows a person: where the data is, what will happen next.
    private func announce() {
        let configuration = settings.configuration
        let now = clock.now()
        print("schedulerd: data in \(configuration.dataDirectory), calendars from \(configuration.calendarsDirectory), "
              + "runbooks from \(configuration.runbooksDirectory)")
        print("schedulerd: \(state.calendars.count) calendars, \(state.rules.rules.count) rules; it is \(CalendarTime.format(now))")
        for (name, calendar) in state.calendars.sorted(by: { $0.key < $1.key }) {
            let next = calendar.nextTransition(after: now)
            print("  \(name): \(calendar.state(at: now).rawValue)"
                  + (next.map { ", \($0.state.rawValue) at \(CalendarTime.format($0.instant))" } ?? ", never changes again"))
        }
        if let fleet = try? resources.fleetSummary(), !fleet.isEmpty {
            print("schedulerd: fleet: \(fleet); schedulerd fleet list --data-dir \(configuration.dataDirectory)")
        }
        print("schedulerd: events and deliveries: schedulerd events --data-dir \(configuration.dataDirectory)")
    }

    /// The AWS API listener on the configured address, with the operations over this daemon's
    /// database and schedule.
    private func makeAPIServer() throws -> APIServer {
        let configuration = settings.configuration
        let environment = APIEnvironment(database: database, state: state, clock: clock, account: configuration.accountID,
                                         region: configuration.region, defaultTimeZone: configuration.defaultTimeZone,
                                         metrics: state.metrics, logger: logger, parameters: parameters,
                                         automations: automations, resources: resources)
        let authenticator = try APIWiring.authenticator(configuration: configuration, database: database, logger: logger)
        let responder = APIResponder(table: environment.operationTable(), authenticator: authenticator, metrics: state.metrics,
                                     logger: logger, health: { [state, clock] in
            ["status": "ok", "calendars": .number(Double(state.calendars.count)), "rules": .number(Double(state.rules.rules.count)),
             "time": .string(CalendarTime.format(clock.now()))]
        })
        let listen = configuration.listen
        return APIServer(host: listen.host, port: listen.port, responder: responder, logger: logger) { port in
            let url = "http://\(listen.host.contains(":") ? "[\(listen.host)]" : listen.host):\(port)"
            // Written unbuffered: tests and scripts read the bound port from this line.
            FileHandle.standardOutput.write(Data("schedulerd: AWS API listening on \(url) (aws --endpoint-url \(url) ...)\n".utf8))
        }
    }

    static func statusLine(calendars: [String: CalendarSchedule], now: Date) -> String {
        let next = calendars.compactMap { name, calendar in calendar.nextTransition(after: now).map { (name, $0) } }
            .min { $0.1.instant < $1.1.instant }
        guard let (name, transition) = next else { return "\(calendars.count) calendars; no transition ahead" }
        return "\(calendars.count) calendars; next: \(name) \(transition.state.rawValue) at \(CalendarTime.format(transition.instant))"
    }

    /// SIGHUP: reads the configuration and calendars again. Anything invalid is refused with
    /// its error and the running configuration stays.
    func reload() {
        try? notifier.reloading()
        defer { try? notifier.ready(status: Self.statusLine(calendars: state.calendars, now: clock.now())) }
        let command = ServeCommand.reloadArguments(settings)
        let fresh: DaemonSettings
        do {
            fresh = try command.loadSettingsQuietly()
        } catch {
            logger.error("reload refused: configuration invalid; the running configuration stays", metadata: ["error": "\(error)"])
            return
        }
        do {
            let problems = try CalendarCatalog.reconcile(directory: fresh.configuration.calendarsDirectory, database: database,
                                                         defaultTimeZone: fresh.configuration.defaultTimeZone, now: clock.now())
            for problem in problems {
                logger.error("reload: calendar refused; its previous version stays", metadata: ["error": "\(problem)"])
            }
            let runbookProblems = try RunbookDirectory.reconcile(directory: fresh.configuration.runbooksDirectory, database: database,
                                                                 now: clock.now())
            for problem in runbookProblems {
                logger.error("reload: runbook refused; its previous version stays", metadata: ["error": "\(problem)"])
            }
            try database.reconcileRules(fresh.rules, origin: .config)
            let compiled = try CalendarCatalog.compile(database: database, defaultTimeZone: fresh.configuration.defaultTimeZone)
            let keyRing = try ConfigurationMapping.parameterKeyRing(fresh.configuration, database: database)
            state.replace(calendars: compiled.calendars, rules: try RuleBook(records: try database.rules()))
            parameters.replaceKeyRing(keyRing)
            let fleet = try resources.reconcile(ConfigurationMapping.fleetDeclaration(fresh.configuration.fleet))
            logger.notice("reloaded", metadata: ["calendars": "\(compiled.calendars.count)", "rules": "\(fresh.rules.count)",
                                                 "fleet.changes": "\(fleet)"])
        } catch {
            logger.error("reload failed; the running configuration stays", metadata: ["error": "\(error)"])
        }
    }
}

/// True exactly once.
final class ReadyLatch: Sendable {
    private let done = Mutex(false)
    func once() -> Bool { done.withLock { done in defer { done = true }; return !done } }
}

/// A service under its type's name. ServiceLifecycle names a service by `"\(service)"`, and
/// a struct with no description is reflected field by field: for these, the whole configuration
/// and rule book, a megabyte string per service built at every start and printed in every debug
/// line that names the service.
struct NamedService: Service, CustomStringConvertible {
    let service: any Service
    let description: String

    init(_ service: any Service) {
        self.service = service
        description = String(String(describing: type(of: service)).prefix { $0 != "<" })   // no generic arguments
    }

    func run() async throws { try await service.run() }
}

/// Listens for SIGHUP and reloads.
struct ReloadService: Service {
    let daemon: SchedulerDaemon

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            daemon.reload()
        }
    }
}

extension ServeCommand {
    static func reloadArguments(_ settings: DaemonSettings) -> ServeCommand {
        var command = ServeCommand()
        command.config = settings.configPath
        command.dataDir = settings.dataDirectoryOverride
        command.listen = settings.listenOverride?.description
        return command
    }

    /// Like `loadSettings`, but throws the error instead of printing it (for reloads).
    func loadSettingsQuietly() throws -> DaemonSettings {
        var configuration = try DaemonConfiguration.load(path: config)
        if let listen, let address = ListenAddress(listen) {
            configuration.listen = address
            try Self.checkOpenAPI(configuration, file: config)
        }
        if let dataDir { configuration.dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path }
        return DaemonSettings(configuration: configuration, configPath: config,
                              rules: try ConfigurationMapping.ruleRecords(configuration, file: config),
                              dataDirectoryOverride: dataDir.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                              listenOverride: listen.flatMap(ListenAddress.init))
    }
}
