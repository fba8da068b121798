#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation

extension CredentialStore {
    /// On a first start, makes the API usable: when no credential is active at all (stored or
    /// configured), creates one named `admin` with role `admin` and writes its key pair to
    /// `<dataDirectory>/admin-credentials` (mode 0600), as lines a shell or the AWS CLI's
    /// environment can read:
    ///
    /// ```
    /// # schedulerd administrator credential …
    /// AWS_ACCESS_KEY_ID=AKIA…
    /// AWS_SECRET_ACCESS_KEY=…
    /// ```
    ///
    /// An existing file is never overwritten: when it is already there, nothing is created
    /// (a credential whose secret could not be shown would be of no use) and the result is
    /// `nil`, as it is when a credential is active.
    ///
    /// - Returns: The file written, for the daemon to log; `nil` when nothing was done.
    public func bootstrapAdminIfEmpty(dataDirectory: String) throws -> URL? {
        guard try !hasActiveCredentials() else { return nil }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = (dataDirectory as NSString).appendingPathComponent(Self.adminCredentialsFileName)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            if errno == EEXIST { return nil }
            throw CredentialStoreError(code: .unreadableKeyFile,
                                       message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        var closed = false
        defer { if !closed { close(descriptor) } }
        let credential: Credential
        do {
            credential = try create(name: "admin", role: .admin, origin: .generated)
        } catch {
            unlink(path)
            throw error
        }
        let text = """
            # schedulerd administrator credential (role admin), created at the daemon's first start.
            # Keep this file private; once the key pair is stored elsewhere, delete the file.
            AWS_ACCESS_KEY_ID=\(credential.accessKeyId)
            AWS_SECRET_ACCESS_KEY=\(credential.secretAccessKey)

            """
        let bytes = Array(text.utf8)
        let written = fchmod(descriptor, 0o600) == 0 && bytes.withUnsafeBytes { buffer in
            write(descriptor, buffer.baseAddress!, buffer.count) == buffer.count
        } && fsync(descriptor) == 0
        closed = true
        guard close(descriptor) == 0, written else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            _ = try? revoke(accessKeyIdOrName: credential.accessKeyId)
            throw CredentialStoreError(code: .unreadableKeyFile, message: "cannot write \(path): \(reason)")
        }
        return URL(fileURLWithPath: path)
    }
}
