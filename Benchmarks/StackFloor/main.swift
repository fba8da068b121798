// The floor under the daemon's idle memory: the components the design fixes (Foundation,
// GRDB on a WAL database, libical, a Hummingbird listener), each used once as the daemon uses
// it, and none of schedulerd's own code. DaemonBenchmark runs it beside the daemon and prints
// both resident sizes, so the part of the daemon's figure that is its own is plain.
// Usage: StackFloor DATA_DIRECTORY [CALENDARS_DIRECTORY]. Serves until SIGINT/SIGTERM.
import CLibical
import Foundation
import GRDB
import Hummingbird
import Logging

let directory = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : NSTemporaryDirectory()

// GRDB: a WAL pool, one write and one read, as at the daemon's start.
let pool = try DatabasePool(path: directory + "/floor.sqlite")
try await pool.write { db in
    try db.execute(sql: "CREATE TABLE IF NOT EXISTS marks(id INTEGER PRIMARY KEY, at REAL NOT NULL)")
    try db.execute(sql: "INSERT INTO marks(at) VALUES (?)", arguments: [Date().timeIntervalSince1970])
}
let marks = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM marks") ?? 0 }

// libical: parse every calendar of the daemon's benchmark (or one small calendar) and expand
// each event over a year with libical's own iterator: the library's share of the same work.
let calendarsDirectory = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : nil
let smallCalendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//schedulerd//stack floor//EN\r\nBEGIN:VEVENT\r\n"
    + "UID:night@floor\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260105T220000\r\n"
    + "DTEND;TZID=Europe/Berlin:20260106T060000\r\nRRULE:FREQ=DAILY\r\nSUMMARY:night\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
let calendars: [String] = try calendarsDirectory.map { folder in
    try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".ics") }
        .map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
} ?? [smallCalendar]
nonisolated(unsafe) var expanded = 0
let now = time(nil)
let yearStart = icaltime_from_timet_with_zone(now, 0, icaltimezone_get_utc_timezone())
let yearEnd = icaltime_from_timet_with_zone(now + 366 * 86_400, 0, icaltimezone_get_utc_timezone())
for text in calendars {
    guard let root = icalparser_parse_string(text) else { continue }
    var event = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT)
    while let current = event {
        icalcomponent_foreach_recurrence(current, yearStart, yearEnd, { _, _, _ in expanded += 1 }, nil)
        event = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)
    }
    icalcomponent_free(root)
}
let occurrences = expanded

// Hummingbird: one route, listening and idle.
var logger = Logger(label: "StackFloor")
logger.logLevel = .error
let router = Router()
router.get("/") { _, _ in "ok" }
let application = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "StackFloor"),
    onServerRunning: { channel in
        print("StackFloor: \(marks) row, \(calendars.count) calendars, \(occurrences) occurrences, listening on port \(channel.localAddress?.port ?? 0)")
    },
    logger: logger
)
try await application.runService()
