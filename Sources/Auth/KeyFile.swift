import Crypto
import Foundation
import KeyFiles

/// The 256-bit key that seals credential secrets, in a file of its own: 32 random bytes,
/// mode 0600. Kept apart from the database so a copy of the database alone reveals no secret.
/// The file handling (owner-only, exclusive creation) is `OwnerOnlyFile`'s, shared with the
/// Parameter Store's master keys.
enum KeyFile {
    static let size = 32
    static let what = "the credentials key file"

    /// Reads the key at `path`, or creates the file with a fresh random key when it does not
    /// exist and `mayCreate` is true.
    ///
    /// - Throws: `unsafeKeyFile` when the file has any group or other permission bit, is not a
    ///   regular file or is not 32 bytes; `wrongKey` when it is missing and may not be created
    ///   (the database holds secrets sealed with it); `unreadableKeyFile` for I/O errors.
    static func load(path: String, mayCreate: Bool) throws(CredentialStoreError) -> SymmetricKey {
        while true {
            if let bytes = try mapped({ () throws(OwnerOnlyFileError) in try OwnerOnlyFile.read(path: path, what: what, maximumSize: 4096) }) {
                guard bytes.count == size else {
                    throw CredentialStoreError(
                        code: .unsafeKeyFile,
                        message: "the credentials key file \(path) holds \(bytes.count) bytes; a key file holds exactly "
                            + "\(size) random bytes. Restore the right file")
                }
                return SymmetricKey(data: bytes)
            }
            guard mayCreate else {
                throw CredentialStoreError(
                    code: .wrongKey,
                    message: "the credentials key file \(path) is missing, but the database holds credentials sealed "
                        + "with it; restore the file (32 bytes, mode 0600), or revoke every stored credential before "
                        + "a new key can be made")
            }
            let key = SymmetricKey(size: .bits256)
            let bytes = key.withUnsafeBytes { Array($0) }
            if try mapped({ () throws(OwnerOnlyFileError) in try OwnerOnlyFile.create(path: path, what: what, contents: bytes) }) {
                return key
            }
            // Another process created the file meanwhile: read theirs.
        }
    }

    /// Runs a file operation, with its error as the credential store's.
    private static func mapped<T>(_ body: () throws(OwnerOnlyFileError) -> T) throws(CredentialStoreError) -> T {
        do {
            return try body()
        } catch {
            throw CredentialStoreError(code: error.kind == .unsafe ? .unsafeKeyFile : .unreadableKeyFile, message: error.message)
        }
    }
}
