/// An IPv4 or IPv6 address as a 128-bit number, for `cidr` matching.
///
/// Only literal forms are recognised, as EventBridge does: dotted-quad IPv4, and IPv6
/// in hexadecimal groups with at most one `::` (no embedded IPv4 tail, no zone).
struct IPAddress: Sendable, Equatable, Comparable {
    var high: UInt64
    var low: UInt64
    var isIPv6: Bool

    static func < (a: IPAddress, b: IPAddress) -> Bool {
        (a.high, a.low) < (b.high, b.low)
    }

    init(high: UInt64, low: UInt64, isIPv6: Bool) {
        self.high = high
        self.low = low
        self.isIPv6 = isIPv6
    }

    init?(_ text: String) {
        let parsed: IPAddress? = withUTF8Bytes(text) { IPAddress.parse($0) }
        guard let parsed else { return nil }
        self = parsed
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        guard !bytes.isEmpty, bytes.count <= 45 else { return nil }
        if bytes.contains(UInt8(ascii: ":")) { return parseIPv6(bytes) }
        return parseIPv4(bytes)
    }

    private static func parseIPv4(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        var value: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var parts = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0 else { return nil }
                value = value << 8 | part
                parts += 1
                part = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
                part = part * 10 + UInt32(byte - UInt8(ascii: "0"))
                guard digits <= 3, part <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        value = value << 8 | part
        return IPAddress(high: 0, low: UInt64(value), isIPv6: false)
    }

    private static func parseIPv6(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        var index = 0
        let count = bytes.count
        if count >= 2 && bytes[0] == UInt8(ascii: ":") && bytes[1] == UInt8(ascii: ":") {
            sawGap = true
            index = 2
            if index == count { return IPAddress(high: 0, low: 0, isIPv6: true) }
        } else if bytes[0] == UInt8(ascii: ":") {
            return nil
        }
        while index < count {
            var group: UInt32 = 0
            var digits = 0
            while index < count, let digit = hexValue(bytes[index]) {
                group = group << 4 | UInt32(digit)
                digits += 1
                index += 1
                guard digits <= 4 else { return nil }
            }
            guard digits > 0 else { return nil }
            if sawGap { tail.append(UInt16(group)) } else { head.append(UInt16(group)) }
            if index == count { break }
            guard bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            if index < count && bytes[index] == UInt8(ascii: ":") {
                guard !sawGap else { return nil }
                sawGap = true
                index += 1
                if index == count { break }
            } else if index == count {
                return nil
            }
        }
        let groups: [UInt16]
        if sawGap {
            guard head.count + tail.count <= 7 else { return nil }
            groups = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { return nil }
            groups = head
        }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for position in 0..<4 { high = high << 16 | UInt64(groups[position]) }
        for position in 4..<8 { low = low << 16 | UInt64(groups[position]) }
        return IPAddress(high: high, low: low, isIPv6: true)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A `cidr` pattern: the addresses from the one written up to the last one sharing its
/// network bits (EventBridge does not clear host bits that are written).
struct IPRange: Sendable, Equatable {
    let lowest: IPAddress
    let highest: IPAddress

    func contains(_ address: IPAddress) -> Bool {
        address.isIPv6 == lowest.isIPv6 && lowest <= address && address <= highest
    }

    /// Parses `address/bits`, or returns EventBridge's reason for refusing it.
    static func parse(_ text: String) -> Result<IPRange, ReasonError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        // Java's split drops trailing empty parts, so "10.0.0.0/" has one part there too.
        let significant = parts.last == "" ? parts.dropLast() : parts[...]
        guard significant.count == 2 else { return .failure(ReasonError("Malformed CIDR, one '/' required")) }
        guard let bits = Int(significant.last!) else {
            return .failure(ReasonError("Malformed CIDR, mask bits must be an integer"))
        }
        guard bits >= 0 else { return .failure(ReasonError("Malformed CIDR, mask bits must not be negative")) }
        let addressText = String(significant.first!)
        guard let address = IPAddress(addressText) else {
            let looksLikeIP = addressText.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
                    || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
            }
            return .failure(ReasonError(looksLikeIP ? "Invalid IP address: \(addressText)" : "Nonstandard IP address: \(addressText)"))
        }
        if address.isIPv6 {
            guard bits < 128 else { return .failure(ReasonError("IPv6 mask bits must be < 128")) }
            let hostBits = 128 - bits
            let lowMask: UInt64 = hostBits >= 64 ? .max : (hostBits == 0 ? 0 : (1 << UInt64(hostBits)) - 1)
            let highMask: UInt64 = hostBits <= 64 ? 0 : (hostBits - 64 >= 64 ? .max : (1 << UInt64(hostBits - 64)) - 1)
            let top = IPAddress(high: address.high | highMask, low: address.low | lowMask, isIPv6: true)
            return .success(IPRange(lowest: address, highest: top))
        }
        guard bits < 32 else { return .failure(ReasonError("IPv4 mask bits must be < 32")) }
        let mask: UInt64 = (1 << UInt64(32 - bits)) - 1
        return .success(IPRange(lowest: address, highest: IPAddress(high: 0, low: address.low | mask, isIPv6: false)))
    }
}
