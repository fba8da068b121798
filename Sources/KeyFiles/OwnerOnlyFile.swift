#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A file only its owner may read: the home of a key that seals secrets (the credentials key,
/// the Parameter Store master keys). Reading refuses a file that group or others may open or
/// that is not a regular file; creating makes it exclusively, mode 0600, and syncs it.
///
/// Callers name the file for people (`what`, such as "the credentials key file"), and every
/// error message starts with that name and the path.
public enum OwnerOnlyFile {
    /// The contents of the file at `path`, or `nil` when it does not exist.
    ///
    /// - Throws: `OwnerOnlyFileError.unsafe` when the file has any group or other permission
    ///   bit, is not a regular file or is larger than `maximumSize`; `.unreadable` for I/O errors.
    public static func read(path: String, what: String, maximumSize: Int = 1 << 20) throws(OwnerOnlyFileError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let error = errno
            if error == ENOENT { return nil }
            throw unreadable(path, what, "cannot open it", error)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw unreadable(path, what, "cannot inspect it", errno) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw OwnerOnlyFileError(kind: .unsafe, message: "\(what) \(path) is not a regular file")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw OwnerOnlyFileError(
                kind: .unsafe,
                message: "\(what) \(path) is open to group or others (mode \(String(permissions, radix: 8))); "
                    + "it must be readable by its owner only: chmod 600 \(path)")
        }
        let size = Int(status.st_size)
        guard size <= maximumSize else {
            throw OwnerOnlyFileError(kind: .unsafe, message: "\(what) \(path) holds \(size) bytes, more than such a file ever holds "
                                     + "(\(maximumSize)); restore the right file")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { buffer in
                readDescriptor(descriptor, buffer.baseAddress! + filled, size - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw unreadable(path, what, "cannot read it", errno) }
            filled += count
        }
        return bytes
    }

    /// Creates the file with `contents`, exclusively and mode 0600 (its directory 0700 when
    /// made here). Returns false, writing nothing, when the file exists already (another
    /// process made it meanwhile: read theirs).
    public static func create(path: String, what: String, contents: [UInt8]) throws(OwnerOnlyFileError) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw OwnerOnlyFileError(kind: .unreadable,
                                         message: "cannot create the directory of \(what) \(path): \(error.localizedDescription)")
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            if errno == EEXIST { return false }
            throw unreadable(path, what, "cannot create it", errno)
        }
        defer { close(descriptor) }
        let written = contents.withUnsafeBytes { buffer in
            fchmod(descriptor, 0o600) == 0 && write(descriptor, buffer.baseAddress!, buffer.count) == buffer.count
                && fsync(descriptor) == 0
        }
        guard written else {
            let error = errno
            unlink(path)
            throw unreadable(path, what, "cannot write it", error)
        }
        return true
    }

    private static func unreadable(_ path: String, _ what: String, _ action: String, _ error: Int32) -> OwnerOnlyFileError {
        OwnerOnlyFileError(kind: .unreadable, message: "\(what) \(path): \(action): \(String(cString: strerror(error)))")
    }
}

/// Why an owner-only file was refused or could not be used.
public struct OwnerOnlyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Open to group or others, not a regular file, or of a size no such file has.
        case unsafe
        /// An I/O error: cannot open, read, create or write.
        case unreadable
    }

    public let kind: Kind
    /// What failed, on which path, and how to fix it.
    public let message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The C library's `read`, under a name `OwnerOnlyFile.read` does not shadow.
private func readDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
