import Foundation
public import Store

extension RuleBook {
    /// The rule records a configuration declares (origin `config`), targets encoded as JSON.
    public static func records(_ rules: [(name: String, description: String, enabled: Bool, eventPattern: String?,
                                          scheduleExpression: String?, targets: [TargetDefinition])]) -> [RuleRecord] {
        rules.map {
            RuleRecord(name: $0.name, description: $0.description, state: $0.enabled ? "ENABLED" : "DISABLED",
                       eventPattern: $0.eventPattern, scheduleExpression: $0.scheduleExpression, origin: "config",
                       targets: TargetDefinition.encodeList($0.targets))
        }
    }
}
