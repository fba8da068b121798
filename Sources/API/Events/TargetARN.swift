import Daemon
import EventBus
import Foundation

/// The ARNs of schedulerd's own target types, so `PutTargets` can express what the
/// configuration file's `log`, `command` and `webhook` targets do:
///
///     arn:schedulerd:log:::NAME                      the event is logged
///     arn:schedulerd:command:::/usr/local/bin/notify  a program, no arguments
///     arn:schedulerd:command:::["/bin/sh","-c","..."] a program with arguments (a JSON array)
///     arn:schedulerd:webhook:::https://host/path      an HTTP POST of the event
///
/// Region and account are left empty: the targets run on this daemon. An automation
/// definition ARN, as EventBridge takes it, starts a runbook with the target's input as its
/// parameters:
///
///     arn:aws:ssm:REGION:ACCOUNT:automation-definition/AWS-StopEC2Instance:$DEFAULT
enum TargetARN {
    static let prefix = "arn:schedulerd:"

    /// The target a `PutTargets` entry describes, or why it cannot be one.
    static func definition(id: String, arn: String) -> Result<TargetDefinition, APIError> {
        if arn.hasPrefix("arn:aws:ssm:") {
            guard let (name, version) = TargetDefinition.Automation.parse(arn: arn) else {
                return .failure(APIError("ValidationException",
                                         "Target \(id): \(arn) is not an automation definition ARN; write "
                                         + "arn:aws:ssm:REGION:ACCOUNT:automation-definition/NAME:$DEFAULT (or :$LATEST, or a version number)."))
            }
            return .success(TargetDefinition(id: id, kind: .automation,
                                             automation: .init(arn: arn, documentName: name, documentVersion: version)))
        }
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard arn.hasPrefix(prefix), parts.count == 6 else {
            return .failure(APIError("ValidationException",
                                     "Target \(id): ARN \(arn) is not a target schedulerd can run; use arn:schedulerd:log:::NAME, "
                                     + "arn:schedulerd:command:::PROGRAM (or a JSON argv array), arn:schedulerd:webhook:::URL "
                                     + "or arn:aws:ssm:REGION:ACCOUNT:automation-definition/NAME:$DEFAULT."))
        }
        let resource = String(parts[5])
        switch parts[2] {
        case "log":
            return .success(TargetDefinition(id: id, kind: .log))
        case "command":
            if resource.hasPrefix("[") {
                guard let argv = (try? JSONValue(json: resource))?.arrayValue?.compactMap(\.stringValue), !argv.isEmpty,
                      argv.count == (try? JSONValue(json: resource))?.arrayValue?.count else {
                    return .failure(APIError("ValidationException", "Target \(id): the command ARN's argv must be a non-empty JSON array of strings."))
                }
                return .success(TargetDefinition(id: id, kind: .command, argv: argv))
            }
            guard resource.hasPrefix("/") else {
                return .failure(APIError("ValidationException", "Target \(id): the command must be an absolute path or a JSON argv array."))
            }
            return .success(TargetDefinition(id: id, kind: .command, argv: [resource]))
        case "webhook":
            guard TargetDefinition.isWebhookAddress(resource) else {
                return .failure(APIError("ValidationException", "Target \(id): the webhook ARN must end in an http or https URL."))
            }
            return .success(TargetDefinition(id: id, kind: .webhook, url: resource))
        default:
            return .failure(APIError("ValidationException", "Target \(id): unknown schedulerd target type '\(parts[2])'; use log, command or webhook."))
        }
    }

    /// The ARN a stored target is listed with.
    static func arn(of target: TargetDefinition) -> String {
        switch target.kind {
        case .automation: return target.automation?.arn ?? ""
        case .log: return "\(prefix)log:::\(target.id)"
        case .webhook: return "\(prefix)webhook:::\(target.url ?? "")"
        case .command:
            let argv = target.argv ?? []
            if argv.count == 1, argv[0].hasPrefix("/") { return "\(prefix)command:::\(argv[0])" }
            return "\(prefix)command:::" + JSONValue.array(argv.map { .string($0) }).serialized()
        }
    }
}
