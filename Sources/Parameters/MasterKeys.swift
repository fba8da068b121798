#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation
import KeyFiles

/// The master keys that seal SecureString data keys: numbered versions of 32 random bytes.
/// The highest version seals new values; the others still open what they sealed, until lazy
/// re-encryption has moved every value to the newest.
///
/// Text form (the key file, or the environment variable named in the configuration):
///
/// ```
/// # comments
/// 1:<32 bytes in base64>
/// 2:<32 bytes in base64>
/// ```
///
/// Entries are separated by newlines, spaces or commas. Rotation is adding a higher version.
public struct MasterKeys: Sendable {
    public let versions: [UInt32: SharedKey]
    /// Where the keys came from, for messages (`the Parameter Store key file /var/...`).
    public let source: String

    /// The version new values are sealed with.
    public var current: UInt32 { versions.keys.max() ?? 0 }

    public init(versions: [UInt32: SharedKey], source: String) {
        precondition(!versions.isEmpty, "master keys need at least one version")
        self.versions = versions
        self.source = source
    }

    /// Reads the text form; `source` names it in errors.
    public static func parse(_ text: String, source: String) throws(ParameterKeyError) -> MasterKeys {
        var versions: [UInt32: SharedKey] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for entry in content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }) {
                let parts = entry.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, let version = UInt32(parts[0]), version > 0,
                      let bytes = Data(base64Encoded: String(parts[1])), bytes.count == 32 else {
                    throw ParameterKeyError("\(source): '\(entry.prefix(12))…' is not a master key; each entry is "
                                            + "VERSION:KEY, a version from 1 up and 32 random bytes in base64 "
                                            + "(openssl rand -base64 32)")
                }
                guard versions[version] == nil else {
                    throw ParameterKeyError("\(source): master key version \(version) appears twice")
                }
                versions[version] = SharedKey(key: SymmetricKey(data: bytes))
            }
        }
        guard !versions.isEmpty else {
            throw ParameterKeyError("\(source) holds no master key; it needs at least one VERSION:KEY entry (1:<32 random bytes in base64>)")
        }
        return MasterKeys(versions: versions, source: source)
    }

    /// The text of a new key file: one fresh version 1.
    public static func newFileText() -> String {
        "# schedulerd Parameter Store master keys: VERSION:KEY, the key 32 random bytes in base64.\n"
            + "# The highest version seals new SecureString values; keep the older ones while values sealed\n"
            + "# with them remain (they are moved to the newest as they are read). Keep this file secret.\n"
            + "1:\(base64(SymmetricKey(size: .bits256)))\n"
    }

    /// The text of the key file with a new highest version added.
    public static func rotatedFileText(_ text: String, source: String) throws(ParameterKeyError) -> (text: String, version: UInt32) {
        let keys = try parse(text, source: source)
        let version = keys.current + 1
        let separator = text.hasSuffix("\n") || text.isEmpty ? "" : "\n"
        return (text + separator + "\(version):\(base64(SymmetricKey(size: .bits256)))\n", version)
    }

    static func base64(_ key: SymmetricKey) -> String {
        key.withUnsafeBytes { Data($0).base64EncodedString() }
    }
}

/// Where the master keys are read from.
public enum MasterKeySource: Sendable, Equatable {
    /// A key file (mode 0600), created with a fresh key when missing and nothing sealed exists.
    case file(String)
    /// An environment variable holding the keys' text form.
    case environment(String)

    /// Loads the keys. `mayCreate`: whether a missing key file may be made (no SecureString
    /// value is stored, so no key can be lost).
    public func load(mayCreate: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ParameterKeyError) -> MasterKeys {
        switch self {
        case .environment(let name):
            guard let text = environment[name], !text.isEmpty else {
                throw ParameterKeyError("the environment variable \(name), named by parameters.key_env, is not set; it must hold the "
                                        + "Parameter Store master keys (1:<32 random bytes in base64>)")
            }
            return try MasterKeys.parse(text, source: "the environment variable \(name)")
        case .file(let path):
            let what = "the Parameter Store key file"
            while true {
                if let bytes = try mapped({ () throws(OwnerOnlyFileError) in try OwnerOnlyFile.read(path: path, what: what, maximumSize: 64 * 1024) }) {
                    return try MasterKeys.parse(String(decoding: bytes, as: UTF8.self), source: "\(what) \(path)")
                }
                guard mayCreate else {
                    throw ParameterKeyError("\(what) \(path) is missing, but the database holds SecureString values sealed with "
                                            + "its keys; restore the file (mode 0600). A new key would leave every stored "
                                            + "SecureString unreadable")
                }
                let text = MasterKeys.newFileText()
                if try mapped({ () throws(OwnerOnlyFileError) in try OwnerOnlyFile.create(path: path, what: what, contents: Array(text.utf8)) }) {
                    return try MasterKeys.parse(text, source: "\(what) \(path)")
                }
            }
        }
    }

    /// Adds a new highest master key version to the key file (written beside it, 0600, then
    /// renamed over it, so the file is never half-written). Returns the new version. Keys from
    /// an environment variable are rotated by whoever sets it.
    public func rotate() throws(ParameterKeyError) -> UInt32 {
        guard case .file(let path) = self else {
            throw ParameterKeyError("the master keys come from an environment variable (parameters.key_env): add a VERSION:KEY entry "
                                    + "with a higher version there (openssl rand -base64 32) and restart or reload the daemon")
        }
        let what = "the Parameter Store key file"
        guard let bytes = try mapped({ () throws(OwnerOnlyFileError) in try OwnerOnlyFile.read(path: path, what: what, maximumSize: 64 * 1024) }) else {
            throw ParameterKeyError("\(what) \(path) does not exist; the daemon makes it at its first start")
        }
        let (text, version) = try MasterKeys.rotatedFileText(String(decoding: bytes, as: UTF8.self), source: "\(what) \(path)")
        let temporary = path + ".rotating-\(getpid())"
        unlink(temporary)
        guard try mapped({ () throws(OwnerOnlyFileError) in try OwnerOnlyFile.create(path: temporary, what: what, contents: Array(text.utf8)) }) else {
            throw ParameterKeyError("cannot write \(temporary): it appeared while rotating; remove it and try again")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ParameterKeyError("cannot replace \(what) \(path): \(reason)")
        }
        return version
    }

    private func mapped<T>(_ body: () throws(OwnerOnlyFileError) -> T) throws(ParameterKeyError) -> T {
        do { return try body() } catch { throw ParameterKeyError(error.message) }
    }
}

/// The Parameter Store's keys cannot be loaded: what and how to fix it (a start-up error).
public struct ParameterKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
