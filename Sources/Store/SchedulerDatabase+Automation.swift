import GRDB
import Foundation

/// Automation executions and their steps. Every change is one transaction together with the
/// status-change events it emits (the outbox), so a crash never leaves a status without its
/// event or an event without its status.
extension SchedulerDatabase {
    /// Migration "v6: automation": executions and step executions.
    static func createAutomationTables(_ db: Database) throws {
        try db.create(table: "automationExecution") { t in
            t.primaryKey("id", .text)
            t.column("documentName", .text).notNull()
            t.column("documentVersion", .text).notNull()
            t.column("status", .text).notNull()
            t.column("mode", .text).notNull()
            t.column("parameters", .text).notNull()
            t.column("values", .text).notNull()
            t.column("outputs", .text)
            t.column("failureMessage", .text)
            t.column("startTime", .double).notNull()
            t.column("endTime", .double)
            t.column("parentId", .text)
            t.column("target", .text)
            t.column("clientToken", .text)
            t.column("requestFingerprint", .text)
            t.column("executedBy", .text).notNull()
            t.column("currentStepName", .text)
            t.column("currentAction", .text)
            t.column("nextStep", .text)
            t.column("targetParameterName", .text)
            t.column("targets", .text)
            t.column("maxConcurrency", .text)
            t.column("maxErrors", .text)
            t.column("resolvedTargets", .text)
            t.column("content", .text).notNull()
            t.column("contentFormat", .text).notNull()
            t.column("stopType", .text)
            t.column("tags", .text).notNull().defaults(to: "[]")
            t.column("updatedAt", .double).notNull()
        }
        // A client token names one execution, and a parent runs one child per target value.
        try db.execute(sql: "CREATE UNIQUE INDEX automationExecution_clientToken ON automationExecution(clientToken) WHERE clientToken IS NOT NULL")
        try db.execute(sql: "CREATE UNIQUE INDEX automationExecution_child ON automationExecution(parentId, target) WHERE parentId IS NOT NULL")
        try db.create(index: "automationExecution_status", on: "automationExecution", columns: ["status"])
        try db.create(index: "automationExecution_start", on: "automationExecution", columns: ["startTime", "id"])
        try db.create(table: "automationStep") { t in
            t.column("executionId", .text).notNull().references("automationExecution", onDelete: .cascade)
            t.column("sequence", .integer).notNull()
            t.column("stepExecutionId", .text).notNull().unique()
            t.column("stepName", .text).notNull()
            t.column("action", .text).notNull()
            t.column("status", .text).notNull()
            t.column("inputs", .text)
            t.column("outputs", .text)
            t.column("response", .text)
            t.column("responseCode", .text)
            t.column("failureMessage", .text)
            t.column("failureDetails", .text)
            t.column("startTime", .double).notNull()
            t.column("endTime", .double)
            t.column("attempts", .integer).notNull().defaults(to: 0)
            t.column("state", .text)
            t.column("nextStep", .text)
            t.column("isCancelWorkflow", .boolean).notNull().defaults(to: false)
            t.column("updatedAt", .double).notNull()
            t.primaryKey(["executionId", "sequence"])
        }
    }

    /// What inserting an execution did.
    public enum AutomationInsert: Sendable, Equatable {
        case inserted
        /// An execution with the same client token exists (nothing was written).
        case existing(AutomationExecutionRecord)
    }

    /// Stores a new execution with its events, unless its client token names one already.
    /// Inserts several Pending executions with their events in one transaction (the children of
    /// a rate-controlled execution, launched together); each outcome as `insertAutomationExecution`'s.
    public func insertAutomationExecutions(_ executions: [(AutomationExecutionRecord, [OutboxEntry])]) throws -> [AutomationInsert] {
        try writer.write { db in
            try executions.map { execution, outbox in try Self.insert(execution, outbox, db) }
        }
    }

    private static func insert(_ execution: AutomationExecutionRecord, _ outbox: [OutboxEntry], _ db: Database) throws -> AutomationInsert {
        if let token = execution.clientToken,
           let existing = try AutomationExecutionRecord.fetchOne(
               db.cachedStatement(sql: "SELECT * FROM automationExecution WHERE clientToken = ?"), arguments: [token]) {
            return .existing(existing)
        }
        try db.cachedStatement(sql: AutomationExecutionRecord.insertSQL).run(binding: execution.rowValues)
        try write(outbox, db)
        return .inserted
    }

    public func insertAutomationExecution(_ execution: AutomationExecutionRecord, outbox: [OutboxEntry]) throws -> AutomationInsert {
        try writer.write { db in try Self.insert(execution, outbox, db) }
    }

    /// A parent's children in start order: DescribeAutomationExecutions filtered by
    /// `ParentExecutionId` pages through them along this index instead of sorting every child
    /// (10,000 of them, a full row each) for each page.
    static func createChildrenIndex(_ db: Database) throws {
        try db.create(index: "automationExecution_parent", on: "automationExecution", columns: ["parentId", "startTime", "id"])
    }

