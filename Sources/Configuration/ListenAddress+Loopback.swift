#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

extension ListenAddress {
    /// Whether the address only accepts connections from this machine: `localhost`, an IPv4
    /// address in 127.0.0.0/8, `::1`, or `::ffff:127.x.y.z`. `0.0.0.0`, `::` and every other
    /// address or host name face the network.
    ///
    /// `auth: none` is allowed only on such an address; `serve --listen` overrides are
    /// re-checked with this.
    public var isLoopback: Bool {
        if host.lowercased() == "localhost" { return true }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            return withUnsafeBytes(of: &ipv4) { $0[0] == 127 }
        }
        var ipv6 = in6_addr()
        guard !host.contains("%"), inet_pton(AF_INET6, host, &ipv6) == 1 else { return false }
        return withUnsafeBytes(of: &ipv6) { bytes in
            let loopback = bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1
            let mappedLoopback = bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
                && bytes[12] == 127
            return loopback || mappedLoopback
        }
    }
}
