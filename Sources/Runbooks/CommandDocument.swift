import EventBus
import SchedulerConfiguration

/// A Command document (schema 2.2) of the one plugin schedulerd runs locally,
/// `aws:runShellScript`: its parameters and the shell lines of each step.
public struct CommandDocument: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var name: String
        public var runCommand: [String]
        public var timeoutSeconds: Int?
    }

    public var parameters: [String: JSONValue]
    public var mainSteps: [Step]

    public static func parse(_ content: String, format: String) throws(RunbookError) -> CommandDocument {
        let root = try documentRoot(content, format: format)
        guard root["schemaVersion"]?.text == "2.2" else {
            throw RunbookError(path: "schemaVersion", line: root["schemaVersion"]?.line ?? root.line, message: "must be \"2.2\" for a Command document")
        }
        var parameters: [String: JSONValue] = [:]
        for entry in root["parameters"]?.entries ?? [] { parameters[entry.key] = RunbookParser.json(entry.value) }
        guard let items = root["mainSteps"]?.items, !items.isEmpty else {
            throw RunbookError(path: "mainSteps", line: root["mainSteps"]?.line ?? root.line, message: "required: a non-empty list of steps")
        }
        var steps: [Step] = []
        for (index, item) in items.enumerated() {
            let path = "mainSteps[\(index)]"
            guard let name = item["name"]?.text else { throw RunbookError(path: "\(path).name", line: item.line, message: "required") }
            guard item["action"]?.text == "aws:runShellScript" else {
                throw RunbookError(path: "\(path) (\(name)).action", line: item.line,
                                   message: "schedulerd runs aws:runShellScript steps, not \(item["action"]?.text ?? "nothing")")
            }
            let lines = item["inputs"]?["runCommand"]
            guard let commands = lines?.items?.compactMap(\.text) ?? lines?.text.map({ [$0] }), !commands.isEmpty else {
                throw RunbookError(path: "\(path) (\(name)).inputs.runCommand", line: item.line, message: "required: the shell lines to run")
            }
            let timeout = item["inputs"]?["timeoutSeconds"]?.text.flatMap { Int($0) }
            steps.append(Step(name: name, runCommand: commands, timeoutSeconds: timeout))
        }
        return CommandDocument(parameters: parameters, mainSteps: steps)
    }
}
