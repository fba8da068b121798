import Foundation
import Testing

/// scripts/install.sh into a temporary DESTDIR, as a package build would run it.
@Suite("scripts/install.sh")
struct InstallScriptTests {
    /// A copy of the parts of the checkout the script reads (scripts/, systemd/, config/),
    /// a stand-in binary, and a DESTDIR to install into.
    ///
    /// The script finds its files relative to itself, so running the copy exercises the
    /// real script on the real unit, sysusers entry and calendars. Copying lets the test
    /// supply what a fresh checkout lacks without touching it: the stand-in binary (no
    /// release build is needed), and config/schedulerd.yaml while the example
    /// configuration does not exist yet.
    final class Staging {
        let directory: TemporaryDirectory
        let source: URL
        let destination: URL
        let binary: URL

        init() throws {
            directory = try TemporaryDirectory()
            source = directory.appending("checkout")
            destination = directory.appending("destdir")
            binary = directory.appending("schedulerd-stand-in")
            let files = FileManager.default
            try files.createDirectory(at: source, withIntermediateDirectories: true)
            for folder in ["scripts", "systemd", "config"] {
                try files.copyItem(at: repositoryRoot.appendingPathComponent(folder), to: source.appendingPathComponent(folder))
            }
            let configuration = source.appendingPathComponent("config/schedulerd.yaml")
            if !files.fileExists(atPath: configuration.path) {
                try "# stand-in: the checkout has no example configuration yet\nlisten: 127.0.0.1:8750\n"
                    .write(to: configuration, atomically: true, encoding: .utf8)
            }
            try "#!/bin/sh\necho stand-in schedulerd\n".write(to: binary, atomically: true, encoding: .utf8)
            try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binary.path)
        }

        /// Runs the copied script with `arguments`; PREFIX, DESTDIR and UNITDIR from the
        /// test's own environment (a `make` that sets them) are removed so only the
        /// arguments count.
        func install(_ arguments: [String], binary: String? = nil) throws -> CommandResult {
            var environment = ProcessInfo.processInfo.environment
            for name in ["PREFIX", "DESTDIR", "UNITDIR"] {
                environment[name] = nil
            }
            environment["SCHEDULERD_BINARY"] = binary ?? self.binary.path
            return try run("/bin/sh", [source.appendingPathComponent("scripts/install.sh").path] + arguments, environment: environment)
        }

        func installed(_ path: String) -> URL {
            destination.appendingPathComponent(String(path.dropFirst()))
        }

