import Foundation
import GRDB
import Parameters
import Store
import Synchronization

/// Records the events the store emits, as outbox rows with no deliveries.
final class RecordingSink: ParameterEventSink {
    private let recorded = Mutex<[ParameterEvent]>([])
    private let committedCount = Mutex(0)

    var events: [ParameterEvent] { recorded.withLock { $0 } }
    var committed: Int { committedCount.withLock { $0 } }

    func outbox(for event: ParameterEvent, now: Date) throws -> SchedulerDatabase.OutboxRows {
        recorded.withLock { $0.append(event) }
        let stored = StoredEvent(id: UUID().uuidString, dedupeKey: event.dedupeKey, time: event.time.timeIntervalSince1970, source: "aws.ssm",
                                 detailType: event.detailType, body: event.detailJSON, recordedAt: now.timeIntervalSince1970, deliverable: true)
        return (stored, [])
    }

    func committed(_ rows: [SchedulerDatabase.OutboxRows]) {
        committedCount.withLock { $0 += rows.count }
    }
}

enum Fixture {
    static let region = "us-east-1"
    static let account = "123456789012"
    static let user = "arn:aws:iam::123456789012:user/tester"
    static let now = Date(timeIntervalSince1970: 1_796_126_400)   // 2026-12-01T12:00:00Z

    static func master(_ versions: [UInt32] = [1]) -> MasterKeys {
        let text = versions.map { "\($0):" + Data(repeating: UInt8($0), count: 32).base64EncodedString() }.joined(separator: "\n")
        return try! MasterKeys.parse(text, source: "the test keys")
    }

    static func keyRing(_ versions: [UInt32] = [1]) -> ParameterKeyRing {
        ParameterKeyRing(master: master(versions), customerKeys: [.init(id: "1234abcd-12ab-34cd-56ef-1234567890ab", aliases: ["alias/app"])],
                         region: region, account: account)
    }

    static func store(_ sink: RecordingSink = RecordingSink(), keyRing: ParameterKeyRing = keyRing()) throws -> ParameterStore {
        ParameterStore(database: try SchedulerDatabase(DatabaseQueue()), keyRing: keyRing, events: sink, region: region, account: account)
    }

    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-parameters-\(UUID().uuidString)").path
    }
}

/// The `ParameterError` a call throws, or nil.
func parameterError(_ body: () throws -> Void) -> ParameterError? {
    do {
        try body()
        return nil
    } catch let error as ParameterError {
        return error
    } catch {
        return ParameterError("unexpected", "\(error)")
    }
}
