/// What a read names: a parameter (by name or ARN) and, optionally, one of its versions
/// (`name:3`) or labels (`name:prod`).
public struct ParameterReference: Sendable, Equatable {
    public enum Selector: Sendable, Equatable {
        case latest
        case version(Int)
        case label(String)

        /// The `Selector` member of a response: `:3` or `:prod`.
        public var text: String? {
            switch self {
            case .latest: nil
            case .version(let number): ":\(number)"
            case .label(let label): ":\(label)"
            }
        }
    }

    /// The name as the request wrote it, without ARN prefix or selector.
    public let name: String
    public let selector: Selector

    public var key: String { ParameterName.key(name) }

    /// Parses `name`, `name:selector`, or `arn:aws:ssm:REGION:ACCOUNT:parameter/name[:selector]`.
    /// Returns nil for what can name no parameter (two selectors, an ARN of another account or
    /// region): a read reports it as not found.
    public init?(_ text: String, region: String, account: String) {
        var rest = ParameterName.trimmed(text)
        if rest.hasPrefix("arn:") {
            let prefix = "arn:aws:ssm:\(region):\(account):parameter/"
            guard rest.hasPrefix(prefix) else { return nil }
            rest = String(rest.dropFirst(prefix.count))
        }
        let parts = rest.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty, parts.count <= 2 else { return nil }
        name = String(first)
        if parts.count == 2 {
            let selector = String(parts[1])
            guard !selector.isEmpty else { return nil }
            if selector.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                guard let number = Int(selector) else { return nil }
                self.selector = .version(number)
            } else {
                self.selector = .label(selector)
            }
        } else {
            selector = .latest
        }
    }

    public init(name: String, selector: Selector = .latest) {
        self.name = name
        self.selector = selector
    }
}