    /// Writes an execution's new state, the step records that changed and their events, in
    /// one transaction.
    /// Shares its transaction with saves made at the same time (group commit): it returns once
    /// its own change is committed.
    public func saveAutomation(execution: AutomationExecutionRecord?, steps: [AutomationStepRecord], outbox: [OutboxEntry]) throws {
        try groupCommit.write { db in
            // Cached statements (see AutomationRecords+Rows.swift): the columns a run changes
            // when the row exists (it nearly always does), the whole row when it does not.
            if let execution {
                try db.cachedStatement(sql: AutomationExecutionRecord.updateProgressSQL).run(binding: execution.progressValues)
                if db.changesCount == 0 {
                    try db.cachedStatement(sql: AutomationExecutionRecord.upsertSQL).run(binding: execution.rowValues)
                }
            }
            for step in steps {
                try db.cachedStatement(sql: AutomationStepRecord.updateProgressSQL).run(binding: step.progressValues)
                if db.changesCount == 0 {
                    try db.cachedStatement(sql: AutomationStepRecord.upsertSQL).run(binding: step.rowValues)
                }
            }
            try Self.write(outbox, db)
        }
    }

    private static func write(_ outbox: [OutboxEntry], _ db: Database) throws {
        for entry in outbox { try db.recordOutbox(entry.event, deliveries: entry.deliveries) }
    }

    // The reads below run for every execution the engine loads: cached statements, compiled
    // once per connection (GRDB's query interface compiles, and authorizes, on every call).

    public func automationExecution(id: String) throws -> AutomationExecutionRecord? {
        try writer.read { db in
            try AutomationExecutionRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM automationExecution WHERE id = ?"), arguments: [id])
        }
    }

    /// The step executions of one execution, in the order they ran.
    public func automationSteps(executionId: String) throws -> [AutomationStepRecord] {
        try writer.read { db in try Self.steps(executionId, db) }
    }

    /// An execution and its steps, read in one transaction (one snapshot): what the engine
    /// loads to run an execution.
    public func automationExecutionWithSteps(id: String) throws -> (AutomationExecutionRecord, [AutomationStepRecord])? {
        try writer.read { db in
            guard let execution = try AutomationExecutionRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM automationExecution WHERE id = ?"), arguments: [id]) else { return nil }
            return (execution, try Self.steps(id, db))
        }
    }

    private static func steps(_ executionId: String, _ db: Database) throws -> [AutomationStepRecord] {
        try AutomationStepRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM automationStep WHERE executionId = ? ORDER BY sequence"),
                                          arguments: [executionId])
    }

    /// Executions not yet ended (Pending, InProgress, Waiting, Cancelling), oldest first: what a
    /// restarted daemon resumes.
    public func unfinishedAutomationExecutions() throws -> [AutomationExecutionRecord] {
        try writer.read { db in
            try AutomationExecutionRecord.filter(["Pending", "InProgress", "Waiting", "Cancelling"].contains(Column("status")))
                .order(Column("startTime"), Column("id")).fetchAll(db)
        }
    }

    /// A rate-controlled parent's children, in the order they started.
    public func automationChildren(parentId: String) throws -> [AutomationExecutionRecord] {
        try writer.read { db in
            try AutomationExecutionRecord.filter(Column("parentId") == parentId).order(Column("startTime"), Column("id")).fetchAll(db)
        }
    }

    /// DescribeAutomationExecutions: executions matching every given criterion (each a list of
    /// alternatives), newest first, after `query.after`.
    public func automationExecutions(_ query: AutomationExecutionQuery) throws -> [AutomationExecutionRecord] {
        try writer.read { db in
            var request = AutomationExecutionRecord.all()
            if !query.documentNamePrefixes.isEmpty {
                let clauses = query.documentNamePrefixes.map { Column("documentName").like(Self.likePrefix($0), escape: "\\") }
                request = request.filter(clauses.joined(operator: .or))
            }
            if !query.statuses.isEmpty { request = request.filter(query.statuses.contains(Column("status"))) }
            if !query.ids.isEmpty { request = request.filter(query.ids.contains(Column("id"))) }
            if !query.parentIds.isEmpty { request = request.filter(query.parentIds.contains(Column("parentId"))) }
            if !query.currentActions.isEmpty { request = request.filter(query.currentActions.contains(Column("currentAction"))) }
            if let before = query.startedBefore { request = request.filter(Column("startTime") < before) }
            if let after = query.startedAfter { request = request.filter(Column("startTime") > after) }
            if let cursor = query.after {
                // A row value, which SQLite turns into a range of the (…, startTime, id) indexes;
                // the same condition spelt with OR made every page scan from the first row.
                request = request.filter(sql: "(\"startTime\", \"id\") < (?, ?)", arguments: [cursor.startTime, cursor.id])
            }
            return try request.order(Column("startTime").desc, Column("id").desc).limit(query.limit).fetchAll(db)
        }
    }
}

/// DescribeAutomationExecutions' filters as the store applies them. Empty lists do not filter.
public struct AutomationExecutionQuery: Sendable {
    public var documentNamePrefixes: [String] = []
    public var statuses: [String] = []
    public var ids: [String] = []
    public var parentIds: [String] = []
    public var currentActions: [String] = []
    public var startedBefore: Double?
    public var startedAfter: Double?
    /// The last row of the previous page.
    public var after: (startTime: Double, id: String)?
    public var limit: Int

    public init(limit: Int) {
        self.limit = limit
    }
}

extension SchedulerDatabase {
    /// The execution a client token started, if any.
    public func automationExecution(clientToken: String) throws -> AutomationExecutionRecord? {
        try writer.read { db in
            try AutomationExecutionRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM automationExecution WHERE clientToken = ?"),
                                                   arguments: [clientToken])
        }
    }
}
