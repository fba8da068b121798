import Foundation
import Testing

// `schedulerd credentials` as people run it: the real binary on a temporary data directory.

@Suite("schedulerd credentials, the real process", .timeLimit(.minutes(1)))
struct CredentialsCommandTests {
    struct Run {
        var status: Int32
        var output: String
        var error: String
    }

    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/schedulerd").path

    static func run(_ arguments: [String]) throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: binary),
                     "\(binary) is missing: run `swift build --product schedulerd` first")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                   error: String(decoding: err, as: UTF8.self))
    }

    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-credentials-\(UUID().uuidString)").path
    }

    @Test("create prints exactly the two environment lines; list never shows the secret; revoke by name")
    func lifecycle() throws {
        let data = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let created = try Self.run(["credentials", "create", "--name", "ci", "--role", "operator", "--data-dir", data])
        #expect(created.status == 0)
        #expect(created.error == "")
        let lines = created.output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty, "two lines and the final newline: \(created.output)")
        let keyID = try #require(lines.first.flatMap { $0.hasPrefix("AWS_ACCESS_KEY_ID=AKIA") ? String($0.dropFirst(18)) : nil })
        let secret = try #require(lines.dropFirst().first.flatMap {
            $0.hasPrefix("AWS_SECRET_ACCESS_KEY=") ? String($0.dropFirst(22)) : nil
        })
        #expect(keyID.count == 20)
        #expect(secret.count == 40)

        let duplicate = try Self.run(["credentials", "create", "--name", "ci", "--role", "readonly", "--data-dir", data])
        #expect(duplicate.status != 0)
        #expect(duplicate.output == "")
        #expect(duplicate.error.contains("an active credential is already named 'ci'"))

        let badRole = try Self.run(["credentials", "create", "--name", "x", "--role", "root", "--data-dir", data])
        #expect(badRole.status != 0)
        #expect(badRole.error.contains("--role 'root' is not a role; use admin, operator or readonly"))

        let listed = try Self.run(["credentials", "list", "--data-dir", data])
        #expect(listed.status == 0)
        #expect(listed.output.contains(keyID))
        #expect(listed.output.contains("ci"))
        #expect(listed.output.contains("operator"))
        #expect(!listed.output.contains(secret))

        let json = try Self.run(["credentials", "list", "--json", "--data-dir", data])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        #expect(objects.count == 1)
        #expect(objects.first?["accessKeyId"] as? String == keyID)
        #expect(objects.first?["status"] as? String == "active")
        #expect(!json.output.contains(secret))

        let revoked = try Self.run(["credentials", "revoke", "ci", "--data-dir", data])
        #expect(revoked.status == 0)
        #expect(revoked.output.contains(keyID))
        let again = try Self.run(["credentials", "revoke", keyID, "--data-dir", data])
        #expect(again.status != 0)
        #expect(again.error.contains("is already revoked"))
        let unknown = try Self.run(["credentials", "revoke", "nobody", "--data-dir", data])
        #expect(unknown.status != 0)
        #expect(unknown.error.contains("no credential has the access key id or name 'nobody'"))
    }

    @Test("the data directory comes from --config when --data-dir is absent")
    func dataDirectoryFromConfig() throws {
        let root = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let config = root + "/schedulerd.yaml"
        try "data_dir: state\n".write(toFile: config, atomically: true, encoding: .utf8)
        let created = try Self.run(["credentials", "create", "--name", "ops", "--role", "admin", "--config", config])
        #expect(created.status == 0)
        #expect(FileManager.default.fileExists(atPath: root + "/state/schedulerd.sqlite"))
        #expect(FileManager.default.fileExists(atPath: root + "/state/credentials.key"))
        let missing = try Self.run(["credentials", "list", "--config", root + "/absent.yaml"])
        #expect(missing.status != 0)
        #expect(missing.error.contains("no such file"))
    }

    @Test("serve refuses a --listen override that faces the network when the file says auth: none")
    func serveRefusesOpenOverride() throws {
        let root = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/calendars", withIntermediateDirectories: true)
        let config = root + "/schedulerd.yaml"
        try "listen: 127.0.0.1:0\nauth: none\ndata_dir: \(root)/data\n".write(toFile: config, atomically: true, encoding: .utf8)
        let refused = try Self.run(["serve", "--config", config, "--listen", "0.0.0.0:0"])
        #expect(refused.status != 0)
        #expect(refused.error.contains("auth: none is allowed only with a loopback listen address"))
    }
}
