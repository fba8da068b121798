import GRDB

// Hand-written row mapping for the two records a fleet-wide automation writes thousands of times
// a second. GRDB's Codable path (a keyed container per record, a dictionary per row) cost more
// than SQLite itself in the fleet benchmark; these map columns directly. The column lists are
// the tables' (migration v6); `AutomationRecordRowTests` checks that they cover every column.
// The values are GRDB's `DatabaseValue`s, made by concrete calls and bound by
// `Statement.run(binding:)` (BoundStatement.swift).

extension AutomationExecutionRecord {
    /// Every column, in the order `rowValues` gives them.
    static let columnNames = [
        "id", "documentName", "documentVersion", "status", "mode", "parameters", "values", "outputs", "failureMessage",
        "startTime", "endTime", "parentId", "target", "clientToken", "requestFingerprint", "executedBy", "currentStepName",
        "currentAction", "nextStep", "targetParameterName", "targets", "maxConcurrency", "maxErrors", "resolvedTargets",
        "content", "contentFormat", "stopType", "tags", "updatedAt",
    ]

    var rowValues: [DatabaseValue] {
        [id.databaseValue, documentName.databaseValue, documentVersion.databaseValue, status.databaseValue,
         mode.databaseValue, parameters.databaseValue, values.databaseValue, outputs.databaseValue,
         failureMessage.databaseValue, startTime.databaseValue, endTime.databaseValue, parentId.databaseValue,
         target.databaseValue, clientToken.databaseValue, requestFingerprint.databaseValue, executedBy.databaseValue,
         currentStepName.databaseValue, currentAction.databaseValue, nextStep.databaseValue,
         targetParameterName.databaseValue, targets.databaseValue, maxConcurrency.databaseValue, maxErrors.databaseValue,
         resolvedTargets.databaseValue, content.databaseValue, contentFormat.databaseValue, stopType.databaseValue,
         tags.databaseValue, updatedAt.databaseValue]
    }

    /// Inserts the execution, or rewrites every column of the row with its id.
    static let upsertSQL = SQLText.upsert(table: databaseTableName, columns: columnNames, key: ["id"])
    static let insertSQL = SQLText.insert(table: databaseTableName, columns: columnNames)

    /// The columns a run changes once the execution is inserted (its status, where it stands,
    /// how it ended, a stop asked for, the targets it resolved). A save writes only these:
    /// SQLite rewrites every index whose columns an UPDATE names, and an upsert names them all.
    /// A run that changes another column must add it here (`AutomationRecordRowTests`).
    static let progressColumns = [
        "status", "outputs", "failureMessage", "endTime", "currentStepName", "currentAction", "nextStep", "resolvedTargets",
        "stopType", "updatedAt",
    ]

    var progressValues: [DatabaseValue] {
        [status.databaseValue, outputs.databaseValue, failureMessage.databaseValue, endTime.databaseValue,
         currentStepName.databaseValue, currentAction.databaseValue, nextStep.databaseValue, resolvedTargets.databaseValue,
         stopType.databaseValue, updatedAt.databaseValue, id.databaseValue]
    }

    static let updateProgressSQL = SQLText.update(table: databaseTableName, columns: progressColumns, key: ["id"])

    public init(row: Row) throws {
        self.init(id: row["id"], documentName: row["documentName"], documentVersion: row["documentVersion"], status: row["status"],
                  mode: row["mode"], parameters: row["parameters"], values: row["values"], outputs: row["outputs"],
                  failureMessage: row["failureMessage"], startTime: row["startTime"], endTime: row["endTime"],
                  parentId: row["parentId"], target: row["target"], clientToken: row["clientToken"],
                  requestFingerprint: row["requestFingerprint"], executedBy: row["executedBy"],
                  currentStepName: row["currentStepName"], currentAction: row["currentAction"], nextStep: row["nextStep"],
                  targetParameterName: row["targetParameterName"], targets: row["targets"], maxConcurrency: row["maxConcurrency"],
                  maxErrors: row["maxErrors"], resolvedTargets: row["resolvedTargets"], content: row["content"],
                  contentFormat: row["contentFormat"], stopType: row["stopType"], tags: row["tags"], updatedAt: row["updatedAt"])
    }

    public func encode(to container: inout PersistenceContainer) throws {
        for (name, value) in zip(Self.columnNames, rowValues) { container[name] = value }
    }
}

extension AutomationStepRecord {
    static let columnNames = [
        "executionId", "sequence", "stepExecutionId", "stepName", "action", "status", "inputs", "outputs", "response",
        "responseCode", "failureMessage", "failureDetails", "startTime", "endTime", "attempts", "state", "nextStep",
        "isCancelWorkflow", "updatedAt",
    ]

    var rowValues: [DatabaseValue] {
        [executionId.databaseValue, sequence.databaseValue, stepExecutionId.databaseValue, stepName.databaseValue,
         action.databaseValue, status.databaseValue, inputs.databaseValue, outputs.databaseValue, response.databaseValue,
         responseCode.databaseValue, failureMessage.databaseValue, failureDetails.databaseValue, startTime.databaseValue,
         endTime.databaseValue, attempts.databaseValue, state.databaseValue, nextStep.databaseValue,
         isCancelWorkflow.databaseValue, updatedAt.databaseValue]
    }

    static let upsertSQL = SQLText.upsert(table: databaseTableName, columns: columnNames, key: ["executionId", "sequence"])

    /// What changes once a step started (as for executions: a save writes only these).
    static let progressColumns = [
        "status", "outputs", "response", "responseCode", "failureMessage", "failureDetails", "endTime", "attempts", "state",
        "nextStep", "updatedAt",
    ]

    var progressValues: [DatabaseValue] {
        [status.databaseValue, outputs.databaseValue, response.databaseValue, responseCode.databaseValue,
         failureMessage.databaseValue, failureDetails.databaseValue, endTime.databaseValue, attempts.databaseValue,
         state.databaseValue, nextStep.databaseValue, updatedAt.databaseValue, executionId.databaseValue,
         sequence.databaseValue]
    }

    static let updateProgressSQL = SQLText.update(table: databaseTableName, columns: progressColumns, key: ["executionId", "sequence"])

    public init(row: Row) throws {
        self.init(executionId: row["executionId"], sequence: row["sequence"], stepExecutionId: row["stepExecutionId"],
                  stepName: row["stepName"], action: row["action"], status: row["status"], inputs: row["inputs"],
                  outputs: row["outputs"], response: row["response"], responseCode: row["responseCode"],
                  failureMessage: row["failureMessage"], failureDetails: row["failureDetails"], startTime: row["startTime"],
                  endTime: row["endTime"], attempts: row["attempts"], state: row["state"], nextStep: row["nextStep"],
                  isCancelWorkflow: row["isCancelWorkflow"], updatedAt: row["updatedAt"])
    }

    public func encode(to container: inout PersistenceContainer) throws {
        for (name, value) in zip(Self.columnNames, rowValues) { container[name] = value }
    }
}
