import Automation
import Daemon
import Foundation
import GRDB
import Store
import Testing

/// `runbooks_dir`: runbook files become Automation documents, as calendar files become calendars.
@Suite("Runbooks from the configuration's directory")
struct RunbookDirectoryTests {
    static let runbook = """
        schemaVersion: '0.3'
        parameters:
          Who: {type: String, default: world}
        mainSteps:
          - {name: nap, action: 'aws:sleep', inputs: {Duration: PT1S}}
        """

    func directory(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("runbooks-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: "\(path)/\(name)", atomically: true, encoding: .utf8) }
        return path
    }

    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("every .yaml, .yml and .json file is the document named by its stem; other files are ignored")
    func loads() throws {
        let path = try directory(["Nightly.yaml": Self.runbook, "Morning.yml": Self.runbook,
                                  "Json.json": #"{"schemaVersion": "0.3", "mainSteps": [{"name": "a", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}]}"#,
                                  "README.md": "not a runbook"])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = try SchedulerDatabase(DatabaseQueue())
        #expect(try RunbookDirectory.reconcile(directory: path, database: database, now: now).isEmpty)
        let documents = try database.documents(type: "Automation", origin: .config)
        #expect(documents.map(\.name).sorted() == ["Json", "Morning", "Nightly"])
        #expect(documents.first { $0.name == "Json" }?.documentFormat == "JSON")
        #expect(documents.first { $0.name == "Nightly" }?.sourcePath == "\(path)/Nightly.yaml")
    }

    @Test("a changed file is a new default version; a removed file's document goes; a missing directory holds none")
    func followsTheFiles() throws {
        let path = try directory(["Nightly.yaml": Self.runbook, "Gone.yaml": Self.runbook])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = try SchedulerDatabase(DatabaseQueue())
        _ = try RunbookDirectory.reconcile(directory: path, database: database, now: now)
        try (Self.runbook + "\ndescription: changed\n").write(toFile: "\(path)/Nightly.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: "\(path)/Gone.yaml")
        #expect(try RunbookDirectory.reconcile(directory: path, database: database, now: now).isEmpty)
        let nightly = try #require(try database.documents(type: "Automation").first { $0.name == "Nightly" })
        #expect(nightly.latestVersion == 2 && nightly.defaultVersion == 2)
        #expect(try database.documents(type: "Automation").map(\.name) == ["Nightly"])
        #expect(try RunbookDirectory.reconcile(directory: path + "/nowhere", database: database, now: now).isEmpty)
        #expect(try database.documents(type: "Automation").isEmpty, "no directory: no configuration runbooks")
    }

    @Test("a runbook that does not validate is reported at its file and line, and its previous version stays")
    func refusals() throws {
        let path = try directory(["Nightly.yaml": Self.runbook])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = try SchedulerDatabase(DatabaseQueue())
        _ = try RunbookDirectory.reconcile(directory: path, database: database, now: now)
        try Self.runbook.replacingOccurrences(of: "PT1S", with: "one second")
            .write(toFile: "\(path)/Nightly.yaml", atomically: true, encoding: .utf8)
        try "x".write(toFile: "\(path)/ab.yaml", atomically: true, encoding: .utf8)
        try Self.runbook.write(toFile: "\(path)/AWS-Mine.yaml", atomically: true, encoding: .utf8)
        let problems = try RunbookDirectory.reconcile(directory: path, database: database, now: now).map(\.description)
        #expect(problems.count == 3)
        #expect(problems.contains { $0.hasPrefix("\(path)/Nightly.yaml:5: ") && $0.contains("one second") }, "\(problems)")
        #expect(problems.contains("\(path)/ab.yaml: the file name makes the document name 'ab'; use 3 to 128 letters, digits, '_', '-' or '.'"))
        #expect(problems.contains("\(path)/AWS-Mine.yaml: 'AWS-Mine' starts with a prefix AWS reserves for its own documents (aws, amazon)"))
        let nightly = try #require(try database.documents(type: "Automation").first { $0.name == "Nightly" })
        #expect(nightly.latestVersion == 1, "the version that validated stays in force")
    }

    @Test("a file may not take the name of a document made through the API")
    func apiDocumentsAreNotTaken() throws {
        let path = try directory(["Mine.yaml": Self.runbook])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = try SchedulerDatabase(DatabaseQueue())
        _ = try database.createDocument(name: "Mine", type: "Automation", format: "YAML", content: Self.runbook, versionName: nil,
                                        tags: "[]", now: now)
        let problems = try RunbookDirectory.reconcile(directory: path, database: database, now: now)
        #expect(problems.map(\.description) == ["\(path)/Mine.yaml: a document named Mine was made through the API; rename the file or delete that document"])
        #expect(try database.documents(type: "Automation").first?.origin == "api")
    }

    @Test("a calendar file may not take a runbook's name, nor the name of an API document: the store refuses both alike")
    func calendarsShareTheRule() throws {
        let runbooks = try directory(["Nightly.yaml": Self.runbook])
        let calendars = try directory(["Nightly.ics": "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\nEND:VCALENDAR\n",
                                       "Mine.ics": "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\nEND:VCALENDAR\n"])
        defer {
            try? FileManager.default.removeItem(atPath: runbooks)
            try? FileManager.default.removeItem(atPath: calendars)
        }
        let database = try SchedulerDatabase(DatabaseQueue())
        _ = try database.createDocument(name: "Mine", type: "ChangeCalendar", format: "TEXT",
                                        content: "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\nEND:VCALENDAR\n",
                                        versionName: nil, tags: "[]", now: now)
        #expect(try RunbookDirectory.reconcile(directory: runbooks, database: database, now: now).isEmpty)
        let problems = try CalendarCatalog.reconcile(directory: calendars, database: database, defaultTimeZone: "UTC", now: now)
            .map(\.description).sorted()
        #expect(problems == [
            "\(calendars)/Mine.ics: a document named Mine was made through the API; rename the file or delete that document",
            "\(calendars)/Nightly.ics: Nightly is already a document of type Automation (from \(runbooks)/Nightly.yaml); rename the file",
        ])
        #expect(try database.documents(type: "Automation").map(\.name) == ["Nightly"], "the runbook is untouched")
        #expect(try database.documents(type: "ChangeCalendar").map(\.origin) == ["api"])
    }
}
