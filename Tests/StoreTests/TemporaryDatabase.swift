import Foundation
import Store

/// A store opened in a new directory under the temporary directory; the caller removes the
/// directory (`defer { try? FileManager.default.removeItem(atPath: directory) }`).
func temporaryDatabase(_ prefix: String = "schedulerd-store") throws -> (SchedulerDatabase, String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    return (try SchedulerDatabase.open(directory: directory), directory)
}
