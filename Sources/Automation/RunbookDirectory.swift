public import Foundation
import Runbooks
public import Store

/// Runbooks kept as files beside the configuration (`runbooks_dir`): every `NAME.yaml`,
/// `NAME.yml` or `NAME.json` is the Automation document NAME, as `calendars_dir` is for
/// calendars. Operators keep their runbooks in version control, and a rule target can name one
/// from the first start, before anyone has called CreateDocument.
public enum RunbookDirectory {
    /// A runbook file that cannot be used: `FILE:LINE: message`.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let description: String
    }

    static let extensions = ["yaml": "YAML", "yml": "YAML", "json": "JSON"]

    /// Adds, updates and removes configuration runbooks to match `directory` (a missing
    /// directory holds none). A file that does not parse is reported and left out; its previous
    /// version, if any, stays in force. A changed file becomes a new version, the default one.
    public static func reconcile(directory: String, database: SchedulerDatabase, now: Date) throws -> [Problem] {
        var problems: [Problem] = []
        var present: Set<String> = []
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        for file in files {
            let suffix = (file as NSString).pathExtension.lowercased()
            guard let format = extensions[suffix] else { continue }
            let path = (directory as NSString).appendingPathComponent(file)
            let name = (file as NSString).deletingPathExtension
            func refuse(_ message: String) { problems.append(Problem(file: path, description: "\(path): \(message)")) }
            guard name.count >= 3, name.count <= 128,
                  name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }) else {
                refuse("the file name makes the document name '\(name)'; use 3 to 128 letters, digits, '_', '-' or '.'")
                continue
            }
            guard !["aws", "amazon"].contains(where: { name.lowercased().hasPrefix($0) }) else {
                refuse("'\(name)' starts with a prefix AWS reserves for its own documents (aws, amazon)")
                continue
            }
            present.insert(name)   // from here on a refused file keeps its previous version
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                refuse("cannot be read as UTF-8 text")
                continue
            }
            do {
                _ = try Runbook.parse(text, format: format)
            } catch {
                let at = error.line > 0 ? "\(path):\(error.line)" : path
                problems.append(Problem(file: path, description: "\(at): " + (error.path.isEmpty ? "" : "\(error.path): ") + error.message))
                continue
            }
            do {
                try database.putDocument(name: name, type: "Automation", format: format, content: text, origin: .config,
                                         sourcePath: path, now: now)
            } catch let taken as SchedulerDatabase.DocumentNameTaken {
                refuse(taken.description)
            }
        }
        for document in try database.documents(type: "Automation", origin: .config) where !present.contains(document.name) {
            try database.deleteDocument(name: document.name)
        }
        return problems
    }
}
