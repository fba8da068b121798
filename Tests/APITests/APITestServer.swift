import Actions
import API
import Automation
import ChangeCalendar
import Daemon
import EventBus
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import Logging
import Parameters
import SchedulerCore
import SchedulerTesting
import Store

/// A real listener on a free loopback port over a fresh database, a manual clock and the
/// given calendars, with `URLSession` as the client: requests cross a real socket and the
/// real HTTP parser, as they do from the `aws` CLI.
final class APITestServer: Sendable {
    let database: SchedulerDatabase
    let state: RuntimeState
    let clock: ManualWallClock
    let parameters: ParameterStore
    /// The EC2 and RDS simulator the API serves (transitions immediate unless told otherwise).
    let resources: ResourceSimulator
    let port: Int
    let automations: AutomationEngine
    private let task: Task<Void, any Error>
    private let engineTask: Task<Void, any Error>

    static let account = "123456789012"

    /// `dataDirectory`: a real WAL database file there (as the daemon opens it) instead of an
    /// in-memory one. `keyRing`: the Parameter Store's keys (default: one fixed master key,
    /// `alias/aws/ssm` and the customer key `Self.customerKey` with alias `alias/app`).
    init(calendars: [String: String] = [:], now: String = "2026-12-01T12:00:00Z",
         authenticator: any APIAuthenticator = Unauthenticated(), dataDirectory: String? = nil,
         keyRing: ParameterKeyRing = APITestServer.keyRing(), logger customLogger: Logger? = nil,
         fleet: FleetDeclaration = .empty, times: TransitionTimes = .immediate) async throws {
        // The fleet mirrored in memory, as the daemon keeps it.
        let database = try dataDirectory.map { try SchedulerDatabase.open(directory: $0, mirrorResources: true) }
            ?? SchedulerDatabase(DatabaseQueue(), mirrorResources: true)
        for (name, ics) in calendars {
            try database.putDocument(name: name, type: "ChangeCalendar", content: ics, origin: .config,
                                     sourcePath: "/etc/schedulerd/calendars/\(name).ics", now: Date())
        }
        let compiled = try CalendarCatalog.compile(database: database, defaultTimeZone: "UTC")
        let state = RuntimeState(calendars: compiled.calendars, rules: try RuleBook(records: []))
        let clock = ManualWallClock(now: CalendarTime.parse(now)!)
        var logger = customLogger ?? Logger(label: "api-test")
        if customLogger == nil { logger.logLevel = .critical }
        let parameters = ParameterStore(database: database, keyRing: keyRing,
                                        events: ParameterOutbox(state: state, account: Self.account, region: "us-east-1"),
                                        region: "us-east-1", account: Self.account)
        let resources = ResourceSimulator(database: database, clock: clock, state: state, account: Self.account, region: "us-east-1",
                                          times: times, logger: logger)
        var declaration = fleet
        declaration.times = times
        try resources.reconcile(declaration)
        let automations = AutomationEngine(database: database, state: state, clock: clock,
                                           resources: SimulatorAPICaller(resources, account: Self.account, region: "us-east-1"),
                                           parameters: parameters, account: Self.account, region: "us-east-1", logger: logger)
        let environment = APIEnvironment(database: database, state: state, clock: AnyWallClock(clock), account: Self.account,
                                         region: "us-east-1", defaultTimeZone: "UTC", metrics: state.metrics, logger: logger,
                                         parameters: parameters, automations: automations, resources: resources)
        let responder = APIResponder(table: environment.operationTable(), authenticator: authenticator, metrics: state.metrics,
                                     logger: logger, health: { ["status": "ok"] })
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = APIServer(host: "127.0.0.1", port: 0, responder: responder, logger: logger) { port in
            continuation.yield(port)
        }
        task = Task { try await server.run() }
        engineTask = Task { try await automations.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the listener did not start") }
        self.database = database
        self.state = state
        self.clock = clock
        self.parameters = parameters
        self.resources = resources
        self.port = port
        self.automations = automations
    }

    /// The state of a simulated instance, as DescribeInstances reports it.
    func instanceState(_ id: String) async throws -> String? {
        try await resources.describeInstances(InstanceQuery(ids: [id]), page: .all).items.first?.state.rawValue
    }

    static let customerKey = "1234abcd-12ab-34cd-56ef-1234567890ab"

    /// A key ring with master key versions `versions` (fixed bytes, so two rings with the
    /// same versions open each other's envelopes).
    static func keyRing(versions: [UInt32] = [1]) -> ParameterKeyRing {
        let text = versions.map { "\($0):" + Data(repeating: UInt8($0), count: 32).base64EncodedString() }.joined(separator: "\n")
        let master = try! MasterKeys.parse(text, source: "the test keys")
        return ParameterKeyRing(master: master, customerKeys: [.init(id: customerKey, aliases: ["alias/app"])],
                                region: "us-east-1", account: account)
    }

    deinit {
        task.cancel()
        engineTask.cancel()
    }

    func stop() {
        task.cancel()
        engineTask.cancel()
    }

    struct Reply {
        let status: Int
        let body: JSONValue
        let headers: [String: String]
        var errorType: String? { body["__type"]?.stringValue }
        var message: String? { body["message"]?.stringValue }
    }

    /// `POST /` with `X-Amz-Target: TARGET` and a raw body.
    func raw(_ target: String?, body: Data, contentType: String = "application/x-amz-json-1.1") async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/")!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        if let target { request.setValue(target, forHTTPHeaderField: "X-Amz-Target") }
        return try await send(request)
    }

