import Foundation
import GRDB
@testable import Store
import Testing

/// The automation records map their columns by hand (AutomationRecords+Rows.swift): these
/// tests catch a column left out, added to the table but not to the list, or two swapped.
@Suite("Automation record rows")
struct AutomationRecordRowTests {
    @Test func theColumnListsAreTheTables() throws {
        let (database, directory) = try temporaryDatabase("schedulerd-rows")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (executionColumns, stepColumns) = try database.writer.read { db in
            (try db.columns(in: "automationExecution").map(\.name), try db.columns(in: "automationStep").map(\.name))
        }
        #expect(AutomationExecutionRecord.columnNames.sorted() == executionColumns.sorted())
        #expect(AutomationStepRecord.columnNames.sorted() == stepColumns.sorted())
        #expect(try AutomationExecutionRecord(row: fullExecutionRow()) == execution(status: "Pending"))
    }

    /// Every column holds a value of its own, so a swap between two columns shows.
    func execution(status: String) -> AutomationExecutionRecord {
        AutomationExecutionRecord(id: "e-1", documentName: "doc", documentVersion: "3", status: status, mode: "Auto",
                                  parameters: #"{"p":["1"]}"#, values: #"{"p":1}"#, outputs: #"{"o":["x"]}"#, failureMessage: "why",
                                  startTime: 10, endTime: 20, parentId: "parent", target: "i-1", clientToken: "token",
                                  requestFingerprint: "fingerprint", executedBy: "arn:me", currentStepName: "current",
                                  currentAction: "aws:sleep", nextStep: "next", targetParameterName: "InstanceId",
                                  targets: #"[{"Key":"k"}]"#, maxConcurrency: "10%", maxErrors: "2", resolvedTargets: #"["i-1"]"#,
                                  content: "schemaVersion: '0.3'", contentFormat: "YAML", stopType: "Cancel",
                                  tags: #"[{"Key":"a","Value":"b"}]"#, updatedAt: 30)
    }

    func step(_ sequence: Int, status: String) -> AutomationStepRecord {
        AutomationStepRecord(executionId: "e-1", sequence: sequence, stepExecutionId: "s-\(sequence)", stepName: "name\(sequence)",
                             action: "aws:branch", status: status, inputs: #"{"i":1}"#, outputs: #"{"o":2}"#, response: "response",
                             responseCode: "200", failureMessage: "failed", failureDetails: #"{"FailureType":"Action"}"#,
                             startTime: 11, endTime: 12, attempts: 3, state: #"{"s":true}"#, nextStep: "after",
                             isCancelWorkflow: true, updatedAt: 13)
    }

    func fullExecutionRow() -> Row {
        Row(Dictionary(uniqueKeysWithValues: zip(AutomationExecutionRecord.columnNames,
                                                  execution(status: "Pending").rowValues)))
    }

    @Test func insertUpsertAndReadBackEveryColumn() throws {
        let (database, directory) = try temporaryDatabase("schedulerd-rows")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try database.insertAutomationExecution(execution(status: "Pending"), outbox: []) == .inserted)
        #expect(try database.automationExecution(id: "e-1") == execution(status: "Pending"))
        // Inserting again with the same client token finds the first.
        #expect(try database.insertAutomationExecution(execution(status: "Other"), outbox: []) == .existing(execution(status: "Pending")))

        // An update and a new step in one save; then the step's own update.
        try database.saveAutomation(execution: execution(status: "InProgress"), steps: [step(1, status: "InProgress")], outbox: [])
        try database.saveAutomation(execution: nil, steps: [step(1, status: "Success"), step(2, status: "InProgress")], outbox: [])
        #expect(try database.automationExecution(id: "e-1") == execution(status: "InProgress"))
        #expect(try database.automationSteps(executionId: "e-1") == [step(1, status: "Success"), step(2, status: "InProgress")])
        // GRDB's own paths (the query interface, record encoding) use the same mapping.
        let viaQueryInterface = try database.writer.read { db in try AutomationStepRecord.order(Column("sequence")).fetchAll(db) }
        #expect(viaQueryInterface == [step(1, status: "Success"), step(2, status: "InProgress")])
        let encoded = try database.writer.read { db in try execution(status: "X").databaseDictionary }
        #expect(encoded["stopType"] == "Cancel".databaseValue && encoded.count == AutomationExecutionRecord.columnNames.count)
    }