        func permissions(_ path: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: installed(path).path)
            return try #require(attributes[.posixPermissions] as? Int)
        }
    }

    /// The example calendars the checkout ships.
    static func calendarNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("config/calendars").path)
            .filter { $0.hasSuffix(".ics") }
            .sorted()
    }

    @Test("a local install (PREFIX=/usr/local) puts every file in place with its mode")
    func localInstall() throws {
        let staging = try Staging()
        let result = try staging.install(["/usr/local", staging.destination.path])
        #expect(result.status == 0, "\(result.output)")

        #expect(try contents(of: staging.installed("/usr/local/bin/schedulerd")) == contents(of: staging.binary))
        #expect(try staging.permissions("/usr/local/bin/schedulerd") == 0o755)

        let unit = try contents(of: staging.installed("/etc/systemd/system/schedulerd.service"))
        #expect(try unit == contents(of: UnitFileTests.unitURL), "installed to /usr/local, the unit is unchanged")
        #expect(try staging.permissions("/etc/systemd/system/schedulerd.service") == 0o644)

        let sysusers = staging.installed("/usr/lib/sysusers.d/schedulerd.conf")
        #expect(try contents(of: sysusers) == contents(of: repositoryRoot.appendingPathComponent("systemd/schedulerd.sysusers")))
        #expect(try staging.permissions("/usr/lib/sysusers.d/schedulerd.conf") == 0o644)

        #expect(try contents(of: staging.installed("/etc/schedulerd/schedulerd.yaml"))
            == contents(of: staging.source.appendingPathComponent("config/schedulerd.yaml")))
        #expect(try staging.permissions("/etc/schedulerd/schedulerd.yaml") == 0o644)

        let calendars = try Self.calendarNames()
        #expect(!calendars.isEmpty)
        let installedCalendars = try FileManager.default.contentsOfDirectory(atPath: staging.installed("/etc/schedulerd/calendars").path)
        #expect(installedCalendars.sorted() == calendars)
        for name in calendars {
            #expect(try contents(of: staging.installed("/etc/schedulerd/calendars/\(name)"))
                == contents(of: repositoryRoot.appendingPathComponent("config/calendars/\(name)")))
        }

        let runbooks = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("config/runbooks").path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(!runbooks.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: staging.installed("/etc/schedulerd/runbooks").path).sorted() == runbooks)
        for name in runbooks {
            #expect(try contents(of: staging.installed("/etc/schedulerd/runbooks/\(name)"))
                == contents(of: repositoryRoot.appendingPathComponent("config/runbooks/\(name)")))
        }

        for step in ["systemd-sysusers", "systemctl daemon-reload", "systemctl enable --now schedulerd"] {
            #expect(result.output.contains(step), "next steps mention \(step)")
        }
        #expect(result.output.contains("Staged into \(staging.destination.path)"))
    }

    @Test("a package install (PREFIX=/usr) puts the unit in /lib/systemd/system and points ExecStart= at /usr/bin")
    func packageInstall() throws {
        let staging = try Staging()
        let result = try staging.install(["/usr", staging.destination.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(FileManager.default.isExecutableFile(atPath: staging.installed("/usr/bin/schedulerd").path))
        #expect(!FileManager.default.fileExists(atPath: staging.installed("/etc/systemd/system").path))
        let unit = UnitFile(try contents(of: staging.installed("/lib/systemd/system/schedulerd.service")))
        #expect(unit.values("ExecStart") == ["/usr/bin/schedulerd serve --config /etc/schedulerd/schedulerd.yaml"])
    }

    @Test("an existing configuration or calendar is kept; the rest is installed")
    func keepsEditedConfiguration() throws {
        let staging = try Staging()
        #expect(try staging.install(["/usr/local", staging.destination.path]).status == 0)
        let configuration = staging.installed("/etc/schedulerd/schedulerd.yaml")
        let calendar = try staging.installed("/etc/schedulerd/calendars/\(#require(Self.calendarNames().first))")
        try "listen: 0.0.0.0:9000 # edited by the administrator\n".write(to: configuration, atomically: true, encoding: .utf8)
        try "BEGIN:VCALENDAR\nEND:VCALENDAR\n".write(to: calendar, atomically: true, encoding: .utf8)
        let unit = staging.installed("/etc/systemd/system/schedulerd.service")
        try FileManager.default.removeItem(at: unit)

        let result = try staging.install(["/usr/local", staging.destination.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(try contents(of: configuration) == "listen: 0.0.0.0:9000 # edited by the administrator\n")
        #expect(try contents(of: calendar) == "BEGIN:VCALENDAR\nEND:VCALENDAR\n")
        #expect(result.output.contains("kept existing \(configuration.path)"))
        #expect(FileManager.default.fileExists(atPath: unit.path), "the unit is reinstalled")
    }

    @Test("a missing binary stops the install before anything is written, saying how to build it")
    func missingBinary() throws {
        let staging = try Staging()
        let missing = staging.directory.appending("no-such-binary").path
        let result = try staging.install(["/usr/local", staging.destination.path], binary: missing)
        #expect(result.status != 0)
        #expect(result.output.contains("no executable at \(missing)"))
        #expect(result.output.contains("swift build -c release --product schedulerd"))
        #expect(!FileManager.default.fileExists(atPath: staging.destination.path))
    }

    @Test("PREFIX must be absolute")
    func relativePrefix() throws {
        let staging = try Staging()
        let result = try staging.install(["usr/local", staging.destination.path])
        #expect(result.status != 0)
        #expect(result.output.contains("PREFIX must be an absolute path"))
    }

    @Test(
        "systemd-sysusers creates the schedulerd user from the installed entry",
        .enabled(if: executablePath("systemd-sysusers") != nil, "systemd-sysusers is not installed (Debian package systemd)")
    )
    func sysusersCreatesUser() throws {
        let staging = try Staging()
        #expect(try staging.install(["/usr/local", staging.destination.path]).status == 0)
        // The staged tree is a root of its own: sysusers reads its usr/lib/sysusers.d and
        // writes its etc/passwd and etc/group, never the machine's.
        try FileManager.default.createDirectory(at: staging.installed("/etc"), withIntermediateDirectories: true)
        let result = try run(try #require(executablePath("systemd-sysusers")), ["--root=\(staging.destination.path)", "schedulerd.conf"])
        #expect(result.status == 0, "\(result.output)")
        let passwd = try contents(of: staging.installed("/etc/passwd")).split(separator: "\n")
        let entry = try #require(passwd.first { $0.hasPrefix("schedulerd:") }).split(separator: ":", omittingEmptySubsequences: false)
        #expect(entry.count == 7)
        #expect(entry[5] == "/var/lib/schedulerd", "home is the unit's StateDirectory=")
        #expect(entry[6] == "/usr/sbin/nologin")
        let uid = try #require(Int(entry[2]))
        #expect(uid > 0 && uid < 1000, "a system user")
        let group = try contents(of: staging.installed("/etc/group"))
        #expect(group.split(separator: "\n").contains { $0.hasPrefix("schedulerd:x:\(entry[3]):") })
    }
}
