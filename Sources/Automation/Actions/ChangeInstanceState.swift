import EventBus
import Foundation

/// `aws:changeInstanceState`: brings EC2 instances to `running`, `stopped` or `terminated`
/// and waits until they are there (for `running`, until their status checks pass too).
///
/// Each round reads the instances' states first and calls Start/Stop/Terminate only for those
/// in a stable other state, so the action is idempotent by desired state: repeated after a
/// restart, or racing another caller, it converges and never issues a needless call.
/// Instances in transition (pending, stopping) are waited for; `CheckStateOnly` only waits.
enum ChangeInstanceState {
    static func run(_ context: ActionContext) async throws -> ActionSuccess {
        guard let ids = context.strings("InstanceIds"), !ids.isEmpty else {
            throw StepFailure("InstanceIds must list at least one instance", retryable: false, stage: "InputValidation")
        }
        guard let desired = context.string("DesiredState"), ["running", "stopped", "terminated"].contains(desired) else {
            throw StepFailure("DesiredState must be running, stopped or terminated", retryable: false, stage: "InputValidation")
        }
        let checkOnly = context.bool("CheckStateOnly") ?? false
        let force = context.bool("Force") ?? false
        // Instances called for since the last sleep: called again only after a poll interval, so
        // a provider that changes state on its own clock is never called in a busy loop.
        var called: Set<String> = []
        while true {
            let mark = context.changeMark()   // before reading: a change after the read ends the wait below
            let states = try await context.instanceStates(ids)
            var pending: [String] = []
            for id in ids {
                guard let state = states[id] else { throw StepFailure("instance \(id) was not found (InvalidInstanceID.NotFound)") }
                switch (desired, state) {
                case ("running", "running"), ("stopped", "stopped"), ("terminated", "terminated"):
                    continue
                case (_, "terminated"), ("running", "shutting-down"), ("stopped", "shutting-down"):
                    throw StepFailure("instance \(id) is \(state); it cannot become \(desired)", retryable: false)
                case ("running", "stopped"), ("stopped", "running"), ("terminated", "running"), ("terminated", "stopped"),
                     ("terminated", "pending"), ("terminated", "stopping"):
                    if !called.contains(id) { pending.append(id) }
                default:
                    continue   // in transition: wait for it
                }
            }
            let ready = states.filter { ids.contains($0.key) }.allSatisfy { $0.value == desired }
            if ready {
                if desired != "running" { return ActionSuccess() }
                if try await statusChecksPass(ids, context) { return ActionSuccess() }
            }
            if !pending.isEmpty, !checkOnly {
                try await change(pending, to: desired, force: force, context)
                called.formUnion(pending)
                continue   // read the new states at once (a simulator with no transition time is there already)
            }
            called.removeAll()
            try await context.waitForChange("ec2", ids, since: mark, seconds: context.environment.options.pollInterval)
        }
    }


    /// Whether every instance's instance and system status checks are `ok`. A provider that has
    /// no DescribeInstanceStatus counts as passing: running is then all there is to know.
    static func statusChecksPass(_ ids: [String], _ context: ActionContext) async throws -> Bool {
        let response: JSONValue
        do {
            response = try await context.call("ec2", "DescribeInstanceStatus", ["InstanceIds": .array(ids.map { .string($0) })])
        } catch let error as AWSAPIError where ["InvalidAction", "UnsupportedOperation", "ServiceNotAvailable"].contains(error.code) {
            return true
        } catch let error as AWSAPIError {
            throw StepFailure("ec2.DescribeInstanceStatus failed: \(error.code): \(error.message)")
        }
        let statuses = response["InstanceStatuses"]?.arrayValue ?? []
        return ids.allSatisfy { id in
            statuses.contains { status in
                status["InstanceId"]?.stringValue == id && status["InstanceStatus"]?["Status"]?.stringValue == "ok"
                    && status["SystemStatus"]?["Status"]?.stringValue == "ok"
            }
        }
    }

    /// StartInstances, StopInstances or TerminateInstances for `ids`. AWS's
    /// `IncorrectInstanceState` means another caller moved them meanwhile: the next read sees it.
    static func change(_ ids: [String], to desired: String, force: Bool, _ context: ActionContext) async throws {
        var parameters: [String: JSONValue] = ["InstanceIds": .array(ids.map { .string($0) })]
        let api: String
        switch desired {
        case "running": api = "StartInstances"
        case "stopped":
            api = "StopInstances"
            if force { parameters["Force"] = true }
        default: api = "TerminateInstances"
        }
        do {
            _ = try await context.call("ec2", api, parameters)
        } catch let error as AWSAPIError where error.code == "IncorrectInstanceState" {
            try await context.sleep(seconds: context.environment.options.pollInterval)
        } catch let error as AWSAPIError {
            throw StepFailure("ec2.\(api) failed: \(error.code): \(error.message)")
        }
    }
}
