import EventBus
import SchedulerTesting
import Foundation
import Testing


@Suite("Malformed requests")
struct MalformedRequestTests {
    static let targets = ["AmazonSSM.CreateDocument", "AmazonSSM.GetDocument", "AmazonSSM.ListDocuments", "AmazonSSM.GetCalendarState",
                          "AmazonSSM.UpdateDocument", "AmazonSSM.DeleteDocument", "AWSEvents.PutRule", "AWSEvents.PutTargets",
                          "AWSEvents.PutEvents", "AWSEvents.TestEventPattern", "AWSEvents.ListRules", "AWSEvents.RemoveTargets"]
    static let members = ["Name", "Content", "DocumentType", "DocumentFormat", "CalendarNames", "AtTime", "EventPattern", "Rule",
                          "Targets", "Entries", "Event", "MaxResults", "NextToken", "Limit", "Ids", "DocumentVersion", "Filters"]

    @Test("1,200 malformed requests each get an AWS error, and the daemon still answers correctly afterwards")
    func thousandMalformed() async throws {
        let server = try await APITestServer(calendars: ["nightly": Fixtures.nightly])
        defer { server.stop() }
        var random = SeededGenerator(state: 20261129)
        var codes: [String: Int] = [:]
        for round in 0..<1200 {
            let reply: APITestServer.Reply
            switch round % 6 {
            case 0:   // unknown operation
                let name = String((0..<Int.random(in: 1...20, using: &random)).map { _ in "abcXYZ._-9".randomElement(using: &random)! })
                reply = try await server.call(["AmazonSSM.", "AWSEvents.", "", "Other."].randomElement(using: &random)! + name)
            case 1:   // bytes that are not JSON, or JSON cut short
                let valid = #"{"CalendarNames":["nightly"],"AtTime":"2026-12-01T00:00:00Z"}"#
                let body = Bool.random(using: &random)
                    ? Data((0..<Int.random(in: 1...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
                    : Data(valid.utf8.prefix(Int.random(in: 1..<valid.utf8.count, using: &random)))
                reply = try await server.raw(Self.targets.randomElement(using: &random)!, body: body)
            case 2:   // JSON that is not an object, or nested past any sane depth
                let bodies = ["[]", "1", "\"text\"", "null", "true", String(repeating: "[", count: 5000), "{\"a\":" + String(repeating: "{\"a\":", count: 3000)]
                reply = try await server.raw(Self.targets.randomElement(using: &random)!, body: Data(bodies.randomElement(using: &random)!.utf8))
            case 3:   // members of the wrong type
                let values: [JSONValue] = [1, true, "s", [1, 2], ["k": 1], [["Key": 1]], -5, 1e300, [[[]]]]
                var input: [String: JSONValue] = [:]
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    input[Self.members.randomElement(using: &random)!] = values.randomElement(using: &random)!
                }
                reply = try await server.call(Self.targets.randomElement(using: &random)!, .object(input))
            case 4:   // required members missing
                reply = try await server.call(Self.targets.randomElement(using: &random)!, [:])
            default:  // no operation named at all, or the wrong protocol's content type
                let target: String? = Bool.random(using: &random) ? nil : ""
                let contentType = ["application/x-www-form-urlencoded", "text/plain"].randomElement(using: &random)!
                if target == nil, contentType.hasPrefix("application/x-www-form-urlencoded") {
                    // A form without X-Amz-Target is a Query-protocol request: an XML error names what is missing.
                    let query = try await server.form([("{}", "")], contentType: contentType)
                    #expect(query.status == 400, "round \(round): status \(query.status) \(query.text)")
                    let code = try XMLElementNode.parse(query.text).at("Errors/Error/Code")?.text
                    #expect(code == "MissingParameter", "round \(round): \(query.text)")
                    codes["(query) \(code ?? "")", default: 0] += 1
                    continue
                }
                reply = try await server.raw(target, body: Data("{}".utf8), contentType: contentType)
            }
            // Some of these are valid requests by chance (ListDocuments with no members, say).
            if reply.status == 200 { codes["(ok)", default: 0] += 1; continue }
            #expect(reply.status == 400, "round \(round): status \(reply.status) \(reply.body.serialized())")
            let code = try #require(reply.errorType, "round \(round): no __type in \(reply.body.serialized())")
            #expect(reply.message?.isEmpty == false, "round \(round): \(code) without a message")
            codes[code, default: 0] += 1
        }
        #expect(codes["UnknownOperationException", default: 0] >= 200)
        #expect(codes["SerializationException", default: 0] >= 200)
        #expect(codes["ValidationException", default: 0] >= 100)

        // Oversized bodies are refused before they are read whole.
        let huge = try await server.raw("AmazonSSM.CreateDocument", body: Data(repeating: UInt8(ascii: " "), count: 2 << 20))
        #expect(huge.status == 413)
        #expect(huge.errorType == "RequestEntityTooLargeException")

        // Still serving, still right.
        let state = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": ["nightly"], "AtTime": "2026-12-01T23:00:00Z"])
        #expect(state.body == ["State": "CLOSED", "AtTime": "2026-12-01T23:00:00Z", "NextTransitionTime": "2026-12-02T06:00:00Z"])
        let health = try await server.get("/healthz")
        #expect(health.status == 200)
    }
}
