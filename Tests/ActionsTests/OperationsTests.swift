@testable import Actions
import EventBus
import Foundation
import Testing

@Suite("ResourceOperations: the same calls from the Query form and from SDK-shaped JSON")
struct OperationsTests {
    func operations(_ harness: Harness) -> ResourceOperations {
        ResourceOperations(provider: harness.simulator, account: "123456789012", region: "us-east-1")
    }

    @Test("DescribeInstances: form and JSON inputs give the same answer, shaped as boto3 sees it")
    func describeBothWays() async throws {
        let harness = try Harness()
        try harness.declare()
        let operations = operations(harness)
        let form = try await operations.call(service: "ec2", action: "DescribeInstances", input: .form([
            ("Filter.1.Name", "tag:Schedule"), ("Filter.1.Value.1", "office-hours"),
            ("Filter.2.Name", "instance-state-name"), ("Filter.2.Value.1", "running"), ("Filter.2.Value.2", "pending"),
        ]))
        let json = try await operations.call(service: "ec2", action: "DescribeInstances", input: .json([
            "Filters": [["Name": "tag:Schedule", "Values": ["office-hours"]], ["Name": "instance-state-name", "Values": ["running", "pending"]]],
        ]))
        #expect(form == json)
        let output = form.json
        let instances = output["Reservations"]?.arrayValue?.flatMap { $0["Instances"]?.arrayValue ?? [] } ?? []
        #expect(instances.compactMap { $0["InstanceId"]?.stringValue }.sorted() == Harness.web.sorted())
        #expect(instances.allSatisfy { $0["State"] == ["Code": 16, "Name": "running"] })
        #expect(output["Reservations"]?[0]?["OwnerId"] == "123456789012")
        #expect(instances.first?["LaunchTime"] == "2026-12-01T00:00:00.000Z")
        #expect(output["NextToken"] == nil)
    }

