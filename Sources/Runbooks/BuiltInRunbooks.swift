/// The AWS-owned runbooks schedulerd ships (document owner `Amazon`), with the steps AWS's
/// published copies have (see the shared reference, §2.3).
public enum BuiltInRunbooks {
    public static let all: [String: String] = [
        "AWS-StopEC2Instance": stopEC2, "AWS-StartEC2Instance": startEC2,
        "AWS-StartRdsInstance": startRDS, "AWS-StopRdsInstance": stopRDS,
    ]

    static let assumeRoleParameter = """
          AutomationAssumeRole:
            type: String
            description: (Optional) The ARN of the role that allows Automation to perform the actions on your behalf.
            default: ''
        """

    static let stopEC2 = """
        description: Stop EC2 instances(s)
        schemaVersion: '0.3'
        assumeRole: '{{ AutomationAssumeRole }}'
        parameters:
          InstanceId:
            type: StringList
            description: (Required) EC2 Instance(s) to stop
        \(assumeRoleParameter)
        mainSteps:
          - name: stopInstances
            action: aws:changeInstanceState
            onFailure: Continue
            inputs:
              InstanceIds: '{{ InstanceId }}'
              DesiredState: stopped
          - name: forceStopInstances
            action: aws:changeInstanceState
            inputs:
              InstanceIds: '{{ InstanceId }}'
              CheckStateOnly: false
              DesiredState: stopped
              Force: true

        """

    static let startEC2 = """
        description: Start EC2 instances(s)
        schemaVersion: '0.3'
        assumeRole: '{{ AutomationAssumeRole }}'
        parameters:
          InstanceId:
            type: StringList
            description: (Required) EC2 Instance(s) to start
        \(assumeRoleParameter)
        mainSteps:
          - name: startInstances
            action: aws:changeInstanceState
            inputs:
              InstanceIds: '{{ InstanceId }}'
              DesiredState: running

        """

    static func rds(verb: String, assertStep: String, actionStep: String, api: String, checkStep: String,
                    skipWhen: String, desired: String) -> String {
        """
        description: \(verb) RDS instance
        schemaVersion: '0.3'
        assumeRole: '{{ AutomationAssumeRole }}'
        parameters:
          InstanceId:
            type: String
            description: (Required) RDS Instance Id to \(verb.lowercased())
        \(assumeRoleParameter)
        mainSteps:
          - name: \(assertStep)
            action: aws:assertAwsResourceProperty
            isCritical: false
            onFailure: step:\(actionStep)
            nextStep: \(checkStep)
            inputs:
              Service: rds
              Api: DescribeDBInstances
              DBInstanceIdentifier: '{{InstanceId}}'
              PropertySelector: '$.DBInstances[0].DBInstanceStatus'
              DesiredValues: [\(skipWhen)]
          - name: \(actionStep)
            action: aws:executeAwsApi
            inputs:
              Service: rds
              Api: \(api)
              DBInstanceIdentifier: '{{InstanceId}}'
          - name: \(checkStep)
            action: aws:waitForAwsResourceProperty
            onFailure: Abort
            maxAttempts: 10
            timeoutSeconds: 600
            inputs:
              Service: rds
              Api: DescribeDBInstances
              DBInstanceIdentifier: '{{InstanceId}}'
              PropertySelector: '$.DBInstances[0].DBInstanceStatus'
              DesiredValues: [\(desired)]
            isEnd: true

        """
    }

    static let startRDS = rds(verb: "Start", assertStep: "AssertNotStartingOrAvailable", actionStep: "StartInstance",
                              api: "StartDBInstance", checkStep: "CheckStart", skipWhen: "available, starting", desired: "available")
    static let stopRDS = rds(verb: "Stop", assertStep: "AssertNotStopped", actionStep: "StopInstance",
                             api: "StopDBInstance", checkStep: "CheckStop", skipWhen: "stopped, stopping", desired: "stopped")
}
