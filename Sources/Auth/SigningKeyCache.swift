import Crypto
import Synchronization

/// Signing keys, derived once per (secret, date, region, service) and kept as HMACs already
/// keyed with them.
///
/// Deriving a key is four HMACs, and keying an HMAC hashes a padded block twice; a client
/// signs every request of a day with the same key, so keeping the keyed HMAC turns all of
/// that into one dictionary look-up and a copy. The cache is emptied when it holds more than
/// `capacity` keys, which only happens when many credentials sign on many days.
final class SigningKeyCache: Sendable {
    private struct Scope: Hashable {
        var secret: String
        var date: String
        var region: String
        var service: String
    }

    /// An `HMAC<SHA256>` already keyed, shared between threads.
    ///
    /// swift-crypto does not mark `HMAC` `Sendable`. Its state is two hash contexts held in
    /// copy-on-write boxes: `update` copies a box it does not hold uniquely before writing, and
    /// `finalize` does not write. The cached value is never updated, only copied out, so
    /// concurrent copies never see a box change under them.
    private struct KeyedMAC: @unchecked Sendable {
        let mac: HMAC<SHA256>
    }

    private let keys = Mutex<[Scope: KeyedMAC]>([:])
    private let capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// A fresh HMAC keyed with the signing key of this scope, ready for the string to sign.
    func authenticator(secret: String, date: String, region: String, service: String) -> HMAC<SHA256> {
        let scope = Scope(secret: secret, date: date, region: region, service: service)
        if let keyed = keys.withLock({ $0[scope] }) { return keyed.mac }
        let mac = HMAC<SHA256>(key: Self.derive(secret: secret, date: date, region: region, service: service))
        keys.withLock { keys in
            if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
            keys[scope] = KeyedMAC(mac: mac)
        }
        return mac
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    static func derive(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }
}
