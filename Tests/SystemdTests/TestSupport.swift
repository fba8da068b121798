import Foundation
import Testing

/// The checkout this test file belongs to (Tests/SystemdTests/TestSupport.swift is two
/// levels down).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()

/// A directory that is removed, with its contents, when the value is released.
final class TemporaryDirectory {
    let url: URL

    var path: String { url.path }

    /// Creates the directory under `parent`. Socket tests pass `/tmp` because an AF_UNIX
    /// path must fit in 107 bytes and `$TMPDIR` can be long.
    init(under parent: String? = nil) throws {
        let template = (parent ?? FileManager.default.temporaryDirectory.path) + "/schedulerd-systemd-XXXXXX"
        var bytes = Array(template.utf8CString)
        // mkdtemp replaces the X's in place, in the array.
        guard bytes.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: template])
        }
        let path = String(decoding: bytes.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        url = URL(fileURLWithPath: path, isDirectory: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func appending(_ component: String) -> URL {
        url.appendingPathComponent(component)
    }
}

/// What a finished command printed and how it exited.
struct CommandResult {
    var status: Int32
    /// Standard output and standard error, interleaved as the command wrote them.
    var output: String
}

/// Runs `executable` with `arguments` and waits for it; output goes into one pipe so a
/// chatty command cannot fill one pipe while the test reads the other.
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment {
        process.environment = environment
    }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
}

/// The full path of `command` on `$PATH` (or in /usr/bin, /bin), or nil when absent.
func executablePath(_ command: String) -> String? {
    let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let directories = searchPath.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
    return directories
        .map { "\($0)/\(command)" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// Reads a text file a test expects to exist, failing the test with its path if not.
func contents(of url: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    do {
        return try String(contentsOf: url, encoding: .utf8)
    } catch {
        Issue.record("cannot read \(url.path): \(error)", sourceLocation: sourceLocation)
        throw error
    }
}
