#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation

/// The 256-bit key that seals credential secrets, in a file of its own: 32 random bytes,
/// mode 0600. Kept apart from the database so a copy of the database alone reveals no secret.
enum KeyFile {
    static let size = 32

    /// Reads the key at `path`, or creates the file with a fresh random key when it does not
    /// exist and `mayCreate` is true.
    ///
    /// - Throws: `unsafeKeyFile` when the file has any group or other permission bit, is not a
    ///   regular file or is not 32 bytes; `wrongKey` when it is missing and may not be created
    ///   (the database holds secrets sealed with it); `unreadableKeyFile` for I/O errors.
    static func load(path: String, mayCreate: Bool) throws(CredentialStoreError) -> SymmetricKey {
        while true {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            if descriptor >= 0 {
                defer { close(descriptor) }
                return try readKey(descriptor, path: path)
            }
            let error = errno
            guard error == ENOENT else { throw unreadable(path, "cannot open it", error) }
            guard mayCreate else {
                throw CredentialStoreError(
                    code: .wrongKey,
                    message: "the credentials key file \(path) is missing, but the database holds credentials sealed "
                        + "with it; restore the file (32 bytes, mode 0600), or revoke every stored credential before "
                        + "a new key can be made")
            }
            if let key = try create(path) { return key }
            // Another process created the file meanwhile: read theirs.
        }
    }

    private static func readKey(_ descriptor: Int32, path: String) throws(CredentialStoreError) -> SymmetricKey {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw unreadable(path, "cannot inspect it", errno) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw CredentialStoreError(code: .unsafeKeyFile, message: "the credentials key file \(path) is not a regular file")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw CredentialStoreError(
                code: .unsafeKeyFile,
                message: "the credentials key file \(path) is open to group or others (mode "
                    + "\(String(permissions, radix: 8))); it must be readable by its owner only: chmod 600 \(path)")
        }
        guard status.st_size == size else {
            throw CredentialStoreError(
                code: .unsafeKeyFile,
                message: "the credentials key file \(path) holds \(status.st_size) bytes; a key file holds exactly "
                    + "\(size) random bytes. Restore the right file")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, size - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw unreadable(path, "cannot read it", errno) }
            filled += count
        }
        return SymmetricKey(data: bytes)
    }

    /// Creates the file exclusively; `nil` when it appeared meanwhile.
    private static func create(_ path: String) throws(CredentialStoreError) -> SymmetricKey? {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw CredentialStoreError(code: .unreadableKeyFile,
                                           message: "cannot create the directory of the credentials key file \(path): "
                                               + "\(error.localizedDescription)")
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            if errno == EEXIST { return nil }
            throw unreadable(path, "cannot create it", errno)
        }
        defer { close(descriptor) }
        let key = SymmetricKey(size: .bits256)
        let written = key.withUnsafeBytes { buffer in
            fchmod(descriptor, 0o600) == 0 && write(descriptor, buffer.baseAddress!, buffer.count) == buffer.count
                && fsync(descriptor) == 0
        }
        guard written else {
            let error = errno
            unlink(path)
            throw unreadable(path, "cannot write it", error)
        }
        return key
    }

    private static func unreadable(_ path: String, _ what: String, _ error: Int32) -> CredentialStoreError {
        CredentialStoreError(code: .unreadableKeyFile,
                             message: "the credentials key file \(path): \(what): \(String(cString: strerror(error)))")
    }
}
