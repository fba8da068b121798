/// The assignments of a systemd unit file, by section, as systemd reads them: comments
/// and blank lines skipped, `Key=Value` split at the first `=`, keys in file order (a key
/// may repeat, and an empty value resets a list).
struct UnitFile {
    struct Assignment: Equatable {
        var section: String
        var key: String
        var value: String
    }

    var assignments: [Assignment] = []

    init(_ text: String) {
        var section = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") {
                continue
            }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            assignments.append(Assignment(
                section: section,
                key: trimmed(line[..<equals]),
                value: trimmed(line[line.index(after: equals)...])
            ))
        }
    }

    /// Every value assigned to `key` in `section`, in file order.
    func values(_ key: String, in section: String = "Service") -> [String] {
        assignments.filter { $0.section == section && $0.key == key }.map(\.value)
    }
}

/// `text` without leading and trailing whitespace.
private func trimmed(_ text: some StringProtocol) -> String {
    let start = text.drop(while: \.isWhitespace)
    return String(start.reversed().drop(while: \.isWhitespace).reversed())
}
