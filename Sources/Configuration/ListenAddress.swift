/// Where the daemon accepts API connections: a host (name, IPv4 or IPv6 address) and a TCP port.
///
/// Written `HOST:PORT`, with an IPv6 address in brackets: `127.0.0.1:8750`, `localhost:8750`,
/// `[::1]:8750`. Port 0 asks the system for any free port, which tests use to run several
/// daemons side by side.
public struct ListenAddress: Sendable, Hashable, LosslessStringConvertible {
    /// The host name or address, without brackets.
    public var host: String
    /// The TCP port, 0 to 65535.
    public var port: Int

    /// Creates an address from its parts. `port` must be 0 to 65535.
    public init(host: String, port: Int) {
        precondition((0...65_535).contains(port), "a TCP port is 0 to 65535, not \(port)")
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` (`[IPv6]:PORT`); `nil` when the text is not an address.
    /// `schedulerd serve --listen` uses this, so the flag and the file accept the same text.
    public init?(_ description: String) {
        guard let address = try? Self.parse(description) else { return nil }
        self = address
    }

    /// `HOST:PORT`, with an IPv6 host in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    static func parse(_ text: String) throws(ValueProblem) -> ListenAddress {
        let example = "write HOST:PORT, such as 127.0.0.1:8750, localhost:8750 or [::1]:8750"
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ValueProblem("'\(text)' opens '[' without closing it; \(example)")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let afterHost = text[text.index(after: close)...]
            guard afterHost.hasPrefix(":") else {
                throw ValueProblem("'\(text)' has no port after the address; \(example)")
            }
            portText = afterHost.dropFirst()
            guard Self.isIPv6Literal(host) else {
                throw ValueProblem("'\(host)' in brackets is not an IPv6 address; \(example)")
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw ValueProblem("'\(text)' has no port; \(example)")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") {
                throw ValueProblem("'\(text)' looks like an IPv6 address; put it in brackets, like [::1]:8750 "
                                   + "(and quote the whole value in YAML)")
            }
            guard !host.isEmpty else {
                throw ValueProblem("'\(text)' has no host; use 0.0.0.0 for every IPv4 address or [::] for every "
                                   + "IPv6 address")
            }
            guard host.allSatisfy(Self.isHostNameCharacter) else {
                throw ValueProblem("'\(host)' is not a host name or an IP address; \(example)")
            }
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), port <= 65_535 else {
            throw ValueProblem("'\(portText)' is not a TCP port (0 to 65535); \(example)")
        }
        return ListenAddress(host: String(host), port: port)
    }

    private static func isHostNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "."
                              || character == "_")
    }

    /// Hex digits and colons, dots for an embedded IPv4 address, then an optional `%zone`
    /// for a link-local address (`fe80::1%eth0`).
    private static func isIPv6Literal(_ host: Substring) -> Bool {
        let parts = host.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        let address = parts[0]
        guard address.contains(":"),
              address.allSatisfy({ ($0.isASCII && $0.isHexDigit) || $0 == ":" || $0 == "." }) else { return false }
        guard parts.count == 2 else { return true }
        return !parts[1].isEmpty && parts[1].allSatisfy(isHostNameCharacter)
    }
}
