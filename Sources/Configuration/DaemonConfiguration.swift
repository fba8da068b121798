/// Everything the daemon reads from its one YAML file (`/etc/schedulerd/schedulerd.yaml`).
///
/// Load it with `load(path:)`, or `parse(yaml:file:baseDirectory:)` for text in hand. Every key
/// is optional; a missing key takes the value in `defaults`. Unknown keys are errors, so a typo
/// never passes silently, and every error names the key, the line and the reason.
/// Relative directories are resolved against the directory of the file, so the result holds
/// absolute paths whenever the file's own path is absolute.
///
/// ```yaml
/// listen: 127.0.0.1:8750
/// calendars_dir: calendars
/// rules:
///   - name: nightly-stop
///     event_pattern: {source: [aws.ssm], detail: {state: [CLOSED]}}
///     targets:
///       - {id: log, log: true}
/// ```
public struct DaemonConfiguration: Sendable, Equatable {
    /// Where the daemon looks for its configuration when none is named.
    public static let defaultPath = "/etc/schedulerd/schedulerd.yaml"

    /// The configuration of an empty file at `defaultPath`: listen on `127.0.0.1:8750`, data in
    /// `/var/lib/schedulerd`, calendars in `/etc/schedulerd/calendars`, runbooks in `/etc/schedulerd/runbooks`, account `123456789012`
    /// in `us-east-1`, zone `UTC`, log level `info`, events older than 24 hours not delivered,
    /// API requests signed with stored credentials, Parameter Store keys in the data directory,
    /// no rules, no fleet.
    public static let defaults = DaemonConfiguration()

    /// `listen`: where the API accepts connections (default `127.0.0.1:8750`).
    public var listen: ListenAddress
    /// `data_dir`: the directory of the SQLite database (default `/var/lib/schedulerd`).
    public var dataDirectory: String
    /// `region`: the AWS region the daemon answers for and puts in events (default `us-east-1`).
    public var region: String
    /// `account_id`: the 12-digit AWS account in ARNs and events (default `123456789012`).
    public var accountID: String
    /// `default_timezone`: the zone for floating times and all-day events in calendars that name
    /// none (default `UTC`). The calendar engine checks that the zone exists.
    public var defaultTimeZone: String
    /// `log_level`: the least severe level logged (default `info`).
    public var logLevel: LogLevel
    /// `calendars_dir`: the directory of `*.ics` calendars, each named by its file stem
    /// (default `calendars` beside the configuration file).
    public var calendarsDirectory: String
    /// `runbooks_dir`: the directory of runbooks (`*.yaml`, `*.yml`, `*.json`), each the
    /// Automation document named by its file stem (default `runbooks` beside the configuration
    /// file; a missing directory holds none).
    public var runbooksDirectory: String
    /// `max_event_age`: events older than this when they are due (a catch-up after a long
    /// stop, for example) are recorded but not delivered (default 24 hours).
    public var maxEventAge: Duration
    /// `history_retention`: how long the history is kept: events whose deliveries are all
    /// settled, and ended automation executions with their steps (default 30 days; nil,
    /// written `forever`, keeps everything).
    public var historyRetention: Duration?
    /// `auth`: how API requests are authenticated (default: AWS Signature Version 4 with the
    /// credentials stored in the database; `none` only on a loopback address).
    public var auth: AuthConfiguration
    /// `parameters`: where the Parameter Store's master keys are and which KMS key ids
    /// SecureStrings may name (default: `<data_dir>/parameters.key`, `alias/aws/ssm` only).
    public var parameters: ParametersConfiguration
    /// `rules`: the rules from the file, in order, with unique names.
    public var rules: [RuleConfiguration]
    /// `fleet`: the simulated EC2 instances and RDS databases, their transition times and faults.
    public var fleet: FleetConfiguration

    /// Creates a configuration; every value not given is the default.
    public init(listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8750),
                dataDirectory: String = "/var/lib/schedulerd",
                region: String = "us-east-1",
                accountID: String = "123456789012",
                defaultTimeZone: String = "UTC",
                logLevel: LogLevel = .info,
                calendarsDirectory: String = "/etc/schedulerd/calendars",
                runbooksDirectory: String = "/etc/schedulerd/runbooks",
                maxEventAge: Duration = .seconds(24 * 3600),
                historyRetention: Duration? = .seconds(30 * 86_400),
                auth: AuthConfiguration = .default,
                parameters: ParametersConfiguration = .default,
                rules: [RuleConfiguration] = [],
                fleet: FleetConfiguration = .empty) {
        self.listen = listen
        self.dataDirectory = dataDirectory
        self.region = region
        self.accountID = accountID
        self.defaultTimeZone = defaultTimeZone
        self.logLevel = logLevel
        self.calendarsDirectory = calendarsDirectory
        self.runbooksDirectory = runbooksDirectory
        self.maxEventAge = maxEventAge
        self.historyRetention = historyRetention
        self.auth = auth
        self.parameters = parameters
        self.rules = rules
        self.fleet = fleet
    }
}
