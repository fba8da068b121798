public import Daemon

/// Rule targets: an `automation` target starts its runbook here, with the delivery's
/// idempotency key (`EVENT_ID:TARGET_ID`) as the client token, so a redelivered event finds
/// the execution its first delivery started instead of starting a second one.
extension AutomationEngine: AutomationStarter {
    public func start(for target: TargetDefinition.Automation, parameters: [String: [String]], clientToken: String,
                      rule: String) async throws(AutomationStartRefused) -> String {
        let request = AutomationStartRequest(
            documentName: target.documentName, documentVersion: target.documentVersion, parameters: parameters,
            clientToken: clientToken, targetParameterName: target.targetParameterName,
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
