import Daemon
import EventBus
import Foundation
import Store
import Testing

@Suite("EventBridge operations over HTTP")
struct EventBridgeTests {
    @Test("rules and targets: put, describe, list with pages, enable, disable, remove, delete")
    func rulesAndTargets() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        for index in 1...5 {
            let put = try await server.call("AWSEvents.PutRule", [
                "Name": .string("rule-\(index)"), "EventPattern": #"{"source":["my.app"]}"#, "Description": "test",
            ])
            #expect(put.body["RuleArn"] == .string("arn:aws:events:us-east-1:123456789012:rule/rule-\(index)"))
        }
        let described = try await server.call("AWSEvents.DescribeRule", ["Name": "rule-1"])
        #expect(described.body["State"] == "ENABLED")
        #expect(described.body["EventPattern"] == #"{"source":["my.app"]}"#)
        #expect(described.body["EventBusName"] == "default")

        var names: [String] = []
        var token: JSONValue = .null
        repeat {
            let page = try await server.call("AWSEvents.ListRules", ["NamePrefix": "rule-", "Limit": 2, "NextToken": token])
            names += page.body["Rules"]?.arrayValue?.compactMap { $0["Name"]?.stringValue } ?? []
            token = page.body["NextToken"] ?? .null
        } while !token.isNull
        #expect(names == (1...5).map { "rule-\($0)" })

