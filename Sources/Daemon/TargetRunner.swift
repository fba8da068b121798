import Foundation
import EventBus
import Logging

/// Carries one event to one target. Every attempt carries the idempotency key
/// (event id + target id) so a target can drop a redelivery: commands get it in
/// `SCHEDULERD_IDEMPOTENCY_KEY`, webhooks in the `Idempotency-Key` header, automations as
/// their `ClientToken`.
struct TargetRunner: Sendable {
    struct Outcome: Sendable {
        var succeeded: Bool
        var output: String
        /// Delivering again cannot succeed (dead at once, not retried).
        var permanent = false
    }

    let logger: Logger
    let automations: (any AutomationStarter)?

    func deliver(_ payload: String, to target: TargetDefinition, idempotencyKey: String, rule: String) async -> Outcome {
        switch target.kind {
        case .log:
            logger.info("event delivered to log", metadata: ["rule.name": "\(rule)", "target.id": "\(target.id)",
                                                           "delivery.key": "\(idempotencyKey)", "payload": "\(payload)"])
            return Outcome(succeeded: true, output: "")
        case .command:
            return await runCommand(target.argv ?? [], payload: payload, timeout: target.timeoutSeconds, key: idempotencyKey, rule: rule)
        case .webhook:
            return await WebhookPoster.post(payload, to: target.url ?? "", timeout: target.timeoutSeconds, idempotencyKey: idempotencyKey)
        case .automation:
            return await startAutomation(payload, target: target, key: idempotencyKey, rule: rule)
        }
    }

    /// The input is the runbook's parameters: a JSON object of name to a list of strings or a
    /// string (numbers and Booleans are taken as their text). A target with no input starts
    /// the runbook with no parameters (the event itself is not a parameter map).
    private func startAutomation(_ payload: String, target: TargetDefinition, key: String, rule: String) async -> Outcome {
        guard let automation = target.automation else { return Outcome(succeeded: false, output: "the target names no runbook", permanent: true) }
        guard let starter = automations else { return Outcome(succeeded: false, output: "the automation engine is not running") }
        var parameters: [String: [String]] = [:]
        if target.input != nil || target.inputPath != nil || target.inputTransformer != nil {
            guard let members = (try? JSONValue(json: payload))?.objectValue else {
                return Outcome(succeeded: false, output: "the input is not a JSON object of runbook parameters: \(payload.prefix(200))", permanent: true)
            }
            for (name, value) in members {
                switch value {
                case .string(let text): parameters[name] = [text]
                case .array(let items) where items.allSatisfy({ $0.stringValue != nil }): parameters[name] = items.compactMap(\.stringValue)
                case .number, .bool: parameters[name] = [value.serialized()]
                default:
                    return Outcome(succeeded: false, output: "parameter \(name) must be a string or a list of strings", permanent: true)
                }
            }
        }
        do {
            let id = try await starter.start(for: automation, parameters: parameters, clientToken: key, rule: rule)
            logger.info("automation started by a rule", metadata: ["rule.name": "\(rule)", "target.id": "\(target.id)",
                                                                 "execution.id": "\(id)", "delivery.key": "\(key)"])
            return Outcome(succeeded: true, output: "AutomationExecutionId \(id)")
        } catch {
            return Outcome(succeeded: false, output: error.message, permanent: error.permanent)
        }
    }

    private func runCommand(_ argv: [String], payload: String, timeout: Double, key: String, rule: String) async -> Outcome {
        guard let executable = argv.first else { return Outcome(succeeded: false, output: "empty command") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(argv.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment["SCHEDULERD_IDEMPOTENCY_KEY"] = key
        environment["SCHEDULERD_RULE"] = rule
        process.environment = environment
        // The whole payload is on disk before the command starts: a command must never see
        // its idempotency key with a partial input (say, when the daemon dies mid-write).
        let inputPath = FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-input-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: inputPath, contents: Data(payload.utf8), attributes: [.posixPermissions: 0o600]),
              let input = FileHandle(forReadingAtPath: inputPath) else {
            return Outcome(succeeded: false, output: "cannot stage the input for \(executable)")
        }
        unlink(inputPath)   // open handles keep it; nothing is left behind
        defer { try? input.close() }
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            return Outcome(succeeded: false, output: "cannot start \(executable): \(error.localizedDescription)")
        }
        // Collect output off the cooperative pool (it blocks). The timer terminates a command
        // that outlives its timeout.
        let collected = await withCheckedContinuation { (continuation: CheckedContinuation<(Int32, String, Bool), Never>) in
            DispatchQueue.global().async {
                let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                timer.cancel()
                let text = String(decoding: data.prefix(16_384), as: UTF8.self)
                continuation.resume(returning: (process.terminationStatus, text, process.terminationReason == .uncaughtSignal))
            }
        }
        if collected.2 { return Outcome(succeeded: false, output: "killed by signal \(collected.0) (timeout \(timeout) s); \(collected.1)") }
        return Outcome(succeeded: collected.0 == 0, output: collected.0 == 0 ? collected.1 : "exit status \(collected.0); \(collected.1)")
    }
}
