import Auth
import Testing

@Suite("Roles")
struct RoleTests {
    static let readOperations = ["ssm:GetParameter", "ssm:GetCalendarState", "ssm:DescribeParameters",
                                 "ssm:ListDocuments", "events:TestEventPattern", "events:ListRules",
                                 "ec2:DescribeInstances", "rds:DescribeDBInstances", "GetParametersByPath",
                                 "ssm:GetParameters", "ssm:GetParameterHistory", "ssm:ListTagsForResource",
                                 "ec2:DescribeInstanceStatus", "ec2:DescribeTags", "rds:ListTagsForResource"]
    static let runOperations = ["events:PutEvents", "events:EnableRule", "events:DisableRule",
                                "ssm:StartAutomationExecution", "ssm:StopAutomationExecution", "ssm:SendAutomationSignal",
                                "ssm:StartChangeRequestExecution", "ssm:SendCommand", "ssm:CancelCommand",
                                "ssm:StartSession", "ssm:TerminateSession", "ssm:ResumeSession",
                                "ec2:StartInstances", "ec2:StopInstances", "rds:StartDBInstance", "rds:StopDBInstance"]
    static let defineOperations = ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:CreateDocument", "ssm:UpdateDocument",
                                   "events:PutRule", "events:PutTargets", "events:DeleteRule", "events:RemoveTargets",
                                   "ssm:LabelParameterVersion", "ec2:TerminateInstances", "ssm:AddTagsToResource",
                                   "ec2:RunInstances", "ec2:CreateTags", "ec2:DeleteTags", "rds:CreateDBInstance",
                                   "rds:DeleteDBInstance", "rds:AddTagsToResource", "rds:RemoveTagsFromResource",
                                   "Getaway", "Listen", "Test", "ssm:Get",
                                   "ssm:DeleteParameters", "ssm:UnlabelParameterVersion", "ssm:RemoveTagsFromResource"]

    @Test("admin may do everything")
    func admin() {
        for operation in Self.readOperations + Self.runOperations + Self.defineOperations {
            #expect(Role.admin.allows(operation: operation), "\(operation)")
        }
    }

    @Test("readonly may only read")
    func readonly() {
        for operation in Self.readOperations { #expect(Role.readonly.allows(operation: operation), "\(operation)") }
        for operation in Self.runOperations + Self.defineOperations {
            #expect(!Role.readonly.allows(operation: operation), "\(operation)")
        }
    }

    @Test("operator may read and run, not define")
    func `operator`() {
        for operation in Self.readOperations + Self.runOperations {
            #expect(Role.operator.allows(operation: operation), "\(operation)")
        }
        for operation in Self.defineOperations { #expect(!Role.operator.allows(operation: operation), "\(operation)") }
        #expect(Role.operatorOperations.count == 16)
    }

    @Test("the raw values are the names the CLI and the configuration use")
    func names() {
        #expect(Role.allCases.map(\.rawValue) == ["admin", "operator", "readonly"])
    }

    @Test("authorize: a bare operation name is judged the same, with a shorter message")
    func bareOperation() throws {
        let verifier = SigV4Verifier(credentials: FixedCredentials(), region: "eu-west-1", accountID: "000000000042")
        let reader = Principal(accessKeyId: "AKIAREADERREADERREAD", name: "reader", role: .readonly)
        #expect(throws: Never.self) { try verifier.authorize(reader, operation: "ListRules") }
        #expect(throws: AuthFailure(code: "AccessDeniedException",
                                    message: "User: arn:aws:iam::000000000042:user/reader is not authorized to perform: "
                                        + "PutRule because no identity-based policy allows the PutRule action")) {
            try verifier.authorize(reader, operation: "PutRule")
        }
        #expect(throws: AuthFailure(code: "AccessDeniedException",
                                    message: "User: arn:aws:iam::000000000042:user/reader is not authorized to perform: "
                                        + "events:PutEvents on resource: arn:aws:events:eu-west-1:000000000042:* because "
                                        + "no identity-based policy allows the events:PutEvents action")) {
            try verifier.authorize(reader, operation: "events:PutEvents")
        }
    }
}