        let targets = try await server.call("AWSEvents.PutTargets", ["Rule": "rule-1", "Targets": [
            ["Id": "log", "Arn": "arn:schedulerd:log:::audit"],
            ["Id": "cmd", "Arn": #"arn:schedulerd:command:::["/bin/echo","hi"]"#, "InputPath": "$.detail",
             "RetryPolicy": ["MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 600]],
            ["Id": "hook", "Arn": "arn:schedulerd:webhook:::http://127.0.0.1:9/hook",
             "InputTransformer": ["InputPathsMap": ["s": "$.source"], "InputTemplate": #"{"from": "<s>"}"#]],
            ["Id": "lambda", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:f"],
        ]])
        #expect(targets.body["FailedEntryCount"] == 1)
        #expect(targets.body["FailedEntries"]?[0]?["TargetId"] == "lambda")
        let stored = try #require(server.state.rules.rules["rule-1"]?.targets)
        #expect(stored.map(\.id) == ["log", "cmd", "hook"], "in force without a reload")
        #expect(stored[1].argv == ["/bin/echo", "hi"])
        #expect(stored[1].maximumRetryAttempts == 3)

        let listed = try await server.call("AWSEvents.ListTargetsByRule", ["Rule": "rule-1"])
        let arns = listed.body["Targets"]?.arrayValue?.compactMap { $0["Arn"]?.stringValue }
        #expect(arns == ["arn:schedulerd:log:::log", #"arn:schedulerd:command:::["/bin/echo","hi"]"#, "arn:schedulerd:webhook:::http://127.0.0.1:9/hook"])
        let byTarget = try await server.call("AWSEvents.ListRuleNamesByTarget", ["TargetArn": "arn:schedulerd:webhook:::http://127.0.0.1:9/hook"])
        #expect(byTarget.body["RuleNames"] == ["rule-1"])

        let both = try await server.call("AWSEvents.PutTargets", ["Rule": "rule-1", "Targets": [
            ["Id": "x", "Arn": "arn:schedulerd:log:::x", "Input": "{}", "InputPath": "$.detail"],
        ]])
        #expect(both.errorType == "ValidationException")
        let tooMany = try await server.call("AWSEvents.PutTargets", ["Rule": "rule-1", "Targets": [
            ["Id": "a", "Arn": "arn:schedulerd:log:::a"], ["Id": "b", "Arn": "arn:schedulerd:log:::b"], ["Id": "c", "Arn": "arn:schedulerd:log:::c"],
        ]])
        #expect(tooMany.errorType == "LimitExceededException")

        #expect(try await server.call("AWSEvents.DisableRule", ["Name": "rule-1"]).status == 200)
        #expect(server.state.rules.rules["rule-1"]?.enabled == false)
        #expect(try await server.call("AWSEvents.EnableRule", ["Name": "rule-1"]).status == 200)
        #expect(server.state.rules.rules["rule-1"]?.enabled == true)

        let refused = try await server.call("AWSEvents.DeleteRule", ["Name": "rule-1"])
        #expect(refused.message == "Rule can't be deleted since it has targets.")
        let removed = try await server.call("AWSEvents.RemoveTargets", ["Rule": "rule-1", "Ids": ["log", "cmd", "hook", "ghost"]])
        #expect(removed.body["FailedEntryCount"] == 1)
        #expect(try await server.call("AWSEvents.DeleteRule", ["Name": "rule-1"]).status == 200)
        #expect(try await server.call("AWSEvents.DeleteRule", ["Name": "rule-1"]).status == 200, "deleting twice succeeds, as on AWS")
        let missing = try await server.call("AWSEvents.DescribeRule", ["Name": "rule-1"])
        #expect(missing.errorType == "ResourceNotFoundException")
        #expect(missing.message == "Rule rule-1 does not exist on EventBus default.")
    }

    @Test("PutRule refuses bad patterns and schedules with AWS's errors, and rules from the file")
    func putRuleErrors() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        let pattern = try await server.call("AWSEvents.PutRule", ["Name": "r", "EventPattern": #"{"source":"x"}"#])
        #expect(pattern.errorType == "InvalidEventPatternException")
        #expect(pattern.message?.hasPrefix("Event pattern is not valid. Reason:") == true)
        let schedule = try await server.call("AWSEvents.PutRule", ["Name": "r", "ScheduleExpression": "rate(1 minutes)"])
        #expect(schedule.errorType == "ValidationException")
        let neither = try await server.call("AWSEvents.PutRule", ["Name": "r"])
        #expect(neither.message == "Parameter(s) EventPattern or ScheduleExpression must be specified.")
        let bus = try await server.call("AWSEvents.PutRule", ["Name": "r", "EventPattern": "{}", "EventBusName": "other"])
        #expect(bus.errorType == "ResourceNotFoundException")

        try server.database.reconcileRules([RuleRecord(name: "from-file", description: "", state: "ENABLED", eventPattern: "{}",
                                                       scheduleExpression: nil, origin: "config", targets: "[]")], origin: .config)
        let managed = try await server.call("AWSEvents.PutRule", ["Name": "from-file", "EventPattern": #"{"source":["x"]}"#])
        #expect(managed.errorType == "ManagedRuleException")
        let disable = try await server.call("AWSEvents.DisableRule", ["Name": "from-file"])
        #expect(disable.errorType == "ManagedRuleException")
        let listed = try await server.call("AWSEvents.DescribeRule", ["Name": "from-file"])
        #expect(listed.body["ManagedBy"] == "schedulerd-configuration")
    }

    @Test("PutEvents records custom events, routes them through the rules, and reports bad entries one by one")
    func putEvents() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        _ = try await server.call("AWSEvents.PutRule", ["Name": "orders", "EventPattern": #"{"source":["shop"],"detail":{"total":[{"numeric":[">",100]}]}}"#])
        _ = try await server.call("AWSEvents.PutTargets", ["Rule": "orders", "Targets": [["Id": "audit", "Arn": "arn:schedulerd:log:::audit"]]])
        let reply = try await server.call("AWSEvents.PutEvents", ["Entries": [
            ["Source": "shop", "DetailType": "Order", "Detail": #"{"total": 250}"#, "Resources": ["arn:x"]],
            ["Source": "shop", "DetailType": "Order", "Detail": #"{"total": 5}"#],
            ["Source": "shop", "DetailType": "Order", "Detail": "{not json"],
            ["DetailType": "Order", "Detail": "{}"],
            ["Source": "aws.ec2", "DetailType": "Order", "Detail": "{}"],
        ]])
        #expect(reply.status == 200)
        #expect(reply.body["FailedEntryCount"] == 3)
        let entries = try #require(reply.body["Entries"]?.arrayValue)
        #expect(entries.count == 5)
        #expect(entries[2]["ErrorCode"] == "MalformedDetail")
        #expect(entries[3]["ErrorCode"] == "InvalidArgument")
        #expect(entries[4]["ErrorCode"] == "NotAuthorizedForSourceException")
        let big = try #require(entries[0]["EventId"]?.stringValue)
        let small = try #require(entries[1]["EventId"]?.stringValue)

        let recorded = try server.database.events(since: nil)
        let byId = Dictionary(uniqueKeysWithValues: recorded.map { ($0.event.id, $0) })
        #expect(byId[big]?.deliveries.map(\.targetId) == ["audit"], "matched the rule")
        #expect(byId[small]?.deliveries.isEmpty == true, "recorded, but matched no rule")
        let body = try JSONValue(json: try #require(byId[big]?.event.body))
        #expect(body["resources"] == ["arn:x"])
        #expect(body["account"] == "123456789012")

        let eleven = try await server.call("AWSEvents.PutEvents", ["Entries": .array(Array(repeating: ["Source": "s", "DetailType": "d", "Detail": "{}"], count: 11))])
        #expect(eleven.errorType == "ValidationException")
    }

    @Test("TestEventPattern answers with the bus's matcher and AWS's errors")
    func testEventPattern() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        let event = #"{"id":"1","account":"123456789012","source":"aws.ssm","time":"2026-12-01T22:00:00Z","region":"us-east-1","detail-type":"Calendar State Change","resources":[],"detail":{"state":"CLOSED"}}"#
        let yes = try await server.call("AWSEvents.TestEventPattern", ["EventPattern": #"{"detail":{"state":[{"prefix":"CLO"}]}}"#, "Event": .string(event)])
        #expect(yes.body == ["Result": true])
        let no = try await server.call("AWSEvents.TestEventPattern", ["EventPattern": #"{"detail":{"state":["OPEN"]}}"#, "Event": .string(event)])
        #expect(no.body == ["Result": false])
        let invalid = try await server.call("AWSEvents.TestEventPattern", ["EventPattern": #"{"detail":{"state":[]}}"#, "Event": .string(event)])
        #expect(invalid.errorType == "InvalidEventPatternException")
        let incomplete = try await server.call("AWSEvents.TestEventPattern", ["EventPattern": "{}", "Event": #"{"source":"x"}"#])
        #expect(incomplete.errorType == "InvalidEventPatternException")
    }
}
