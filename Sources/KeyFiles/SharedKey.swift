public import Crypto

/// A `SymmetricKey` that may cross threads.
///
/// swift-crypto 3 does not mark `SymmetricKey` `Sendable`. It is a struct holding one `let`
/// copy-on-write byte buffer that nothing mutates after the key is made, so sharing it
/// between threads is safe; this wrapper says so in one place.
public struct SharedKey: @unchecked Sendable {
    public let key: SymmetricKey

    public init(key: SymmetricKey) {
        self.key = key
    }
}
