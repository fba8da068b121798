import EventBus
import Foundation
import Logging
import Synchronization
import Testing

@Suite("SecureString plaintext never leaves memory")
struct SecretLeakTests {
    @Test("after writes, reads, history, labels, failures and deletion, no plaintext in the database files, logs, events or metrics")
    func noPlaintext() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-leak-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logs = CapturedLog()
        var logger = Logger(label: "leak-test") { _ in logs }
        logger.logLevel = .trace
        let server = try await APITestServer(dataDirectory: directory, logger: logger)
        defer { server.stop() }
        let secrets = ["correct-horse-battery-staple-1", "correct-horse-battery-staple-2", "correct-horse-battery-staple-3"]
        _ = try await server.call("AWSEvents.PutRule", ["Name": "all-ssm", "EventPattern": #"{"source":["aws.ssm"]}"#])
        _ = try await server.call("AWSEvents.PutTargets", ["Rule": "all-ssm", "Targets": [["Id": "log", "Arn": "arn:schedulerd:log:::ssm"]]])
        let first = try await server.call("AmazonSSM.PutParameter", ["Name": "/leak/pw", "Value": .string(secrets[0]), "Type": "SecureString",
                                                                     "Description": "db password", "AllowedPattern": "[a-z0-9-]+"])
        #expect(first.status == 200)
        _ = try await server.call("AmazonSSM.PutParameter", ["Name": "/leak/pw", "Value": .string(secrets[1]), "Overwrite": true])
        _ = try await server.call("AmazonSSM.PutParameter", ["Name": "/leak/other", "Value": .string(secrets[2]), "Type": "SecureString", "KeyId": "alias/app"])
        let refused = try await server.call("AmazonSSM.PutParameter", ["Name": "/leak/pw", "Value": "NOT ALLOWED correct-horse-battery-staple-9", "Overwrite": true])
        #expect(refused.errorType == "ParameterPatternMismatchException")
        #expect(refused.message?.contains("correct-horse") == false)
        let read = try await server.call("AmazonSSM.GetParameter", ["Name": "/leak/pw", "WithDecryption": true])
        #expect(read.body["Parameter"]?["Value"] == .string(secrets[1]))
        let history = try await server.call("AmazonSSM.GetParameterHistory", ["Name": "/leak/pw", "WithDecryption": true])
        #expect(history.body["Parameters"]?.arrayValue?.compactMap { $0["Value"]?.stringValue } == Array(secrets[0...1]))
        _ = try await server.call("AmazonSSM.GetParametersByPath", ["Path": "/leak", "WithDecryption": true])
        _ = try await server.call("AmazonSSM.GetParameters", ["Names": ["/leak/pw", "/leak/other:1"], "WithDecryption": true])
        _ = try await server.call("AmazonSSM.DescribeParameters", [:])
        _ = try await server.call("AmazonSSM.LabelParameterVersion", ["Name": "/leak/pw", "ParameterVersion": 1, "Labels": ["old"]])
        _ = try await server.call("AmazonSSM.GetParameter", ["Name": "/leak/pw:old", "WithDecryption": true])
        _ = try await server.call("AmazonSSM.DeleteParameter", ["Name": "/leak/other"])
        let metrics = try await server.get("/metrics").text

        // Every byte SQLite wrote: the database, its write-ahead log and shared memory.
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        #expect(files.keys.contains("schedulerd.sqlite-wal"), "the WAL is checked too: \(files.keys.sorted())")
        #expect(files.values.contains { $0.range(of: Data("db password".utf8)) != nil }, "the check sees plain text that is stored")
        let events = try server.database.events(since: nil).map(\.event.body).joined(separator: "\n")
        #expect(events.contains("Parameter Store Change"))
        #expect(!logs.text.isEmpty, "the log captured something")
        for secret in secrets {
            for (name, bytes) in files { #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in \(name)") }
            #expect(!logs.text.contains(secret))
            #expect(!events.contains(secret))
            #expect(!metrics.contains(secret))
        }
    }
}

/// A log handler that keeps every line in memory.
final class CapturedLog: LogHandler, @unchecked Sendable {
    // The lines are behind a Mutex; logLevel and metadata are set once before use.
    private let lines = Mutex<[String]>([])
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        lines.withLock { $0.append("\(event.level) \(event.message) \(all) \(event.error.map { "\($0)" } ?? "")") }
    }
}
