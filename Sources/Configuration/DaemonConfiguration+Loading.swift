internal import Foundation

extension DaemonConfiguration {
    /// Reads and checks the configuration file at `path`.
    ///
    /// A relative `path` is taken from the current directory and made absolute first, so the
    /// directories in the result stay right if the daemon later changes directory.
    ///
    /// - Throws: `ConfigurationError` naming the key, line and reason of the first problem, or
    ///   `.unreadable` when the file cannot be read as UTF-8 text.
    public static func load(path: String) throws(ConfigurationError) -> DaemonConfiguration {
        let absolutePath = path.hasPrefix("/")
            ? FilePath.normalize(path)
            : FilePath.normalize(FileManager.default.currentDirectoryPath + "/" + path)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: absolutePath))
        } catch {
            let reason = (error as? CocoaError)?.code == .fileReadNoSuchFile
                ? "no such file" : "cannot read the file (\(error.localizedDescription))"
            throw ConfigurationError(code: .unreadable, file: path, path: "", line: 0, column: 0, message: reason)
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(code: .unreadable, file: path, path: "", line: 0, column: 0,
                                     message: "the file is not UTF-8 text")
        }
        return try parse(yaml: yaml, file: path, baseDirectory: FilePath.directory(of: absolutePath))
    }

    /// Checks configuration text.
    ///
    /// - Parameters:
    ///   - yaml: The text of the configuration file.
    ///   - file: The name errors use for the file (`description` starts with it).
    ///   - baseDirectory: The directory that relative paths (`data_dir`, `calendars_dir`, `runbooks_dir`) are
    ///     resolved against, normally the file's own directory.
    /// - Throws: `ConfigurationError` naming the key, line and reason of the first problem.
    public static func parse(yaml: String, file: String, baseDirectory: String) throws(ConfigurationError)
        -> DaemonConfiguration {
        let decoder = ConfigurationDecoder(yaml: yaml, file: file, baseDirectory: baseDirectory)
        var configuration = DaemonConfiguration()
        configuration.calendarsDirectory = FilePath.join(baseDirectory, "calendars")
        configuration.runbooksDirectory = FilePath.join(baseDirectory, "runbooks")
        guard let root = try ConfigurationNode.parse(yaml: yaml, file: file), !root.isNull else {
            return configuration
        }
        try configuration.decode(root, with: decoder)
        return configuration
    }
}
