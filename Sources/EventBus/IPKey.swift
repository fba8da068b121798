/// IP addresses in one total order: all IPv4 before all IPv6.
struct IPKey: Comparable, BitwiseCopyable, Sendable {
    var family: UInt8
    var high: UInt64
    var low: UInt64

    init(_ address: IPAddress) {
        family = address.isIPv6 ? 1 : 0
        high = address.high
        low = address.low
    }

    static func < (a: IPKey, b: IPKey) -> Bool {
        (a.family, a.high, a.low) < (b.family, b.high, b.low)
    }
}
