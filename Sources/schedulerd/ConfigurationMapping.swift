import SchedulerConfiguration
import Daemon
import Store

/// The configuration's rules as the daemon stores them, checked the way the bus will use them.
enum ConfigurationMapping {
    static func ruleRecords(_ configuration: DaemonConfiguration, file: String) throws -> [RuleRecord] {
        let records = RuleBook.records(configuration.rules.map { rule in
            (rule.name, rule.description, rule.state == .enabled, rule.eventPattern, rule.scheduleExpression,
             rule.targets.map { targetDefinition($0, account: configuration.accountID, region: configuration.region) })
        })
        do {
            _ = try RuleBook(records: records)
        } catch {
            let index = configuration.rules.firstIndex { $0.name == error.rule } ?? 0
            throw configuration.rules[index].patternError(error.reason, file: file, ruleIndex: index)
        }
        return records
    }

    static func targetDefinition(_ target: TargetConfiguration, account: String, region: String) -> TargetDefinition {
        var definition: TargetDefinition
        switch target.kind {
        case .log:
            definition = TargetDefinition(id: target.id, kind: .log)
        case .command(let argv, let timeout):
            definition = TargetDefinition(id: target.id, kind: .command, argv: argv, timeoutSeconds: seconds(timeout))
        case .webhook(let url, let timeout):
            definition = TargetDefinition(id: target.id, kind: .webhook, url: url, timeoutSeconds: seconds(timeout))
        case .automation(let automation):
            let arn = automation.arn ?? "arn:aws:ssm:\(region):\(account):automation-definition/\(automation.documentName):"
                + (automation.documentVersion ?? "$DEFAULT")
            definition = TargetDefinition(id: target.id, kind: .automation, automation: .init(
                arn: arn, documentName: automation.documentName, documentVersion: automation.documentVersion,
                targetParameterName: automation.targetParameterName,
                targets: automation.targets.isEmpty ? nil : automation.targets.map { .init(key: $0.key, values: $0.values) },
                maxConcurrency: automation.maxConcurrency, maxErrors: automation.maxErrors))
        }
        switch target.input {
        case .matchedEvent: break
        case .constant(let json): definition.input = json
        case .path(let path): definition.inputPath = path
        case .transformer(let transformer):
            definition.inputTransformer = .init(inputPathsMap: transformer.inputPathsMap, inputTemplate: transformer.inputTemplate)
        }
        definition.maximumRetryAttempts = target.retryPolicy.maximumRetryAttempts
        definition.maximumEventAgeInSeconds = target.retryPolicy.maximumEventAgeInSeconds
        return definition
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
