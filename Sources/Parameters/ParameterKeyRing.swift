import Crypto
import Foundation
import KeyFiles

/// The KMS-like keys SecureString values are encrypted under, and envelope encryption with
/// them: each value gets its own random 256-bit data key (AES-256-GCM, random nonce, so the
/// same value sealed twice differs); the data key is sealed under a key derived from the
/// current master key and the KMS key id (HKDF-SHA256), so a value sealed for one key id
/// never opens under another.
///
/// Key ids as KMS names them: `alias/aws/ssm` (the default, AWS's managed key), and the keys
/// of the configuration by key id, key ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`), alias
/// (`alias/NAME`) or alias ARN.
public struct ParameterKeyRing: Sendable {
    public static let defaultKeyId = "alias/aws/ssm"

    /// A customer key from the configuration: its id and aliases.
    public struct CustomerKey: Sendable, Equatable {
        public let id: String
        public let aliases: [String]

        public init(id: String, aliases: [String]) {
            self.id = id
            self.aliases = aliases
        }
    }

    public let master: MasterKeys
    let region: String
    let account: String
    /// Every name a key answers to (id, alias, both ARN forms) → its canonical id.
    private let names: [String: String]
    /// Derived key per (canonical id, master version).
    private let derived: [String: [UInt32: SharedKey]]

    public init(master: MasterKeys, customerKeys: [CustomerKey], region: String, account: String) {
        self.master = master
        self.region = region
        self.account = account
        var names: [String: String] = [:]
        let arnPrefix = "arn:aws:kms:\(region):\(account):"
        names[Self.defaultKeyId] = Self.defaultKeyId
        names[arnPrefix + Self.defaultKeyId] = Self.defaultKeyId
        for key in customerKeys {
            names[key.id] = key.id
            names[arnPrefix + "key/" + key.id] = key.id
            for alias in key.aliases {
                names[alias] = key.id
                names[arnPrefix + alias] = key.id
            }
        }
        self.names = names
        var derived: [String: [UInt32: SharedKey]] = [:]
        for id in Set(names.values) {
            derived[id] = master.versions.mapValues { Self.derive(master: $0.key, keyId: id) }
        }
        self.derived = derived
    }

    static func derive(master: SymmetricKey, keyId: String) -> SharedKey {
        SharedKey(key: HKDF<SHA256>.deriveKey(inputKeyMaterial: master, salt: Array("schedulerd parameter store".utf8),
                                              info: Array(keyId.utf8), outputByteCount: 32))
    }

    /// The canonical id of a `KeyId` as a request writes it, or nil when no such key is configured.
    public func resolve(_ keyId: String) -> String? { names[keyId] }

    /// Every canonical key id (for `schedulerd` to list).
    public var keyIds: [String] { Set(names.values).sorted() }

    // MARK: Envelopes

    /// `"SP"`, format 1, master version (4 bytes), key id length (1 byte), key id, the sealed
    /// data key (nonce, 32 bytes, tag), the sealed value (nonce, value, tag).
    static let magic: [UInt8] = [0x53, 0x50, 0x01]
    static let sealedKeySize = 12 + 32 + 16

    /// Seals `plaintext` for `keyId` (canonical), bound to `context` (the parameter and version:
    /// a ciphertext copied onto another parameter or version does not open).
    public func seal(_ plaintext: String, keyId: String, context: String) throws -> [UInt8] {
        let version = master.current
        guard let keyEncryptionKey = derived[keyId]?[version]?.key else {
            preconditionFailure("seal is called with a resolved key id")
        }
        let header = Self.header(version: version, keyId: keyId)
        let dataKey = SymmetricKey(size: .bits256)
        let sealedKey = try dataKey.withUnsafeBytes { bytes in
            try AES.GCM.seal(Array(bytes), using: keyEncryptionKey, authenticating: header + [0] + Array(context.utf8))
        }
        let sealedValue = try AES.GCM.seal(Array(plaintext.utf8), using: dataKey, authenticating: Array(keyId.utf8) + [0] + Array(context.utf8))
        guard let keyBytes = sealedKey.combined, let valueBytes = sealedValue.combined else { throw CryptoKitError.incorrectParameterSize }
        return header + Array(keyBytes) + Array(valueBytes)
    }

