public import Runbooks
import Synchronization

/// Parsed runbooks by their text: the children of a rate-controlled execution (thousands, for a
/// fleet) share one runbook, and parsing YAML costs far more than a lookup.
public final class RunbookCache: Sendable {
    private let entries = Mutex<[String: Runbook]>([:])
    /// Texts kept at most; the cache starts over beyond (runbooks in use are few).
    private let capacity = 64

    public init() {}

    /// The runbook `content` holds, parsed once.
    public func runbook(_ content: String, format: String) throws -> Runbook {
        let key = format + "\u{0}" + content
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let runbook = try Runbook.parse(content, format: format)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll() }
            entries[key] = runbook
        }
        return runbook
    }
}
