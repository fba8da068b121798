import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SchedulerCore
import Synchronization

/// Runs a shell script as a local process: `/bin/sh -c SCRIPT` in its own process group (so
/// killing it kills what it started), standard input from /dev/null, standard output and
/// error captured together. The timeout is on the daemon's clock; cancelling the calling task
/// kills the process group too.
struct LocalCommandRunner: Sendable {
    struct Result: Sendable {
        /// The exit status, or the signal that ended it (with `signaled`).
        var status: Int32
        var signaled: Bool
        var timedOut: Bool
        var output: String
    }

    /// At most this many bytes of output are kept (the end is dropped).
    let outputLimit: Int

    func run(script: String, environment: [String: String], workingDirectory: String?, deadline: Date,
             clock: AnyWallClock) async throws -> Result {
        var body = script
        if let workingDirectory, !workingDirectory.isEmpty {
            body = "cd '\(workingDirectory.replacingOccurrences(of: "'", with: "'\\''"))' || exit 1\n" + script
        }
        let process = try Spawned.start(script: body, environment: environment)
        let finished = Finished()
        return try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask {
                    let (status, signaled, output) = await process.waitForExit(limit: outputLimit)
                    finished.set()
                    return Result(status: status, signaled: signaled, timedOut: false, output: output)
                }
                group.addTask {
                    while clock.now() < deadline { try await clock.sleep(until: deadline) }
                    return nil
                }
                let first = try await group.next()!
                if let result = first {
                    group.cancelAll()
                    return result
                }
                // The deadline came first: kill the group and collect what it wrote.
                process.kill()
                while let next = try await group.next() {
                    if var result = next {
                        result.timedOut = true
                        return result
                    }
                }
                return Result(status: SIGKILL, signaled: true, timedOut: true, output: "")
            }
        } onCancel: {
            if !finished.isSet { process.kill() }
        }
    }
}

/// A latch set once a process has been reaped (its pid may then be reused: never signal it).
final class Finished: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .sequentiallyConsistent) }
    var isSet: Bool { flag.load(ordering: .sequentiallyConsistent) }
}

/// A child process started with posix_spawn in a new process group, and the read end of the
/// pipe its output goes to.
struct Spawned: Sendable {
    let pid: pid_t
    let outputFD: Int32

    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    static func start(script: String, environment: [String: String]) throws -> Spawned {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
        // Our ends must not leak into other children; dup2 gives the child its own copies.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let arguments = ["/bin/sh", "-c", script]
        let variables = environment.map { "\($0.key)=\($0.value)" }
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = variables.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &argv, &envp)
        close(fds[1])
        guard status == 0 else {
            close(fds[0])
            throw SpawnError(description: "cannot start /bin/sh: \(String(cString: strerror(status)))")
        }
        return Spawned(pid: pid, outputFD: fds[0])
    }

    /// Reads the output to its end (off the cooperative pool: the reads block), then reaps the
    /// process. Returns the exit status (or terminating signal) and the output.
    func waitForExit(limit: Int) async -> (Int32, Bool, String) {
        await withCheckedContinuation { (continuation: CheckedContinuation<(Int32, Bool, String), Never>) in
            DispatchQueue.global().async {
                var collected: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 16_384)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
                    if count < 0, errno == EINTR { continue }
                    if count <= 0 { break }
                    if collected.count < limit { collected.append(contentsOf: buffer[0..<min(count, limit - collected.count)]) }
                }
                close(outputFD)
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                let signal = status & 0x7f
                let result = signal == 0 ? (status >> 8) & 0xff : signal
                continuation.resume(returning: (result, signal != 0, String(decoding: collected, as: UTF8.self)))
            }
        }
    }

    /// SIGKILL to the whole process group.
    func kill() {
        _ = Glibc.kill(-pid, SIGKILL)
    }
}
