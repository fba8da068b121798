import EventBus
import Foundation
import Logging
import Runbooks
import SchedulerCore

/// Why a step attempt failed: the message for `FailureMessage`, whether another attempt may
/// help, and AWS's failure details.
struct StepFailure: Error, Sendable, CustomStringConvertible {
    var message: String
    /// False when trying again cannot change the outcome (a rejection, say).
    var retryable = true
    /// AWS's `FailureStage` and `FailureType`.
    var stage = "Invocation"
    var type = "Action"
    /// Outputs the step has even though it failed (an approval's `ApprovalStatus`).
    var outputs: [String: JSONValue] = [:]

    init(_ message: String, retryable: Bool = true, stage: String = "Invocation", type: String = "Action") {
        self.message = message
        self.retryable = retryable
        self.stage = stage
        self.type = type
    }

    var description: String { message }
}

/// What a step produced when it succeeded.
struct ActionSuccess: Sendable {
    var outputs: [String: JSONValue] = [:]
    var response: String?
    var responseCode: String?
    /// A branch's choice of the next step.
    var chosenStep: String?
}

/// What the step in flight needs from its execution: to report that it waits for a signal,
/// and to read what has arrived for it since.
protocol StepHost: Sendable {
    /// Marks the step and the execution `Waiting` (approve, pause).
    func markWaiting() async throws
    /// The step's persisted progress (approvals so far, a resume).
    func stepState() async -> JSONValue?
    /// Fires whenever a signal or a stop request arrives for the execution.
    var changes: Broadcast { get }
}

/// Everything an action sees while it runs one attempt of one step.
struct ActionContext: Sendable {
    let step: Step
    /// The inputs with every `{{ }}` resolved.
    let inputs: [String: JSONValue]
    let executionId: String
    /// When the step started (its first attempt), on the daemon's clock.
    let stepStart: Date
    /// True when the step was in flight when the daemon stopped, and runs again now.
    let resumed: Bool
    let environment: EngineEnvironment
    let host: any StepHost

    var clock: AnyWallClock { environment.clock }

    /// Sleeps on the daemon's clock until `deadline` (the clock may wake early: it is re-read).
    func sleep(until deadline: Date) async throws {
        while clock.now() < deadline {
            try await clock.sleep(until: deadline)
        }
    }

    func sleep(seconds: TimeInterval) async throws {
        try await sleep(until: clock.now().addingTimeInterval(seconds))
    }

    /// The provider's change mark (see `waitForChange`), nil when it has none.
    func changeMark() -> UInt64? { environment.caller.changeMark() }

    /// Waits `seconds` on the clock, or less when the provider says one of `resources` changed
    /// since `mark` (a transition completed): a step polling for a state then reads it at once.
    func waitForChange(_ service: String, _ resources: [String], since mark: UInt64?, seconds: TimeInterval) async throws {
        guard let mark else { return try await sleep(seconds: seconds) }
        await environment.caller.waitForChange(service: service, resources: resources, since: mark,
                                               until: clock.now().addingTimeInterval(seconds))
        try Task.checkCancellation()
    }

    /// One AWS API call; throttling is waited out (1 s, 2 s, 4 s... at most 30 s apart) until
    /// the step's timeout; any other AWS error is thrown as it came.
    func call(_ service: String, _ api: String, _ parameters: [String: JSONValue]) async throws -> JSONValue {
        try await waitingOutThrottling(service, api) {
            try await environment.caller.call(service: service, api: api, parameters: .object(parameters))
        }
    }

    /// A call whose AWS error fails the attempt, with the service, API and AWS's words.
    func callOrFail(_ service: String, _ api: String, _ parameters: [String: JSONValue]) async throws -> JSONValue {
        try await failingOnAWSErrors(service, api) { try await call(service, api, parameters) }
    }

    /// The instances' states (`ec2.DescribeInstances`), as `callOrFail` would call it.
    func instanceStates(_ ids: [String]) async throws -> [String: String] {
        try await failingOnAWSErrors("ec2", "DescribeInstances") {
            try await waitingOutThrottling("ec2", "DescribeInstances") { try await environment.caller.instanceStates(ids) }
        }
    }

    private func waitingOutThrottling<T>(_ service: String, _ api: String, _ body: () async throws -> T) async throws -> T {
        var delay: TimeInterval = 1
        while true {
            do {
                return try await body()
            } catch let error as AWSAPIError where error.isThrottling {
                environment.logger.debug("throttled; retrying", metadata: ["execution.id": "\(executionId)", "api": "\(service).\(api)"])
                try await sleep(seconds: delay)
                delay = min(30, delay * 2)
            }
        }
    }

    private func failingOnAWSErrors<T>(_ service: String, _ api: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AWSAPIError {
            throw StepFailure("\(service).\(api) failed: \(error.code): \(error.message)")
        }
    }

    func string(_ name: String) -> String? {
        guard let value = inputs[name] else { return nil }
        if case .string(let text) = value { return text }
        if case .number = value { return PropertySelector.text(of: value) }
        if case .bool(let flag) = value { return flag ? "true" : "false" }
        return nil
    }

    func strings(_ name: String) -> [String]? {
        guard let value = inputs[name] else { return nil }
        if let items = value.arrayValue { return items.map(PropertySelector.text) }
        if let text = string(name) { return [text] }
        return nil
    }

    func bool(_ name: String) -> Bool? {
        guard let value = inputs[name] else { return nil }
        if let flag = value.boolValue { return flag }
        switch value.stringValue?.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    func int(_ name: String) -> Int? {
        guard let value = inputs[name] else { return nil }
        if let number = value.numberValue, number.rounded() == number { return Int(number) }
        return value.stringValue.flatMap { Int($0) }
    }
}
