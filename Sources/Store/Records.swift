public import GRDB
import Foundation

/// A stored SSM document (calendars now; runbooks and templates later).
public struct DocumentRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "document"
    public var name: String
    public var documentType: String
    public var documentFormat: String
    public var defaultVersion: Int
    public var latestVersion: Int
    public var createdAt: Double
    public var origin: String
    public var sourcePath: String?
    /// JSON array of `{"Key": ..., "Value": ...}`, as the API takes and returns tags.
    public var tags: String = "[]"
}

public struct DocumentVersionRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "documentVersion"
    public var name: String
    public var version: Int
    public var content: String
    public var contentHash: String
    public var createdAt: Double
    /// The API's optional `VersionName`, unique within a document.
    public var versionName: String? = nil
}

/// The state a calendar last emitted, and since when.
public struct CalendarStateRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "calendarState"
    public var calendar: String
    public var state: String
    public var since: Double
    public var eventId: String?
}

public struct RuleRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rule"
    public var name: String
    public var description: String
    public var state: String
    public var eventPattern: String?
    public var scheduleExpression: String?
    public var origin: String
    /// JSON array of target definitions (the daemon's `TargetDefinition`).
    public var targets: String

    public init(name: String, description: String, state: String, eventPattern: String?, scheduleExpression: String?,
                origin: String, targets: String) {
        self.name = name
        self.description = description
        self.state = state
        self.eventPattern = eventPattern
        self.scheduleExpression = scheduleExpression
        self.origin = origin
        self.targets = targets
    }
}

/// An event in the outbox and archive: the full EventBridge envelope as JSON.
public struct StoredEvent: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "event"
    public var id: String
    public var dedupeKey: String
    public var time: Double
    public var source: String
    public var detailType: String
    public var body: String
    public var recordedAt: Double
    /// False for events recorded older than `max_event_age`: archived, never delivered.
    public var deliverable: Bool

    public init(id: String, dedupeKey: String, time: Double, source: String, detailType: String, body: String,
                recordedAt: Double, deliverable: Bool) {
        self.id = id
        self.dedupeKey = dedupeKey
        self.time = time
        self.source = source
        self.detailType = detailType
        self.body = body
        self.recordedAt = recordedAt
        self.deliverable = deliverable
    }
}

/// One event on its way to one target of one rule. (eventId, targetId) is the idempotency
/// key handed to the target.
public struct DeliveryRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "delivery"
    public enum Status: String, Codable, Sendable { case pending, delivered, failed, dead }
    public var eventId: String
    public var rule: String
    public var targetId: String
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Double
    public var lastError: String?
    public var output: String?
    public var updatedAt: Double

    public init(eventId: String, rule: String, targetId: String, status: Status = .pending, attempts: Int = 0,
                nextAttemptAt: Double, lastError: String? = nil, output: String? = nil, updatedAt: Double) {
        self.eventId = eventId
        self.rule = rule
        self.targetId = targetId
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.output = output
        self.updatedAt = updatedAt
    }
}
