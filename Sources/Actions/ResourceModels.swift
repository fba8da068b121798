import Foundation

/// A tag: key and value, as EC2 and RDS keep them (a missing value is the empty string).
public struct Tag: Sendable, Hashable, Codable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// One resource, named the way the services name them.
public enum ResourceID: Sendable, Hashable, CustomStringConvertible {
    /// An EC2 instance, by instance id (`i-0123456789abcdef0`).
    case instance(String)
    /// An RDS DB instance, by identifier (`orders-db`).
    case database(String)

    public var description: String {
        switch self {
        case .instance(let id): id
        case .database(let identifier): "db:\(identifier)"
        }
    }
}

/// A page of a listing and the opaque token for the next one (nil on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextToken: String?

    public init(items: [Item], nextToken: String?) {
        self.items = items
        self.nextToken = nextToken
    }
}

/// Which page of a listing: at most `size` items after `token` (all when `size` is nil).
public struct PageRequest: Sendable, Equatable {
    public var size: Int?
    public var token: String?

    public init(size: Int? = nil, token: String? = nil) {
        self.size = size
        self.token = token
    }

    /// Everything, in one page.
    public static let all = PageRequest()
}

/// A filter as EC2 takes them (`Name` and `Values`, values matched with `*` and `?`
/// wildcards) and RDS (`db-instance-id`, `engine`, …).
public struct ResourceFilter: Sendable, Equatable {
    public var name: String
    public var values: [String]

    public init(_ name: String, _ values: [String]) {
        self.name = name
        self.values = values
    }

    /// `tag:KEY` with the values given.
    public static func tag(_ key: String, _ values: String...) -> ResourceFilter {
        ResourceFilter("tag:\(key)", values)
    }
}
