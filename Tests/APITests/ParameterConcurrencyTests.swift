import EventBus
import Foundation
import Testing

@Suite("Parameter Store under concurrent writers")
struct ParameterConcurrencyTests {
    @Test("50 clients overwriting one parameter 100 times each: versions exactly 1…5000, history as each client was told")
    func concurrentOverwrites() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-concurrency-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await APITestServer(dataDirectory: directory)
        defer { server.stop() }
        // Every client sends Type and Overwrite: whoever comes first creates version 1.
        let clients = 50, writes = 100
        // What each client was told: version → the value it wrote.
        let told = try await withThrowingTaskGroup(of: [(Int, String)].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var mine: [(Int, String)] = []
                    for write in 0..<writes {
                        let value = "client-\(client)-write-\(write)"
                        let reply = try await server.call("AmazonSSM.PutParameter", ["Name": "/race/value", "Value": .string(value),
                                                                                         "Type": "String", "Overwrite": true])
                        guard reply.status == 200, let version = reply.body["Version"]?.numberValue else {
                            throw TestFailure("client \(client) write \(write): \(reply.status) \(reply.body)")
                        }
                        mine.append((Int(version), value))
                    }
                    return mine
                }
            }
            var all: [(Int, String)] = []
            for try await mine in group { all += mine }
            return all
        }
        let versions = told.map(\.0).sorted()
        #expect(versions == Array(1...(clients * writes)), "every write got its own version, none lost, none repeated")
        let byVersion = Dictionary(uniqueKeysWithValues: told)

        // The 100 kept versions are the newest, and each holds what its writer was told.
        var history: [JSONValue] = []
        var token: JSONValue?
        repeat {
            var input: [String: JSONValue] = ["Name": "/race/value", "MaxResults": 50]
            if let token { input["NextToken"] = token }
            let page = try await server.call("AmazonSSM.GetParameterHistory", .object(input))
            history += page.body["Parameters"]?.arrayValue ?? []
            token = page.body["NextToken"]
        } while token != nil
        let last = clients * writes
        #expect(history.compactMap { $0["Version"]?.numberValue.map(Int.init) } == Array((last - 99)...last))
        for entry in history {
            let version = Int(entry["Version"]?.numberValue ?? 0)
            #expect(entry["Value"]?.stringValue == byVersion[version], "version \(version)")
        }
        let latest = try await server.call("AmazonSSM.GetParameter", ["Name": "/race/value"])
        #expect(latest.body["Parameter"]?["Version"]?.numberValue == Double(last))
        let changes = try server.database.events(since: nil).filter { $0.event.detailType == "Parameter Store Change" }
        #expect(changes.count == last, "one event per version")
        #expect(changes.filter { $0.event.body.contains(#""operation":"Create""#) }.count == 1)
        #expect(try server.database.integrityCheck() == "ok")
    }
}
