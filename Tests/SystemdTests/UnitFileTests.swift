import Foundation
import Testing

/// systemd/schedulerd.service: systemd itself accepts it, and it keeps the settings the
/// daemon's operation depends on.
@Suite("schedulerd.service")
struct UnitFileTests {
    static let unitURL = repositoryRoot.appendingPathComponent("systemd/schedulerd.service")
    static let systemdAnalyze = executablePath("systemd-analyze")
    static let installedPath = "/usr/local/bin/schedulerd"

    /// An executable to put in ExecStart= for verification.
    ///
    /// `systemd-analyze verify` fails a unit whose ExecStart= binary does not exist or is
    /// not executable, and /usr/local/bin/schedulerd exists only after an install, which a
    /// development or CI machine has not done. verify never runs the binary, so the path
    /// only has to name an executable file: the schedulerd built next to this test bundle
    /// when the whole package was built (`make test` builds it), else /bin/true.
    static func standInExecutable() -> String {
        let productsDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let built = productsDirectory.appendingPathComponent("schedulerd").path
        return FileManager.default.isExecutableFile(atPath: built) ? built : "/bin/true"
    }

    /// Writes `text` as schedulerd.service in a new directory (verify takes the unit name
    /// from the file name) and returns what `systemd-analyze verify` printed about it.
    ///
    /// `--man=no`: the unit names no man page in Documentation=, and there is nothing to
    /// look up. `--recursive-errors=no`: the exit status reflects this unit only, not the
    /// host's own units it is ordered against (multi-user.target, network-online.target),
    /// which a test cannot fix. Lines about other units are returned apart, for the record.
    static func verify(_ text: String) throws -> (status: Int32, aboutUnit: [String], other: [String]) {
        let directory = try TemporaryDirectory()
        let unit = directory.appending("schedulerd.service")
        try text.write(to: unit, atomically: true, encoding: .utf8)
        let result = try run(try #require(systemdAnalyze), ["verify", "--man=no", "--recursive-errors=no", unit.path])
        let lines = result.output.split(separator: "\n").map(String.init)
        let aboutUnit = lines.filter { $0.contains("schedulerd") }
        return (result.status, aboutUnit, lines.filter { !$0.contains("schedulerd") })
    }

    /// The unit with its ExecStart= binary swapped for one that exists here; every other
    /// line, User= and Group= included, is kept.
    static func verifiableUnit() throws -> String {
        let text = try contents(of: unitURL)
        #expect(text.contains("ExecStart=\(installedPath) "), "ExecStart= no longer names \(installedPath)")
        return text.replacingOccurrences(of: "ExecStart=\(installedPath) ", with: "ExecStart=\(standInExecutable()) ")
    }

    @Test(
        "systemd-analyze verify accepts the unit, with no warning about it",
        .enabled(if: systemdAnalyze != nil, "systemd-analyze is not installed (Debian package systemd)")
    )
    func verifyPasses() throws {
        let result = try Self.verify(try Self.verifiableUnit())
        #expect(result.status == 0, "systemd-analyze verify exited \(result.status): \(result.aboutUnit)")
        #expect(result.aboutUnit.isEmpty, "warnings about schedulerd.service: \(result.aboutUnit)")
        if !result.other.isEmpty {
            print("systemd-analyze verify, about other units (not schedulerd's to fix): \(result.other)")
        }
    }

    /// The check above passes on silence, so this proves silence means something: verify
    /// exits 0 even for an unknown key or a bad value and only prints a warning.
    @Test(
        "verify's warnings about a broken copy are caught",
        .enabled(if: systemdAnalyze != nil, "systemd-analyze is not installed (Debian package systemd)")
    )
    func brokenCopyIsCaught() throws {
        let broken = try Self.verifiableUnit()
            .replacingOccurrences(of: "UMask=0077", with: "UMask=0999\nWatchdogSecs=30s")
        let result = try Self.verify(broken)
        #expect(result.aboutUnit.contains { $0.contains("Failed to parse mode value") && $0.contains("0999") })
        #expect(result.aboutUnit.contains { $0.contains("Unknown key 'WatchdogSecs'") })
    }

    @Test(
        "verify fails the unit as written while its ExecStart= binary is not installed",
        .enabled(if: systemdAnalyze != nil, "systemd-analyze is not installed (Debian package systemd)"),
        .enabled(if: !FileManager.default.fileExists(atPath: installedPath), "schedulerd is installed on this machine")
    )
    func missingBinaryIsAnError() throws {
        let result = try Self.verify(try contents(of: Self.unitURL))
        #expect(result.status != 0)
        #expect(result.aboutUnit.contains { $0.contains("Command \(Self.installedPath) is not executable") })
    }

    /// `systemd-analyze security` scores a unit's exposure from 0 (locked down) to 10.
    /// The unit scores 2.8 ("OK") with systemd 252; the threshold fails the test if a
    /// change loosens the sandbox noticeably.
    @Test(
        "systemd-analyze security rates the sandbox's exposure at 3.0 or below",
        .enabled(if: systemdAnalyze != nil, "systemd-analyze is not installed (Debian package systemd)")
    )
    func exposure() throws {
        let directory = try TemporaryDirectory()
        let unit = directory.appending("schedulerd.service")
        try Self.verifiableUnit().write(to: unit, atomically: true, encoding: .utf8)
        // --threshold is on a 0-100 scale: 30 is an overall exposure of 3.0.
        let result = try run(try #require(Self.systemdAnalyze), ["security", "--offline=true", "--threshold=30", "--no-pager", unit.path])
        let overall = result.output.split(separator: "\n").first { $0.contains("Overall exposure level") }
        #expect(result.status == 0, "\(overall ?? "no overall exposure printed")\n\(result.output)")
    }

    @Test("the unit keeps the settings schedulerd's operation depends on")
    func requiredSettings() throws {
        let unit = UnitFile(try contents(of: Self.unitURL))
        let expected: KeyValuePairs<String, String> = [
            "Type": "notify",
            "NotifyAccess": "main",
            "ExecStart": "\(Self.installedPath) serve --config /etc/schedulerd/schedulerd.yaml",
            "ExecReload": "/bin/kill -HUP $MAINPID",
            "WatchdogSec": "30s",
            "Restart": "on-failure",
            "RestartSec": "2s",
            "TimeoutStopSec": "20s",
            "User": "schedulerd",
            "Group": "schedulerd",
            "StateDirectory": "schedulerd",
            "ConfigurationDirectory": "schedulerd",
            "UMask": "0077",
            "NoNewPrivileges": "yes",
            "ProtectSystem": "strict",
            "ProtectHome": "yes",
            "PrivateTmp": "yes",
            "PrivateDevices": "yes",
            "ProtectKernelTunables": "yes",
            "ProtectKernelModules": "yes",
            "ProtectKernelLogs": "yes",
            "ProtectControlGroups": "yes",
            "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
            "RestrictNamespaces": "yes",
            "LockPersonality": "yes",
            "MemoryDenyWriteExecute": "yes",
            "RestrictRealtime": "yes",
            "SystemCallArchitectures": "native",
            "CapabilityBoundingSet": "",
        ]
        for (key, value) in expected {
            #expect(unit.values(key) == [value], "[Service] \(key)=")
        }
        #expect(unit.values("WantedBy", in: "Install") == ["multi-user.target"])
    }
}
