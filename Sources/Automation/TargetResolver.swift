import EventBus
import Foundation
import Runbooks
import SchedulerCore

/// One `{Key, Values}` of StartAutomationExecution's `Targets`.
public struct AutomationTarget: Sendable, Equatable {
    public var key: String
    public var values: [String]

    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }

    var json: JSONValue { ["Key": .string(key), "Values": .array(values.map { .string($0) })] }

    /// The keys schedulerd resolves; anything else is refused at the start with `InvalidTarget`.
    static func check(_ key: String) -> String? {
        if key.hasPrefix("tag:"), key.count > 4 { return nil }
        if ["ParameterValues", "InstanceIds", "AWS::EC2::Instance", "AWS::RDS::DBInstance"].contains(key) { return nil }
        if key == "ResourceGroup" || key.hasPrefix("resource-groups:") {
            return "schedulerd has no resource groups; target by tag:KEY, ParameterValues, InstanceIds or AWS::EC2::Instance."
        }
        return "\(key) is not a target key schedulerd resolves; use tag:KEY, ParameterValues, InstanceIds or AWS::EC2::Instance."
    }
}

/// Turns a rate-controlled execution's targets into the values its children run with, through
/// the resource provider: `tag:KEY` becomes the ids of the EC2 instances (DescribeInstances
/// with a `tag:KEY` filter, terminated ones left out) or of the RDS DB instances (by their
/// tags) carrying the tag; which of the two depends on how the runbook uses the target
/// parameter (`aws:changeInstanceState` or `Service: ec2` → EC2; `Service: rds` → RDS).
struct TargetResolver: Sendable {
    enum ResourceKind: Sendable { case ec2, rds }

    let caller: any AWSAPICaller
    let clock: AnyWallClock

    static func kind(of parameter: String, in runbook: Runbook) -> ResourceKind {
        for step in runbook.mainSteps {
            let referenced = Interpolation.references(in: .object(step.inputs)).contains(parameter)
            guard referenced else { continue }
            if step.inputs["Service"]?.stringValue?.lowercased() == "rds" { return .rds }
            if step.action == "aws:changeInstanceState" || step.inputs["Service"]?.stringValue?.lowercased() == "ec2" { return .ec2 }
        }
        return .ec2
    }

    func resolve(_ targets: [AutomationTarget], kind: ResourceKind) async throws -> [String] {
        var values: [String] = []
        for target in targets {
            switch target.key {
            case "ParameterValues":
                values += target.values
            case "InstanceIds", "AWS::EC2::Instance":
                values += target.values == ["*"] ? try await instances(filters: []) : target.values
            case "AWS::RDS::DBInstance":
                values += target.values == ["*"] ? try await databases { _ in true } : target.values
            default:
                let tag = String(target.key.dropFirst(4))
                switch kind {
                case .ec2:
                    values += try await instances(filters: [["Name": .string("tag:\(tag)"), "Values": .array(target.values.map { .string($0) })]])
                case .rds:
                    values += try await databases { tags in tags[tag].map { target.values.contains($0) } ?? false }
                }
            }
        }
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }

    /// Ids of the instances matching `filters`, not terminated or shutting down; every page.
    func instances(filters: [JSONValue]) async throws -> [String] {
        let live: JSONValue = ["Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]]
        var ids: [String] = []
        var token: String?
        repeat {
            var parameters: [String: JSONValue] = ["Filters": .array(filters + [live])]
            if let token { parameters["NextToken"] = .string(token) }
            let page = try await call("ec2", "DescribeInstances", parameters)
            for reservation in page["Reservations"]?.arrayValue ?? [] {
                for instance in reservation["Instances"]?.arrayValue ?? [] {
                    if let id = instance["InstanceId"]?.stringValue { ids.append(id) }
                }
            }
            token = page["NextToken"]?.stringValue
        } while token != nil
        return ids
    }

    /// Identifiers of the DB instances whose tags pass `admit`; every page. Tags come from
    /// DescribeDBInstances' `TagList`, else from ListTagsForResource.
    func databases(_ admit: ([String: String]) -> Bool) async throws -> [String] {
        var ids: [String] = []
        var marker: String?
        repeat {
            var parameters: [String: JSONValue] = [:]
            if let marker { parameters["Marker"] = .string(marker) }
            let page = try await call("rds", "DescribeDBInstances", parameters)
            for database in page["DBInstances"]?.arrayValue ?? [] {
                guard let id = database["DBInstanceIdentifier"]?.stringValue else { continue }
                var list = database["TagList"]?.arrayValue
                if list == nil, let arn = database["DBInstanceArn"]?.stringValue {
                    list = try await call("rds", "ListTagsForResource", ["ResourceName": .string(arn)])["TagList"]?.arrayValue
                }
                var tags: [String: String] = [:]
                for tag in list ?? [] {
                    if let key = tag["Key"]?.stringValue { tags[key] = tag["Value"]?.stringValue ?? "" }
                }
                if admit(tags) { ids.append(id) }
            }
            marker = page["Marker"]?.stringValue
        } while marker != nil
        return ids
    }

    /// A call with throttling waited out (1 s, 2 s... at most 30 s apart, five times).
    func call(_ service: String, _ api: String, _ parameters: [String: JSONValue]) async throws -> JSONValue {
        var delay: TimeInterval = 1
        for _ in 0..<5 {
            do {
                return try await caller.call(service: service, api: api, parameters: .object(parameters))
            } catch let error as AWSAPIError where error.isThrottling {
                let deadline = clock.now().addingTimeInterval(delay)
                while clock.now() < deadline { try await clock.sleep(until: deadline) }
                delay = min(30, delay * 2)
            }
        }
        return try await caller.call(service: service, api: api, parameters: .object(parameters))
    }
}
