import SchedulerConfiguration
import Foundation
import Testing

@Suite("Relative paths")
struct PathResolutionTests {
    @Test("relative directories resolve against the file's directory", arguments: [
        ("data", "/etc/schedulerd/data"),
        ("./data/", "/etc/schedulerd/data"),
        ("../lib/schedulerd", "/etc/lib/schedulerd"),
        ("a/./b/../c", "/etc/schedulerd/a/c"),
        ("/var/lib/schedulerd/", "/var/lib/schedulerd"),
        ("//srv//x", "/srv/x"),
        ("../../../..", "/"),
    ])
    func resolution(written: String, resolved: String) throws {
        let configuration = try parse("data_dir: \(written)\ncalendars_dir: \(written)")
        #expect(configuration.dataDirectory == resolved)
        #expect(configuration.calendarsDirectory == resolved)
    }

    @Test("load resolves against the directory of the file it reads")
    func load() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("schedulerd-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("schedulerd.yaml")
        try "data_dir: state\nmax_event_age: 90\n".write(to: file, atomically: true, encoding: .utf8)

        let configuration = try DaemonConfiguration.load(path: file.path)
        let base = directory.standardizedFileURL.path
        #expect(configuration.dataDirectory == base + "/state")
        #expect(configuration.calendarsDirectory == base + "/calendars")
        #expect(configuration.maxEventAge == .seconds(90))
    }

    @Test("errors from load name the file as given")
    func loadErrors() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("schedulerd-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let missing = directory.appendingPathComponent("absent.yaml").path
        #expect(throws: ConfigurationError(code: .unreadable, file: missing, path: "", line: 0, column: 0,
                                           message: "no such file")) {
            try DaemonConfiguration.load(path: missing)
        }

        let binary = directory.appendingPathComponent("binary.yaml")
        try Data([0x6C, 0x69, 0xFF, 0xFE, 0x0A]).write(to: binary)
        #expect(throws: ConfigurationError.self) { try DaemonConfiguration.load(path: binary.path) }

        let typo = directory.appendingPathComponent("typo.yaml")
        try "rules:\n  - name: r\n    schedule_expression: rate(1 hour)\n    target: []\n"
            .write(to: typo, atomically: true, encoding: .utf8)
        do {
            _ = try DaemonConfiguration.load(path: typo.path)
            Issue.record("the typo should be refused")
        } catch {
            #expect(error.description == "\(typo.path):4:5: rules[0].target: unknown key 'target'; did you mean 'targets'?")
        }
    }

    @Test("an error without a position leaves it out of the description")
    func descriptionWithoutPosition() {
        let error = ConfigurationError(code: .unreadable, file: "/etc/x.yaml", path: "", line: 0, column: 0,
                                       message: "no such file")
        #expect(error.description == "/etc/x.yaml: no such file")
    }
}
