import EventBus
import Foundation
import GRDB
import Parameters
import Testing

@Suite("Parameter Store over HTTP")
struct ParameterOperationTests {
    @Test("put, get, selectors, history and describe answer field for field as AWS")
    func shapes() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        let put = try await server.call("AmazonSSM.PutParameter", ["Name": "/app/url", "Value": "https://a", "Type": "String",
                                                                   "Description": "endpoint", "Tags": [["Key": "team", "Value": "ops"]]])
        #expect(put.status == 200)
        #expect(put.body == ["Version": 1, "Tier": "Standard"])
        let again = try await server.call("AmazonSSM.PutParameter", ["Name": "app/url", "Value": "x", "Type": "String"])
        #expect(again.errorType == "ValidationException", "app/url names a hierarchy without its leading slash")
        let exists = try await server.call("AmazonSSM.PutParameter", ["Name": "/app/url", "Value": "x", "Type": "String"])
        #expect(exists.status == 400)
        #expect(exists.errorType == "ParameterAlreadyExists")
        #expect(exists.message == "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
        _ = try await server.call("AmazonSSM.PutParameter", ["Name": "/app/url", "Value": "https://b", "Overwrite": true])

        let got = try await server.call("AmazonSSM.GetParameter", ["Name": "/app/url"])
        let parameter = try #require(got.body["Parameter"]?.objectValue)
        #expect(Set(parameter.keys) == ["Name", "Type", "Value", "Version", "LastModifiedDate", "ARN", "DataType"])
        #expect(parameter["ARN"] == "arn:aws:ssm:us-east-1:123456789012:parameter/app/url")
        #expect(parameter["Version"] == 2)
        #expect(parameter["LastModifiedDate"]?.numberValue == server.clock.now().timeIntervalSince1970)
        let first = try await server.call("AmazonSSM.GetParameter", ["Name": "arn:aws:ssm:us-east-1:123456789012:parameter/app/url:1"])
        #expect(first.body["Parameter"]?["Value"] == "https://a")
        #expect(first.body["Parameter"]?["Selector"] == ":1")
        #expect(first.body["Parameter"]?["Name"] == "/app/url")

        let missing = try await server.call("AmazonSSM.GetParameter", ["Name": "/nope"])
        #expect(missing.status == 400)
        #expect(missing.body == ["__type": "ParameterNotFound"], "AWS sends no message")
        let noVersion = try await server.call("AmazonSSM.GetParameter", ["Name": "/app/url:5"])
        #expect(noVersion.errorType == "ParameterVersionNotFound")

        let many = try await server.call("AmazonSSM.GetParameters", ["Names": ["/app/url", "/nope", "/app/url:9"]])
        #expect(many.body["Parameters"]?.arrayValue?.count == 1)
        #expect(many.body["InvalidParameters"] == ["/nope", "/app/url:9"])

