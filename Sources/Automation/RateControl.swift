/// `MaxConcurrency` and `MaxErrors` of a rate-controlled execution, and what they allow for a
/// given number of targets. Pure: the parent's runner asks it what to do.
public struct RateControl: Sendable, Equatable {
    /// A count, or a percentage of the targets.
    public enum Limit: Sendable, Equatable, CustomStringConvertible {
        case count(Int)
        case percent(Int)

        /// `10`, `10%`; nil when it is neither.
        public init?(_ text: String) {
            if text.hasSuffix("%") {
                guard let value = Int(text.dropLast()), (0...100).contains(value) else { return nil }
                self = .percent(value)
            } else {
                guard let value = Int(text), value >= 0 else { return nil }
                self = .count(value)
            }
        }

        public var description: String {
            switch self {
            case .count(let value): "\(value)"
            case .percent(let value): "\(value)%"
            }
        }

        /// The limit for `total` targets: a percentage rounds down.
        func resolve(_ total: Int) -> Int {
            switch self {
            case .count(let value): value
            case .percent(let value): total * value / 100
            }
        }
    }

    /// AWS's default `MaxConcurrency`.
    public static let defaultConcurrency = Limit.count(10)
    /// schedulerd's default `MaxErrors` when none is given: stop after the first error, as AWS does.
    public static let defaultErrors = Limit.count(0)

    public let concurrency: Limit
    public let errors: Limit

    public init(concurrency: Limit = RateControl.defaultConcurrency, errors: Limit = RateControl.defaultErrors) {
        self.concurrency = concurrency
        self.errors = errors
    }

    /// Children that may run at once for `total` targets: at least one.
    public func concurrent(of total: Int) -> Int { max(1, concurrency.resolve(total)) }

    /// Errors tolerated for `total` targets: no new child starts once there are more.
    public func toleratedErrors(of total: Int) -> Int { errors.resolve(total) }

    /// How many more children to start now.
    public func launches(total: Int, started: Int, running: Int, errors: Int) -> Int {
        guard errors <= toleratedErrors(of: total) else { return 0 }
        return max(0, min(total - started, concurrent(of: total) - running))
    }

    /// AWS's patterns: `^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$` and
    /// `^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$`.
    public static func validConcurrency(_ text: String) -> Bool {
        guard let limit = Limit(text) else { return false }
        return !text.hasPrefix("0") && { if case .percent(let p) = limit { p >= 1 } else { true } }()
    }

    public static func validErrors(_ text: String) -> Bool {
        guard Limit(text) != nil else { return false }
        return text == "0" || text == "0%" || !text.hasPrefix("0")
    }
}