    @Test func aSaveWritesEveryProgressColumnAndNothingElse() throws {
        let (database, directory) = try temporaryDatabase("schedulerd-rows")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inserted = execution(status: "Pending")
        #expect(try database.insertAutomationExecution(inserted, outbox: []) == .inserted)
        var changed = inserted
        (changed.status, changed.outputs, changed.failureMessage, changed.endTime) = ("Failed", #"{"o":["y"]}"#, "because", 99)
        (changed.currentStepName, changed.currentAction, changed.nextStep) = (nil, nil, "later")
        (changed.resolvedTargets, changed.stopType, changed.updatedAt) = (#"["i-2"]"#, "Complete", 100)
        changed.documentName = "not saved"   // not a progress column: stays as inserted
        try database.saveAutomation(execution: changed, steps: [step(1, status: "InProgress")], outbox: [])
        changed.documentName = inserted.documentName
        #expect(try database.automationExecution(id: "e-1") == changed)
        var ended = step(1, status: "Failed")
        (ended.outputs, ended.response, ended.responseCode, ended.failureMessage) = (nil, "r2", "500", "it broke")
        (ended.failureDetails, ended.endTime, ended.attempts, ended.state, ended.nextStep, ended.updatedAt) = ("{}", 50, 4, nil, nil, 51)
        try database.saveAutomation(execution: nil, steps: [ended], outbox: [])
        #expect(try database.automationSteps(executionId: "e-1") == [ended])
    }

    /// DescribeAutomationExecutions by parent, page after page: every child once, newest first,
    /// children started at the same instant ordered by id (the cursor is a row value).
    @Test func childrenPageByParentWithTiesInStartTime() throws {
        let (database, directory) = try temporaryDatabase("schedulerd-rows")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var parent = execution(status: "InProgress")
        (parent.parentId, parent.target, parent.clientToken) = (nil, nil, nil)
        #expect(try database.insertAutomationExecution(parent, outbox: []) == .inserted)
        let children = (0..<120).map { index -> AutomationExecutionRecord in
            var child = execution(status: "Pending")
            (child.id, child.parentId, child.target, child.clientToken) = ("c-\(1000 + index)", "e-1", "i-\(index)", nil)
            child.startTime = index < 100 ? 50 : 60   // a hundred launched at once, then twenty more
            return child
        }
        _ = try database.insertAutomationExecutions(children.map { ($0, []) })
        var query = AutomationExecutionQuery(limit: 50)
        query.parentIds = ["e-1"]
        var seen: [String] = []
        while true {
            let page = try database.automationExecutions(query)
            seen += page.map(\.id)
            guard page.count == query.limit, let last = page.last else { break }
            query.after = (last.startTime, last.id)
        }
        let expected = children.sorted { ($0.startTime, $0.id) > ($1.startTime, $1.id) }.map(\.id)
        #expect(seen == expected)
    }

    /// Every execution field the engine assigns is a progress column, or a save would drop it.
    @Test func theEngineChangesOnlyProgressColumns() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/Automation")
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        var assigned: Set<String> = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            let pattern = try Regex(#"\bexecution\.([a-zA-Z]+) = "#)
            for match in text.matches(of: pattern) { assigned.insert(String(match.output[1].substring ?? "")) }
        }
        #expect(assigned.contains("status"))   // the scan found what it looks for
        #expect(assigned.subtracting(AutomationExecutionRecord.progressColumns).isEmpty)
    }
}

/// The resource records read by hand (ResourceRecords+Rows.swift) read back what was written.
@Suite("Resource record rows")
struct ResourceRecordRowTests {
    @Test func instancesAndTagsReadBackEveryColumn() throws {
        let (database, directory) = try temporaryDatabase("schedulerd-rows")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Every column a value of its own, so a swap shows.
        let instance = InstanceRecord(id: "i-0123456789abcdef0", reservationId: "r-1", imageId: "ami-1", instanceType: "t3.micro",
                                      availabilityZone: "us-east-1a", privateIpAddress: "10.0.0.1", keyName: "key", launchIndex: 4,
                                      launchTime: 100, state: "stopping", stateTransitionReason: "User initiated",
                                      stateReasonCode: "Client.UserInitiatedShutdown", stateReasonMessage: "message",
                                      nextState: "stopped", nextStateAt: 200, transitionCause: "stop", changedAt: 150,
                                      origin: "config", configKey: "fleet/4", clientToken: "token")
        let tag = ResourceTagRecord(resourceType: "instance", resourceId: instance.id, key: "Schedule", value: "office-hours", position: 7)
        try database.resourceWrite { transaction in
            try transaction.insert(instance)
            try transaction.setTag(type: "instance", id: instance.id, key: tag.key, value: tag.value)
        }
        let (instances, tags) = try database.resourceRead { (try $0.instances(ids: [instance.id]), try $0.tags(type: "instance", ids: nil)) }
        #expect(instances == [instance])
        #expect(tags.map { [$0.resourceType, $0.resourceId, $0.key, $0.value] } == [[tag.resourceType, tag.resourceId, tag.key, tag.value]])
        let hung = InstanceRecord(id: "i-0123456789abcdef1", reservationId: "r-2", imageId: "ami-1", instanceType: "t3.micro",
                                  availabilityZone: "us-east-1a", privateIpAddress: "10.0.0.2", launchIndex: 0, launchTime: 100,
                                  state: "pending", nextState: "running", nextStateAt: nil, changedAt: 100, origin: "api")
        #expect(try database.resourceRead { try $0.anyHung() } == false)
        try database.resourceWrite { try $0.insert(hung) }
        #expect(try database.resourceRead { try $0.anyHung() } == true)
        #expect(try database.resourceWrite { try $0.hungInstances() } == [hung])
    }
}
