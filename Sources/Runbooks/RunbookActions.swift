/// The actions schedulerd's automation engine runs, with the inputs each requires and the
/// outputs it produces on its own (beyond the `outputs` a step declares).
enum RunbookActions {
    struct Action {
        let required: [String]
        /// At least one of these must be given (empty: no such rule).
        let oneOf: [String]
        let builtInOutputs: [String]
    }

    static let all: [String: Action] = [
        "aws:executeAwsApi": Action(required: ["Service", "Api"], oneOf: [], builtInOutputs: []),
        "aws:assertAwsResourceProperty": Action(required: ["Service", "Api", "PropertySelector", "DesiredValues"], oneOf: [], builtInOutputs: []),
        "aws:waitForAwsResourceProperty": Action(required: ["Service", "Api", "PropertySelector", "DesiredValues"], oneOf: [], builtInOutputs: []),
        "aws:changeInstanceState": Action(required: ["InstanceIds", "DesiredState"], oneOf: [], builtInOutputs: []),
        "aws:sleep": Action(required: [], oneOf: ["Duration", "Timestamp"], builtInOutputs: []),
        "aws:branch": Action(required: ["Choices"], oneOf: [], builtInOutputs: []),
        "aws:approve": Action(required: ["Approvers"], oneOf: [], builtInOutputs: ["ApprovalStatus", "ApproverDecisions"]),
        "aws:pause": Action(required: [], oneOf: [], builtInOutputs: []),
        "aws:runCommand": Action(required: ["DocumentName"], oneOf: ["InstanceIds", "Targets"],
                                 builtInOutputs: ["CommandId", "Status", "ResponseCode", "Output"]),
    ]

    static var names: String { all.keys.sorted().joined(separator: ", ") }

    /// `aws:branch` operators.
    static let branchOperators: Set<String> = [
        "StringEquals", "EqualsIgnoreCase", "StartsWith", "EndsWith", "Contains",
        "NumericEquals", "NumericGreater", "NumericLesser", "NumericGreaterOrEquals", "NumericLesserOrEquals", "BooleanEquals",
    ]

    /// Actions a cancel workflow may not go to (AWS: onCancel cannot target these).
    static let notCancelTargets: Set<String> = ["aws:approve", "aws:pause", "aws:sleep", "aws:createImage", "aws:copyImage",
                                                "aws:createStack", "aws:createTags", "aws:runInstances"]
}