    @Test("StopInstances and the RDS calls of the AWS-owned runbooks, from JSON as aws:executeAwsApi passes them")
    func runbookCalls() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        let operations = operations(harness)
        let stop = try await operations.call(service: "ec2", action: "StopInstances", input: .json(["InstanceIds": [.string(Harness.web[0])]]))
        #expect(stop.json["StoppingInstances"]?[0]?["CurrentState"]?["Name"] == "stopping")
        let rds = try await operations.call(service: "rds", action: "StopDBInstance", input: .json(["DBInstanceIdentifier": "orders-db"]))
        #expect(rds.json["DBInstance"]?["DBInstanceStatus"] == "stopping")
        let described = try await operations.call(service: "rds", action: "DescribeDBInstances", input: .json(["DBInstanceIdentifier": "orders-db"]))
        #expect(described.json["DBInstances"]?[0]?["DBInstanceStatus"] == "stopped", "0-second transitions complete before the next call")
        #expect(described.json["DBInstances"]?[0]?["TagList"] == [["Key": "Schedule", "Value": "office-hours"]])
    }

    @Test("RDS form parameters: Filters.Filter.N.Values.Value.M, Tags.Tag.N, TagKeys.member.N, MaxRecords bounds")
    func rdsForm() async throws {
        let harness = try Harness()
        try harness.declare()
        let operations = operations(harness)
        let described = try await operations.call(service: "rds", action: "DescribeDBInstances", input: .form([
            ("Filters.Filter.1.Name", "engine"), ("Filters.Filter.1.Values.Value.1", "mysql"),
        ]))
        #expect(described.json["DBInstances"]?.arrayValue?.compactMap { $0["DBInstanceIdentifier"]?.stringValue } == ["reports-db"])
        let arn = "arn:aws:rds:us-east-1:123456789012:db:reports-db"
        _ = try await operations.call(service: "rds", action: "AddTagsToResource", input: .form([
            ("ResourceName", arn), ("Tags.Tag.1.Key", "A"), ("Tags.Tag.1.Value", "1"), ("Tags.Tag.2.Key", "B"), ("Tags.Tag.2.Value", "2"),
        ]))
        _ = try await operations.call(service: "rds", action: "RemoveTagsFromResource", input: .form([
            ("ResourceName", arn), ("TagKeys.member.1", "A"),
        ]))
        let tags = try await operations.call(service: "rds", action: "ListTagsForResource", input: .form([("ResourceName", arn)]))
        #expect(tags.json == ["TagList": [["Key": "B", "Value": "2"]]])
        let bounds = await resourceError {
            _ = try await operations.call(service: "rds", action: "DescribeDBInstances", input: .form([("MaxRecords", "5")]))
        }
        #expect(bounds?.code == "InvalidParameterValue")
    }

    @Test("EC2 parameter errors: MissingParameter, MaxResults with ids, bounds, DryRun, unknown actions")
    func ec2ParameterErrors() async throws {
        let harness = try Harness()
        try harness.declare()
        let operations = operations(harness)
        func error(_ action: String, _ parameters: [(String, String)]) async -> ResourceError? {
            await resourceError { _ = try await operations.call(service: "ec2", action: action, input: .form(parameters.map { ($0.0, $0.1) })) }
        }
        #expect(await error("StopInstances", []) == ResourceError("MissingParameter", "The request must contain the parameter InstanceId"))
        #expect(await error("DescribeInstances", [("InstanceId.1", Harness.web[0]), ("MaxResults", "5")])?.code == "InvalidParameterCombination")
        #expect(await error("DescribeInstances", [("MaxResults", "3")]) == ResourceError("InvalidParameterValue",
                "Value ( 3 ) for parameter maxResults is invalid. Expecting a value greater than 5."))
        #expect(await error("StopInstances", [("InstanceId.1", Harness.web[0]), ("DryRun", "true")]) == .dryRunOperation)
        #expect(try await harness.state(Harness.web[0]) == .running, "a dry run changes nothing")
        #expect(await error("RebootInstances", [])?.code == "InvalidAction")
        #expect(await error("DescribeInstances", [("MaxResults", "many")])?.code == "InvalidParameterValue")
    }

    @Test("RunInstances from the form: counts, type, TagSpecification.N.Tag.M, Placement.AvailabilityZone")
    func runFromForm() async throws {
        let harness = try Harness()
        let operations = operations(harness)
        let output = try await operations.call(service: "ec2", action: "RunInstances", input: .form([
            ("ImageId", "ami-12345678"), ("InstanceType", "t3.small"), ("MinCount", "2"), ("MaxCount", "2"),
            ("Placement.AvailabilityZone", "us-east-1c"),
            ("TagSpecification.1.ResourceType", "instance"), ("TagSpecification.1.Tag.1.Key", "Schedule"),
            ("TagSpecification.1.Tag.1.Value", "office-hours"),
        ])).json
        let instances = output["Instances"]?.arrayValue ?? []
        #expect(instances.count == 2)
        #expect(instances.allSatisfy { $0["Placement"]?["AvailabilityZone"] == "us-east-1c" && $0["InstanceType"] == "t3.small" })
        #expect(instances.allSatisfy { $0["Tags"] == [["Key": "Schedule", "Value": "office-hours"]] })
        #expect(output["ReservationId"]?.stringValue?.hasPrefix("r-") == true)
    }

    @Test("the XML-only member of CreateTags does not show in JSON; EC2's names are kept for XML")
    func xmlNames() {
        let value = ModelValue.structure([ModelMember(nil, xml: "return", .boolean(true))])
        #expect(value.json == [:])
        let state = ResourceOperations.state(.stopping)
        guard case .structure(let members) = state else { Issue.record("not a structure"); return }
        #expect(members.map(\.xmlName) == ["code", "name"])
        #expect(state.json == ["Code": 64, "Name": "stopping"])
    }

    @Test("EC2 filter wildcards")
    func wildcards() {
        #expect(Wildcard.matches("office-hours", pattern: "office-*"))
        #expect(Wildcard.matches("office-hours", pattern: "*hours"))
        #expect(Wildcard.matches("web-1", pattern: "web-?"))
        #expect(!Wildcard.matches("web-10", pattern: "web-?"))
        #expect(Wildcard.matches("a*b", pattern: #"a\*b"#))
        #expect(!Wildcard.matches("axb", pattern: #"a\*b"#))
        #expect(Wildcard.matches("", pattern: "*"))
        #expect(!Wildcard.matches("abc", pattern: "ab"))
    }
}
