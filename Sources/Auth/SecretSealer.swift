import Crypto
import Foundation
import KeyFiles

/// Seals secrets with AES-GCM under the key file's key. The access key id is authenticated
/// with each secret, so a sealed secret copied onto another row does not open.
struct SecretSealer: Sendable {
    private let shared: SharedKey

    init(key: SymmetricKey) {
        shared = SharedKey(key: key)
    }

    private var key: SymmetricKey { shared.key }

    /// Nonce, ciphertext and tag in one blob.
    func seal(_ secret: String, accessKeyId: String) throws -> Data {
        let box = try AES.GCM.seal(Array(secret.utf8), using: key, authenticating: Array(accessKeyId.utf8))
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return combined
    }

    /// The secret, or `nil` when the blob was not sealed under this key for this id.
    func open(_ sealed: Data, accessKeyId: String) -> String? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
              let secret = try? AES.GCM.open(box, using: key, authenticating: Array(accessKeyId.utf8)) else { return nil }
        return String(decoding: secret, as: UTF8.self)
    }
}