    /// An opened envelope: the value, and the envelope sealed under the current master key when
    /// it was sealed under an older one (to store back: lazy re-encryption).
    public struct Opened: Sendable {
        public let plaintext: String
        public let resealed: [UInt8]?
    }

    /// Opens an envelope sealed by `seal` with the same `context`. `label` names the value in
    /// errors (`parameter /app/x version 3`).
    public func open(_ envelope: [UInt8], context: String, label: String) throws(ParameterError) -> Opened {
        let parts = try split(envelope, label: label)
        guard let byVersion = derived[parts.keyId] else {
            throw .invalidKeyId("The KMS key \(parts.keyId) that encrypted \(label) is not configured in schedulerd (parameters.keys); "
                                + "add it back to read the value.")
        }
        guard let keyEncryptionKey = byVersion[parts.version]?.key else {
            throw .invalidKeyId("Master key version \(parts.version), which encrypted \(label), is missing from \(master.source); "
                                + "restore it to read the value.")
        }
        let dataKeyBytes: Data
        let plaintext: Data
        do {
            dataKeyBytes = try AES.GCM.open(AES.GCM.SealedBox(combined: parts.sealedKey), using: keyEncryptionKey,
                                            authenticating: parts.header + [0] + Array(context.utf8))
            plaintext = try AES.GCM.open(AES.GCM.SealedBox(combined: parts.sealedValue), using: SymmetricKey(data: dataKeyBytes),
                                         authenticating: Array(parts.keyId.utf8) + [0] + Array(context.utf8))
        } catch {
            throw .internal("The stored ciphertext of \(label) failed authentication: it was altered or damaged, so its value "
                            + "is not returned. Put the value again to replace it.")
        }
        guard let text = String(validating: plaintext, as: UTF8.self) else {
            throw .internal("The stored value of \(label) is not UTF-8 text after decryption.")
        }
        var resealed: [UInt8]?
        if parts.version != master.current, let current = byVersion[master.current]?.key {
            // Only the data key is sealed again; the value's own ciphertext stays as it is.
            let header = Self.header(version: master.current, keyId: parts.keyId)
            if let box = try? AES.GCM.seal(dataKeyBytes, using: current, authenticating: header + [0] + Array(context.utf8)),
               let combined = box.combined {
                resealed = header + Array(combined) + parts.sealedValue
            }
        }
        return Opened(plaintext: text, resealed: resealed)
    }

    /// The canonical key id an envelope names, or nil when it is not an envelope.
    public static func keyId(of envelope: [UInt8]) -> String? {
        guard envelope.count > 8, Array(envelope.prefix(3)) == magic else { return nil }
        let length = Int(envelope[7])
        guard envelope.count >= 8 + length else { return nil }
        return String(decoding: envelope[8..<(8 + length)], as: UTF8.self)
    }

    static func header(version: UInt32, keyId: String) -> [UInt8] {
        let id = Array(keyId.utf8)
        precondition(id.count <= 255, "key ids are at most 256 characters and canonical ones shorter")
        return magic + [UInt8(version >> 24), UInt8(version >> 16 & 0xff), UInt8(version >> 8 & 0xff), UInt8(version & 0xff),
                        UInt8(id.count)] + id
    }

    private struct Parts {
        let header: [UInt8]
        let version: UInt32
        let keyId: String
        let sealedKey: [UInt8]
        let sealedValue: [UInt8]
    }

    private func split(_ envelope: [UInt8], label: String) throws(ParameterError) -> Parts {
        let damaged = ParameterError.internal("The stored ciphertext of \(label) is damaged (not a schedulerd envelope); "
                                              + "its value cannot be read. Put the value again to replace it.")
        guard envelope.count >= 8, Array(envelope.prefix(3)) == Self.magic else { throw damaged }
        let version = envelope[3...6].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let length = Int(envelope[7])
        let keyEnd = 8 + length
        guard envelope.count >= keyEnd + Self.sealedKeySize + 28 else { throw damaged }
        return Parts(header: Array(envelope[0..<keyEnd]), version: version,
                     keyId: String(decoding: envelope[8..<keyEnd], as: UTF8.self),
                     sealedKey: Array(envelope[keyEnd..<(keyEnd + Self.sealedKeySize)]),
                     sealedValue: Array(envelope[(keyEnd + Self.sealedKeySize)...]))
    }
}
