public import ChangeCalendar
public import Foundation
public import Store

/// Calendars from the configuration's directory (`*.ics`, name = file stem), reconciled into
/// the database, and the compiled schedules of every calendar document the database holds.
public enum CalendarCatalog {
    /// A calendar file that cannot be used, with its `FILE:LINE: message`.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let description: String
    }

    /// Adds, updates and removes configuration calendars to match `directory`. Files that do
    /// not load are left out and reported; their previous version, if any, stays in force.
    public static func reconcile(directory: String, database: SchedulerDatabase, defaultTimeZone: String,
                                 now: Date) throws -> [Problem] {
        var problems: [Problem] = []
        var present: Set<String> = []
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".ics") }.sorted()
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            let name = String(file.dropLast(4))
            present.insert(name)
            guard let data = FileManager.default.contents(atPath: path),
                  let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
                problems.append(Problem(file: path, description: "\(path): cannot be read"))
                continue
            }
            do {
                _ = try CalendarSchedule(ics: text, defaultTimeZone: defaultTimeZone)
            } catch {
                problems.append(Problem(file: path, description: error.formatted(file: path)))
                continue
            }
            do {
                try database.putDocument(name: name, type: "ChangeCalendar", content: text, origin: .config, sourcePath: path, now: now)
            } catch let taken as SchedulerDatabase.DocumentNameTaken {
                problems.append(Problem(file: path, description: "\(path): \(taken)"))
            }
        }
        for document in try database.documents(type: "ChangeCalendar", origin: .config) where !present.contains(document.name) {
            try database.deleteDocument(name: document.name)
        }
        return problems
    }

    /// Every calendar document's default version, compiled. Documents that no longer compile
    /// (a zone removed from the system, say) are reported and left out.
    public static func compile(database: SchedulerDatabase, defaultTimeZone: String) throws -> (calendars: [String: CalendarSchedule], problems: [Problem]) {
        var calendars: [String: CalendarSchedule] = [:]
        var problems: [Problem] = []
        for (name, content) in try database.defaultContents(type: "ChangeCalendar") {
            do {
                calendars[name] = try CalendarSchedule(ics: content, defaultTimeZone: defaultTimeZone)
            } catch {
                problems.append(Problem(file: name, description: error.formatted(file: "document \(name)")))
            }
        }
        return (calendars, problems)
    }
}
