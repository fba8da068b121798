/// A leaf value of the event as plain data: strings as bytes in `EventLeaves.bytes`,
/// numbers with their comparable (millionths) form worked out once.
struct Leaf: BitwiseCopyable {
    enum Kind: UInt8, BitwiseCopyable {
        case string, number, trueValue, falseValue, null
    }

    var kind: Kind
    var bytes: Span
    var number: Double
    var quantized: Int64
    var comparable: Bool
}
