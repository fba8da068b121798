/// Lexical path handling: joining a relative path to the configuration file's directory and
/// removing `.` and `..` without touching the file system (the directories may not exist yet,
/// and a symlink must keep its configured name).
enum FilePath {
    static func resolve(_ path: String, against base: String) throws(ValueProblem) -> String {
        guard !path.isEmpty else { throw ValueProblem("a directory path cannot be empty") }
        guard !path.hasPrefix("~") else {
            throw ValueProblem("'~' is not expanded here (the daemon runs as its own user); write the full path")
        }
        return join(base, path)
    }

    /// `path` when it is absolute, else `path` under `base`; normalized either way.
    static func join(_ base: String, _ path: String) -> String {
        if path.hasPrefix("/") || base.isEmpty { return normalize(path) }
        return normalize(base + "/" + path)
    }

    /// The directory part of a file path: `/etc/schedulerd` for `/etc/schedulerd/schedulerd.yaml`,
    /// `.` for a bare file name.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// Collapses `.`, `..`, repeated and trailing slashes.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var components: [Substring] = []
        for component in path.split(separator: "/") {
            switch component {
            case ".":
                continue
            case "..":
                if let last = components.last, last != ".." {
                    components.removeLast()
                } else if !absolute {
                    components.append(component)
                }
            default:
                components.append(component)
            }
        }
        let joined = components.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