    /// An operation call with a JSON body.
    func call(_ target: String, _ input: JSONValue = [:]) async throws -> Reply {
        try await raw(target, body: Data(input.serialized().utf8))
    }

    /// A Query-protocol call: `POST /` with the parameters form-encoded (as botocore encodes
    /// them), no `X-Amz-Target`; the reply as text.
    func form(_ parameters: [(String, String)], contentType: String = "application/x-www-form-urlencoded; charset=utf-8",
              headers extra: [String: String] = [:]) async throws -> (status: Int, text: String, headers: [String: String]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/")!)
        request.httpMethod = "POST"
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = parameters.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
        request.httpBody = Data(body.utf8)
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        for (name, value) in extra { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return (http.statusCode, String(decoding: data, as: UTF8.self), headers)
    }

    func get(_ path: String) async throws -> (status: Int, text: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    private func send(_ request: URLRequest) async throws -> Reply {
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        let body = data.isEmpty ? JSONValue.object([:]) : try JSONValue(utf8: Array(data))
        return Reply(status: http.statusCode, body: body, headers: headers)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Calendars the tests use: closed 22:00–06:00 UTC every night, and a DEFAULT_CLOSED one
/// open 09:00–17:00 on weekdays.
enum Fixtures {
    static let nightly = """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//schedulerd//tests//EN\r
        X-CALENDAR-TYPE:DEFAULT_OPEN\r
        X-WR-CALDESC:Fleet stopped at night\r
        BEGIN:VEVENT\r
        UID:nightly@tests\r
        DTSTAMP:20260101T000000Z\r
        DTSTART:20260101T220000Z\r
        DTEND:20260102T060000Z\r
        RRULE:FREQ=DAILY\r
        SUMMARY:Night\r
        END:VEVENT\r
        END:VCALENDAR\r

        """

    static let officeHours = """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//schedulerd//tests//EN\r
        X-CALENDAR-TYPE:DEFAULT_CLOSED\r
        BEGIN:VEVENT\r
        UID:office@tests\r
        DTSTAMP:20260101T000000Z\r
        DTSTART:20260105T090000Z\r
        DTEND:20260105T170000Z\r
        RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r
        SUMMARY:Office hours\r
        END:VEVENT\r
        END:VCALENDAR\r

        """

    static let never = """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//schedulerd//tests//EN\r
        X-CALENDAR-TYPE:DEFAULT_OPEN\r
        END:VCALENDAR\r

        """
}