        let history = try await server.call("AmazonSSM.GetParameterHistory", ["Name": "/app/url", "MaxResults": 1])
        let entry = try #require(history.body["Parameters"]?[0]?.objectValue)
        #expect(Set(entry.keys) == ["Name", "Type", "Value", "Version", "LastModifiedDate", "LastModifiedUser", "Labels", "Tier",
                                    "Policies", "DataType", "Description"])
        #expect(entry["LastModifiedUser"] == "arn:aws:iam::123456789012:user/anonymous")
        let token = try #require(history.body["NextToken"]?.stringValue)
        let second = try await server.call("AmazonSSM.GetParameterHistory", ["Name": "/app/url", "NextToken": .string(token)])
        #expect(second.body["Parameters"]?[0]?["Version"] == 2)
        #expect(second.body["NextToken"] == nil)
        let forged = try await server.call("AmazonSSM.GetParameterHistory", ["Name": "/app/url", "NextToken": "bm9wZQ=="])
        #expect(forged.errorType == "InvalidNextToken")

        let described = try await server.call("AmazonSSM.DescribeParameters", ["ParameterFilters": [["Key": "tag:team", "Values": ["ops"]]]])
        let metadata = try #require(described.body["Parameters"]?[0]?.objectValue)
        #expect(metadata["Value"] == nil)
        #expect(metadata["ARN"] == "arn:aws:ssm:us-east-1:123456789012:parameter/app/url")
        #expect(metadata["Description"] == "endpoint")

        let badFilter = try await server.call("AmazonSSM.GetParametersByPath", ["Path": "/app", "ParameterFilters": [["Key": "Tier", "Values": ["Standard"]]]])
        #expect(badFilter.errorType == "InvalidFilterKey")
        let tooMany = try await server.call("AmazonSSM.GetParametersByPath", ["Path": "/app", "MaxResults": 11])
        #expect(tooMany.errorType == "ValidationException")
    }

    @Test("SecureString over the wire; InvalidKeyId; labels; tags by resource type; deletes")
    func secureLabelsTags() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        let put = try await server.call("AmazonSSM.PutParameter", ["Name": "pw", "Value": "hunter2", "Type": "SecureString", "KeyId": "alias/app"])
        #expect(put.status == 200)
        let hidden = try await server.call("AmazonSSM.GetParameter", ["Name": "/pw"])
        #expect(hidden.body["Parameter"]?["Value"] != "hunter2")
        #expect(hidden.body["Parameter"]?["Name"] == "pw", "/pw and pw are one parameter")
        let shown = try await server.call("AmazonSSM.GetParameter", ["Name": "pw", "WithDecryption": true])
        #expect(shown.body["Parameter"]?["Value"] == "hunter2")
        let badKey = try await server.call("AmazonSSM.PutParameter", ["Name": "pw2", "Value": "v", "Type": "SecureString", "KeyId": "alias/none"])
        #expect(badKey.errorType == "InvalidKeyId")

        let labelled = try await server.call("AmazonSSM.LabelParameterVersion", ["Name": "pw", "Labels": ["prod", "9lives"]])
        #expect(labelled.body == ["InvalidLabels": ["9lives"], "ParameterVersion": 1])
        let byLabel = try await server.call("AmazonSSM.GetParameter", ["Name": "pw:prod", "WithDecryption": true])
        #expect(byLabel.body["Parameter"]?["Selector"] == ":prod")
        let unlabelled = try await server.call("AmazonSSM.UnlabelParameterVersion", ["Name": "pw", "ParameterVersion": 1, "Labels": ["prod", "qa"]])
        #expect(unlabelled.body == ["RemovedLabels": ["prod"], "InvalidLabels": ["qa"]])

        let tagged = try await server.call("AmazonSSM.AddTagsToResource", ["ResourceType": "Parameter", "ResourceId": "pw",
                                                                           "Tags": [["Key": "env", "Value": "prod"]]])
        #expect(tagged.status == 200)
        let tags = try await server.call("AmazonSSM.ListTagsForResource", ["ResourceType": "Parameter", "ResourceId": "/pw"])
        #expect(tags.body == ["TagList": [["Key": "env", "Value": "prod"]]])
        let document = try await server.call("AmazonSSM.ListTagsForResource", ["ResourceType": "Document", "ResourceId": "x"])
        #expect(document.errorType == "InvalidResourceType")
        let unknownType = try await server.call("AmazonSSM.ListTagsForResource", ["ResourceType": "Bucket", "ResourceId": "x"])
        #expect(unknownType.errorType == "ValidationException")
        let noParameter = try await server.call("AmazonSSM.RemoveTagsFromResource", ["ResourceType": "Parameter", "ResourceId": "/x", "TagKeys": ["a"]])
        #expect(noParameter.errorType == "InvalidResourceId")

        let deleted = try await server.call("AmazonSSM.DeleteParameters", ["Names": ["pw", "ghost"]])
        #expect(deleted.body == ["DeletedParameters": ["pw"], "InvalidParameters": ["ghost"]])
        let again = try await server.call("AmazonSSM.DeleteParameter", ["Name": "pw"])
        #expect(again.errorType == "ParameterNotFound")
    }

    @Test("a tampered ciphertext is a clear InternalServerError, a removed key InvalidKeyId; the listener keeps serving")
    func damagedCiphertext() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        _ = try await server.call("AmazonSSM.PutParameter", ["Name": "/t/pw", "Value": "hunter2", "Type": "SecureString"])
        _ = try await server.call("AmazonSSM.PutParameter", ["Name": "/t/app", "Value": "v", "Type": "SecureString", "KeyId": "alias/app"])
        try await server.database.writer.write { db in
            try db.execute(sql: "UPDATE parameterVersion SET ciphertext = substr(ciphertext, 1, length(ciphertext) - 1) || x'00' WHERE key = 't/pw'")
        }
        let damaged = try await server.call("AmazonSSM.GetParameter", ["Name": "/t/pw", "WithDecryption": true])
        #expect(damaged.status == 500)
        #expect(damaged.errorType == "InternalServerError")
        #expect(damaged.message?.contains("parameter /t/pw version 1 failed authentication") == true, "\(damaged.message ?? "")")
        let sealed = try await server.call("AmazonSSM.GetParameter", ["Name": "/t/pw"])
        #expect(sealed.status == 200, "without decryption the envelope is returned as it is")
        server.parameters.replaceKeyRing(ParameterKeyRing(master: APITestServer.keyRing().master, customerKeys: [],
                                                          region: "us-east-1", account: APITestServer.account))
        let noKey = try await server.call("AmazonSSM.GetParameter", ["Name": "/t/app", "WithDecryption": true])
        #expect(noKey.errorType == "InvalidKeyId")
        #expect(noKey.message?.contains(APITestServer.customerKey) == true)
        let healthy = try await server.call("AmazonSSM.DescribeParameters", [:])
        #expect(healthy.body["Parameters"]?.arrayValue?.count == 2)
    }

    @Test("every change is a Parameter Store Change event in the outbox, matched by rules like any event")
    func events() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        _ = try await server.call("AWSEvents.PutRule", ["Name": "params", "EventPattern": #"{"source":["aws.ssm"],"detail-type":["Parameter Store Change"]}"#])
        _ = try await server.call("AWSEvents.PutTargets", ["Rule": "params", "Targets": [["Id": "log", "Arn": "arn:schedulerd:log:::params"]]])
        _ = try await server.call("AmazonSSM.PutParameter", ["Name": "/e/x", "Value": "1", "Type": "String", "Description": "d"])
        _ = try await server.call("AmazonSSM.PutParameter", ["Name": "/e/x", "Value": "2", "Overwrite": true])
        _ = try await server.call("AmazonSSM.LabelParameterVersion", ["Name": "/e/x", "Labels": ["l"]])
        _ = try await server.call("AmazonSSM.DeleteParameter", ["Name": "/e/x"])
        let recorded = try server.database.events(since: nil).filter { $0.event.detailType == "Parameter Store Change" }
        let details = try recorded.map { try JSONValue(json: $0.event.body) }
        #expect(details.map { $0["detail"]?["operation"] } == ["Create", "Update", "LabelParameterVersion", "Delete"])
        #expect(details[0]["source"] == "aws.ssm")
        #expect(details[0]["resources"] == ["arn:aws:ssm:us-east-1:123456789012:parameter/e/x"])
        #expect(details[0]["detail"] == ["operation": "Create", "name": "/e/x", "type": "String", "description": "d"])
        #expect(recorded.allSatisfy { $0.deliveries.map(\.rule) == ["params"] })
    }

    @Test("policies over HTTP: accepted on Advanced, carried out by the policy service on the daemon's clock")
    func policies() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        let expiry = server.clock.now().addingTimeInterval(7200)
        let policies = #"[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"\#(ISO8601DateFormatter().string(from: expiry))"}}]"#
        let standard = try await server.call("AmazonSSM.PutParameter", ["Name": "/p", "Value": "v", "Type": "String", "Policies": .string(policies)])
        #expect(standard.errorType == "ValidationException")
        let advanced = try await server.call("AmazonSSM.PutParameter", ["Name": "/p", "Value": "v", "Type": "String", "Tier": "Advanced",
                                                                        "Policies": .string(policies)])
        #expect(advanced.body == ["Version": 1, "Tier": "Advanced"])
        let bad = try await server.call("AmazonSSM.PutParameter", ["Name": "/q", "Value": "v", "Type": "String", "Tier": "Advanced",
                                                                   "Policies": #"[{"Type":"Explode","Version":"1.0","Attributes":{}}]"#])
        #expect(bad.errorType == "InvalidPolicyTypeException")
        let described = try await server.call("AmazonSSM.DescribeParameters", [:])
        #expect(described.body["Parameters"]?[0]?["Policies"]?[0]?["PolicyStatus"] == "Pending")
        #expect(described.body["Parameters"]?[0]?["Policies"]?[0]?["PolicyType"] == "Expiration")

        let service = ParameterPolicyHarness(server: server)
        let task = Task { try await service.run() }
        defer { task.cancel() }
        await server.clock.waitForSleepers()
        #expect(server.clock.nextDeadline == expiry, "asleep until the expiration, no earlier")
        server.clock.advance(to: expiry)
        try await waitUntil { (try? server.database.parameter(key: "p")) == nil }
        let gone = try await server.call("AmazonSSM.GetParameter", ["Name": "/p"])
        #expect(gone.errorType == "ParameterNotFound")
        let kinds = try server.database.events(since: nil).map(\.event.detailType)
        #expect(kinds.suffix(2) == ["Parameter Store Policy Action", "Parameter Store Change"])
    }
}

/// Polls `condition` (with yields, never sleeping on a clock) for up to 10 s of real time.
func waitUntil(_ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: .seconds(10))
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("condition not met within 10 s") }
        try await Task.sleep(for: .milliseconds(5))
    }
}
