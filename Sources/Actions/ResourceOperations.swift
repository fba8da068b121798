/// The EC2 and RDS operations schedulerd serves, over any `ResourceProvider`: each reads its
/// parameters from an `OperationInput` (the Query protocols' form, or SDK-shaped JSON) and
/// answers a `ModelValue` shaped as the service's model, or throws the service's
/// `ResourceError`.
///
/// The API serves these as Query-protocol actions; the automation engine calls them for
/// `aws:executeAwsApi` and reads the answer as JSON:
///
/// ```swift
/// let output = try await operations.call(service: "rds", action: "DescribeDBInstances",
///                                        input: .json(["DBInstanceIdentifier": "orders-db"]))
/// output.json   // {"DBInstances": [{"DBInstanceIdentifier": "orders-db", "DBInstanceStatus": "available", …}]}
/// ```
public struct ResourceOperations: Sendable {
    public let provider: any ResourceProvider
    /// The account in `OwnerId`s and ARNs.
    public let account: String
    public let region: String

    public init(provider: any ResourceProvider, account: String, region: String) {
        self.provider = provider
        self.account = account
        self.region = region
    }

    /// The actions of each service (`ec2`, `rds`), as the Query protocols name them.
    public static let actions: [String: [String]] = [
        "ec2": ["DescribeInstances", "DescribeInstanceStatus", "RunInstances", "StartInstances", "StopInstances",
                "TerminateInstances", "CreateTags", "DeleteTags", "DescribeTags"],
        "rds": ["DescribeDBInstances", "CreateDBInstance", "DeleteDBInstance", "StartDBInstance", "StopDBInstance",
                "AddTagsToResource", "ListTagsForResource", "RemoveTagsFromResource"],
    ]

    /// Runs `action` of `service` (`ec2` or `rds`).
    ///
    /// - Throws: `ResourceError` (the service's error, `InvalidAction` for an action it does
    ///   not have); any other error is a fault of the provider.
    public func call(service: String, action: String, input: OperationInput) async throws -> ModelValue {
        switch (service, action) {
        case ("ec2", "DescribeInstances"): try await describeInstances(input)
        case ("ec2", "DescribeInstanceStatus"): try await describeInstanceStatus(input)
        case ("ec2", "RunInstances"): try await runInstances(input)
        case ("ec2", "StartInstances"): try await changeInstances(input, member: "StartingInstances")
        case ("ec2", "StopInstances"): try await changeInstances(input, member: "StoppingInstances")
        case ("ec2", "TerminateInstances"): try await changeInstances(input, member: "TerminatingInstances")
        case ("ec2", "CreateTags"): try await createTags(input)
        case ("ec2", "DeleteTags"): try await deleteTags(input)
        case ("ec2", "DescribeTags"): try await describeTags(input)
        case ("rds", "DescribeDBInstances"): try await describeDBInstances(input)
        case ("rds", "CreateDBInstance"): try await createDBInstance(input)
        case ("rds", "DeleteDBInstance"): try await deleteDBInstance(input)
        case ("rds", "StartDBInstance"): try await startDBInstance(input)
        case ("rds", "StopDBInstance"): try await stopDBInstance(input)
        case ("rds", "AddTagsToResource"): try await addTagsToResource(input)
        case ("rds", "ListTagsForResource"): try await listTagsForResource(input)
        case ("rds", "RemoveTagsFromResource"): try await removeTagsFromResource(input)
        default: throw ResourceError("InvalidAction", "The action \(action) is not valid for this web service.")
        }
    }
}
