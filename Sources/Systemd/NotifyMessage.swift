/// One sd_notify datagram: newline-separated `KEY=VALUE` assignments, in order.
///
/// Values are made safe before they are joined: a newline would start a new assignment
/// (a `STATUS=` text could otherwise inject `READY=1` or `MAINPID=`), and systemd drops a
/// whole message that contains a NUL byte, so both become spaces. systemd also ignores
/// messages longer than its 4096-byte buffer (`NOTIFY_BUFFER_MAX`), so a long `STATUS=`
/// is shortened, at a character boundary, until the datagram fits.
struct NotifyMessage: Sendable {
    /// The largest datagram systemd's manager reads; longer ones are discarded whole.
    static let maximumSize = 4096

    private(set) var assignments: [(key: String, value: String)] = []

    init() {}

    /// Appends `KEY=VALUE`, replacing line breaks and NULs in the value with spaces.
    mutating func append(_ key: String, _ value: String) {
        let safe = String(
            String.UnicodeScalarView(
                value.unicodeScalars.map { $0 == "\n" || $0 == "\r" || $0 == "\0" ? " " : $0 }
            )
        )
        assignments.append((key, safe))
    }

    /// The datagram, with `STATUS=` shortened if the whole would exceed ``maximumSize``.
    var datagram: [UInt8] {
        let full = Array(joined(assignments).utf8)
        guard full.count > Self.maximumSize,
              let statusIndex = assignments.firstIndex(where: { $0.key == "STATUS" })
        else { return full }
        let excess = full.count - Self.maximumSize
        var shortened = assignments
        let status = shortened[statusIndex].value
        shortened[statusIndex].value = Self.prefix(of: status, maximumUTF8Count: max(0, status.utf8.count - excess))
        return Array(joined(shortened).utf8)
    }

    private func joined(_ assignments: [(key: String, value: String)]) -> String {
        assignments.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
    }

    /// The longest prefix of `text` that is at most `maximumUTF8Count` bytes and ends on a
    /// Unicode scalar boundary, so the result is still valid UTF-8.
    static func prefix(of text: String, maximumUTF8Count: Int) -> String {
        var count = 0
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            count += UTF8.width(scalar)
            if count > maximumUTF8Count { break }
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
