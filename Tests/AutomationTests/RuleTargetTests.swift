import Actions
import Automation
import ChangeCalendar
import Daemon
import EventBus
import Foundation
import GRDB
import Logging
import SchedulerTesting
import Store
import Testing

@Suite("Rule targets: an event starts an automation, exactly once", .timeLimit(.minutes(1)))
struct RuleTargetTests {
    static let arn = "arn:aws:ssm:us-east-1:123456789012:automation-definition/AWS-StopEC2Instance:$DEFAULT"

    static func rule(_ name: String, pattern: String, targets: [TargetDefinition]) -> RuleRecord {
        RuleRecord(name: name, description: "", state: "ENABLED", eventPattern: pattern, scheduleExpression: nil, origin: "config",
                   targets: TargetDefinition.encodeList(targets))
    }

    /// Records a Calendar State Change (CLOSED) event with its deliveries, as the timer loop does.
    static func emit(_ harness: Harness) throws -> EventEnvelope {
        let at = CalendarTime.format(harness.clock.now())
        let event = try EventEnvelope(detailType: "Calendar State Change", source: "aws.ssm", account: "123456789012", region: "us-east-1",
                                      time: harness.clock.now(), resources: ["arn:aws:ssm:us-east-1:123456789012:document/nightly"],
                                      detailJSON: #"{"state":"CLOSED","atTime":"\#(at)"}"#)
        let stored = StoredEvent(id: event.id, dedupeKey: "test:\(event.id)", time: event.time.timeIntervalSince1970, source: event.source,
                                 detailType: event.detailType, body: event.json, recordedAt: event.time.timeIntervalSince1970, deliverable: true)
        try harness.database.recordEvent(stored, deliveries: harness.state.rules.deliveries(for: event, now: harness.clock.now()))
        harness.state.deliveriesRecorded()
        return event
    }

    /// The daemon's delivery service over the harness, with the engine as its automation starter.
    static func deliveries(_ harness: Harness) -> Task<Void, any Error> {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let deliveries = DeliveryService(clock: harness.clock, database: harness.database, state: harness.state, logger: logger,
                                         idleWake: 3600, automations: harness.engine)
        return Task { try await deliveries.run() }
    }

    static func delivery(_ harness: Harness, event: String, target: String, where predicate: (DeliveryRecord) -> Bool) async throws -> DeliveryRecord {
        while true {
            if let delivery = try harness.database.events(since: nil).first(where: { $0.event.id == event })?
                .deliveries.first(where: { $0.targetId == target && predicate($0) }) {
                return delivery
            }
            await Task.yield()
        }
    }

    @Test("the rule's input is the runbook's parameters; the event id + target id is the client token; a redelivery starts nothing new")
    func startsOnce() async throws {
        let fleet = Harness.instanceIds("web", 2)
        let stop = TargetDefinition(id: "stop-fleet", kind: .automation, input: #"{"InstanceId": ["\#(fleet[0])", "\#(fleet[1])"]}"#,
                                    automation: .init(arn: Self.arn, documentName: "AWS-StopEC2Instance", documentVersion: "$DEFAULT"))
        let watch = TargetDefinition(id: "audit", kind: .log)
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("web", 2)]), rules: [
            Self.rule("nightly-stop", pattern: #"{"source":["aws.ssm"],"detail-type":["Calendar State Change"],"detail":{"state":["CLOSED"]}}"#,
                      targets: [stop]),
            Self.rule("automation-audit", pattern: #"{"source":["aws.ssm"],"detail-type":["EC2 Automation Execution Status-change Notification"]}"#,
                      targets: [watch]),
        ])
        let service = Self.deliveries(harness)
        defer { service.cancel() }

        let event = try Self.emit(harness)
        let delivered = try await Self.delivery(harness, event: event.id, target: "stop-fleet") { $0.status == .delivered }
        let execution = try #require(try harness.database.automationExecution(clientToken: "nightly-stop:\(event.id):stop-fleet"))
        #expect(delivered.output == "AutomationExecutionId \(execution.id)")
        #expect(execution.executedBy == "arn:aws:events:us-east-1:123456789012:rule/nightly-stop")
        let finished = try await harness.finished(execution.id)
        #expect(finished.status == "Success")
        for instance in fleet { #expect(try await harness.instanceState(instance) == "stopped") }

        // The delivery is made again (as after a crash before it was marked delivered).
        var again = delivered
        again.status = .pending
        again.nextAttemptAt = harness.clock.now().timeIntervalSince1970
        try harness.database.finishAttempt(again)
        harness.state.deliveriesRecorded()
        let redelivered = try await Self.delivery(harness, event: event.id, target: "stop-fleet") { $0.status == .delivered && $0.attempts == 2 }
        #expect(redelivered.output == "AutomationExecutionId \(execution.id)", "the same execution")
        let all = try harness.database.automationExecutions(AutomationExecutionQuery(limit: 50))
        #expect(all.count == 1)
        for instance in fleet { #expect(try harness.instanceStates(instance) == ["stopping", "stopped"], "stopped once") }

        // The automation's own status changes went through the bus to the audit rule.
        let audited = try harness.database.events(since: nil).filter { entry in entry.deliveries.contains { $0.rule == "automation-audit" } }
        #expect(audited.count == 3, "Pending, InProgress, Success")
    }

    @Test("a target whose runbook cannot start is dead at once, not retried 185 times")
    func refusedIsPermanent() async throws {
        let missing = TargetDefinition(id: "ghost", kind: .automation, input: #"{"InstanceId": ["i-1"]}"#,
                                       automation: .init(arn: "arn:aws:ssm:us-east-1:123456789012:automation-definition/No-Such:$DEFAULT",
                                                         documentName: "No-Such", documentVersion: "$DEFAULT"))
        let badInput = TargetDefinition(id: "bad-input", kind: .automation, input: #"{"InstanceId": {"not": "a list"}}"#,
                                        automation: .init(arn: Self.arn, documentName: "AWS-StopEC2Instance", documentVersion: nil))
        let harness = try Harness(rules: [Self.rule("r", pattern: #"{"source":["aws.ssm"]}"#, targets: [missing, badInput])])
        let service = Self.deliveries(harness)
        defer { service.cancel() }
        let event = try Self.emit(harness)
        let ghost = try await Self.delivery(harness, event: event.id, target: "ghost") { $0.status == .dead }
        #expect(ghost.attempts == 1)
        #expect(ghost.lastError?.hasPrefix("AutomationDefinitionNotFoundException") == true)
        let bad = try await Self.delivery(harness, event: event.id, target: "bad-input") { $0.status == .dead }
        #expect(bad.lastError == "parameter InstanceId must be a string or a list of strings")
    }

    @Test("two rules matching one event, each with a target named stop-fleet, start one execution each")
    func sameTargetIdInTwoRules() async throws {
        func stop(_ instance: String) -> TargetDefinition {
            TargetDefinition(id: "stop-fleet", kind: .automation, input: #"{"InstanceId": ["\#(instance)"]}"#,
                             automation: .init(arn: Self.arn, documentName: "AWS-StopEC2Instance", documentVersion: "$DEFAULT"))
        }
        let pattern = #"{"source":["aws.ssm"],"detail-type":["Calendar State Change"]}"#
        let (web, batch) = (Harness.instanceId("web"), Harness.instanceId("batch"))
        let harness = try Harness(fleet: FleetDeclaration(groups: [.of("web", 1), .of("batch", 1)]),
                                  rules: [Self.rule("stop-web", pattern: pattern, targets: [stop(web)]),
                                          Self.rule("stop-batch", pattern: pattern, targets: [stop(batch)])])
        let service = Self.deliveries(harness)
        defer { service.cancel() }
        let event = try Self.emit(harness)
        var started: [String] = []
        for rule in ["stop-web", "stop-batch"] {
            let delivered = try await Self.delivery(harness, event: event.id, target: "stop-fleet") { $0.rule == rule && $0.status != .pending }
            #expect(delivered.status == .delivered, "\(delivered.lastError ?? "")")
            let execution = try #require(try harness.database.automationExecution(clientToken: "\(rule):\(event.id):stop-fleet"))
            started.append(execution.id)
            #expect(try await harness.finished(execution.id).status == "Success")
        }
        #expect(Set(started).count == 2)
        #expect(try await harness.instanceState(web) == "stopped")
        #expect(try await harness.instanceState(batch) == "stopped")
    }
}
