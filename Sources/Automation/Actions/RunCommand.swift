import EventBus
import Foundation
import Runbooks

/// `aws:runCommand` with a Command document of `aws:runShellScript` steps (the account's own,
/// or AWS-RunShellScript): each step's lines run as one local `/bin/sh -c` script, once per
/// instance id given (`AWS_SSM_INSTANCE_ID` tells the script which), in order. The first
/// script that exits non-zero, or outlives its timeout, fails the step.
enum RunCommand {
    static func run(_ context: ActionContext) async throws -> ActionSuccess {
        guard let name = context.string("DocumentName") else {
            throw StepFailure("DocumentName must be text", retryable: false, stage: "InputValidation")
        }
        let document: CommandDocument
        do {
            document = try context.environment.catalog.commandDocument(name)
        } catch let failure as StepFailure {
            throw StepFailure(failure.message, retryable: false, stage: "InputValidation")
        } catch {
            throw StepFailure("Command document \(name) cannot be used: \(error)", retryable: false, stage: "InputValidation")
        }
        let values = try parameters(context, document: document)
        let instances = context.strings("InstanceIds") ?? ["localhost"]
        let commandId = UUID().uuidString.lowercased()
        var output = ""
        var code: Int32 = 0
        for instance in instances {
            for step in document.mainSteps {
                let script = lines(step.runCommand, values).joined(separator: "\n")
                let timeout = context.int("TimeoutSeconds") ?? values["executionTimeout"].flatMap { Int(PropertySelector.text(of: $0)) }
                    ?? step.timeoutSeconds ?? 3600
                var environment = ProcessInfo.processInfo.environment
                environment["AWS_SSM_INSTANCE_ID"] = instance
                environment["AWS_SSM_REGION_NAME"] = context.environment.region
                environment["SCHEDULERD_AUTOMATION_EXECUTION_ID"] = context.executionId
                environment["SCHEDULERD_COMMAND_ID"] = commandId
                let workingDirectory = values["workingDirectory"]?.stringValue
                let result: LocalCommandRunner.Result
                do {
                    result = try await context.environment.commands.run(
                        script: script, environment: environment, workingDirectory: workingDirectory,
                        deadline: context.clock.now().addingTimeInterval(TimeInterval(timeout)), clock: context.clock)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    throw StepFailure("\(error)")
                }
                output += result.output
                code = result.status
                let limit = context.environment.options.commandOutputLimit
                let shown = String(output.prefix(limit))
                if result.timedOut || result.status != 0 {
                    let why = result.timedOut ? "timed out after \(timeout) s"
                        : result.signaled ? "was killed by signal \(result.status)" : "exited with status \(result.status)"
                    var failure = StepFailure("The command \(step.name) of \(name) on \(instance) \(why): \(output.suffix(400))")
                    failure.outputs = ["CommandId": .string(commandId), "Status": .string(result.timedOut ? "TimedOut" : "Failed"),
                                       "ResponseCode": .number(Double(result.timedOut ? -1 : result.status)), "Output": .string(shown)]
                    throw failure
                }
            }
        }
        let shown = String(output.prefix(context.environment.options.commandOutputLimit))
        return ActionSuccess(outputs: ["CommandId": .string(commandId), "Status": "Success", "ResponseCode": .number(Double(code)),
                                       "Output": .string(shown)],
                             response: shown, responseCode: String(code))
    }

    /// The document's parameters: `Parameters` given in the step (a list or a value each), else
    /// the defaults; a required one missing fails the step.
    static func parameters(_ context: ActionContext, document: CommandDocument) throws -> [String: JSONValue] {
        let given = context.inputs["Parameters"]?.objectValue ?? [:]
        var values: [String: JSONValue] = [:]
        for (name, definition) in document.parameters {
            if let value = given[name] {
                let isList = definition["type"]?.stringValue == "StringList"
                if isList, value.arrayValue == nil { values[name] = .array([value]) }
                else if !isList, let items = value.arrayValue, items.count == 1 { values[name] = items[0] }
                else { values[name] = value }
            } else if let fallback = definition["default"] {
                values[name] = fallback
            } else {
                throw StepFailure("the Command document's parameter \(name) is required", retryable: false, stage: "InputValidation")
            }
        }
        for name in given.keys where document.parameters[name] == nil {
            throw StepFailure("the Command document has no parameter \(name)", retryable: false, stage: "InputValidation")
        }
        return values
    }

    /// The script's lines: a line that is only `{{ list }}` becomes the list's lines; other
    /// references are replaced by their text.
    static func lines(_ template: [String], _ values: [String: JSONValue]) -> [String] {
        template.flatMap { line -> [String] in
            switch Interpolation.resolve(.string(line), { values[$0] }) {
            case .array(let items): return items.map(PropertySelector.text)
            case let value: return [PropertySelector.text(of: value)]
            }
        }
    }
}
