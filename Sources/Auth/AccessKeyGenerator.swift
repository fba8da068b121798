/// New access key pairs, shaped as AWS's: `AKIA` and 16 characters of `[A-Z2-7]` for the id,
/// 40 characters of `[A-Za-z0-9/+]` for the secret, from the system's secure generator.
enum AccessKeyGenerator {
    private static let idAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    private static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+".utf8)

    static func accessKeyId() -> String {
        "AKIA" + random(16, from: idAlphabet)
    }

    static func secretAccessKey() -> String {
        random(40, from: secretAlphabet)
    }

    /// Both alphabets have a power-of-two size, so every character is equally likely.
    private static func random(_ count: Int, from alphabet: [UInt8]) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for _ in 0..<count {
            bytes.append(alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
