public import Runbooks
import SchedulerCore

/// Parsed runbooks by their text: the children of a rate-controlled execution (thousands, for a
/// fleet) share one runbook, and parsing YAML costs far more than a lookup.
public final class RunbookCache: Sendable {
    /// A `BlockingLock`: ten thousand children starting at once all ask.
    private let entries = BlockingLock<[Key: Runbook]>([:])
    /// Texts kept at most; the cache starts over beyond (runbooks in use are few).
    private let capacity = 64

    public init() {}

    /// The runbook `content` holds, parsed once.
    public func runbook(_ content: String, format: String) throws -> Runbook {
        let key = Key(format + "\u{0}" + content)
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let runbook = try Runbook.parse(content, format: format)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll() }
            entries[key] = runbook
        }
        return runbook
    }

    /// A runbook's text with its hash computed once, before the lock is taken: hashing a
    /// kilobyte of text inside it made ten thousand children queue for it.
    private struct Key: Hashable {
        let text: String
        let hash: Int

        init(_ text: String) {
            self.text = text
            hash = text.hashValue
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
        static func == (left: Key, right: Key) -> Bool { left.hash == right.hash && left.text == right.text }
    }
}
