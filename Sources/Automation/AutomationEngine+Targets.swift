public import Daemon

/// Rule targets: an `automation` target starts its runbook here, with `RULE:EVENT_ID:TARGET_ID`
/// (the rule's name and the delivery's idempotency key) as the client token, so a redelivered
/// event finds the execution its first delivery started instead of starting a second one. The
/// rule's name is in it because target ids are unique only within a rule: two rules matching
/// one event may both have a target `stop-fleet`, and each must start its own execution.
extension AutomationEngine: AutomationStarter {
    public func start(for target: TargetDefinition.Automation, parameters: [String: [String]], clientToken: String,
                      rule: String) async throws(AutomationStartRefused) -> String {
        let request = AutomationStartRequest(
            documentName: target.documentName, documentVersion: target.documentVersion, parameters: parameters,
            clientToken: "\(rule):\(clientToken)", targetParameterName: target.targetParameterName,
            targets: (target.targets ?? []).map { AutomationTarget(key: $0.key, values: $0.values) },
            maxConcurrency: target.maxConcurrency, maxErrors: target.maxErrors,
            executedBy: "arn:aws:events:\(environment.region):\(environment.account):rule/\(rule)")
        do {
            return try start(request)
        } catch {
            throw AutomationStartRefused("\(error.code): \(error.message)", permanent: error.code != "InternalServerError")
        }
    }
}
