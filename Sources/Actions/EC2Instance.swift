public import Foundation

/// An EC2 instance state, with EC2's codes: 0 pending, 16 running, 32 shutting-down,
/// 48 terminated, 64 stopping, 80 stopped.
public enum InstanceStateName: String, Sendable, CaseIterable, Codable {
    case pending
    case running
    case shuttingDown = "shutting-down"
    case terminated
    case stopping
    case stopped

    /// EC2's `InstanceState.Code` (only the low byte is meaningful; the high byte is 0 here).
    public var code: Int {
        switch self {
        case .pending: 0
        case .running: 16
        case .shuttingDown: 32
        case .terminated: 48
        case .stopping: 64
        case .stopped: 80
        }
    }

    /// The state a transition from this one leads to, for the states that are transitions.
    public var settlesInto: InstanceStateName? {
        switch self {
        case .pending: .running
        case .stopping: .stopped
        case .shuttingDown: .terminated
        case .running, .stopped, .terminated: nil
        }
    }
}

/// A simulated EC2 instance, as DescribeInstances shows it.
public struct EC2Instance: Sendable, Equatable {
    public var id: String
    public var reservationId: String
    public var imageId: String
    public var instanceType: String
    public var availabilityZone: String
    public var privateIpAddress: String
    public var keyName: String?
    public var launchIndex: Int
    public var launchTime: Date
    public var state: InstanceStateName
    /// `StateTransitionReason`: empty, or "User initiated (2026-12-01 03:00:00 GMT)".
    public var stateTransitionReason: String
    /// `StateReason` (`Client.UserInitiatedShutdown` …) for stopped and terminated instances.
    public var stateReason: StateReason?
    public var tags: [Tag]
    public var clientToken: String?
    /// The transition in flight; `to` is nil for a terminated instance about to disappear.
    public var transition: ResourceTransition<InstanceStateName>?

    /// `ip-10-0-1-2.ec2.internal`, as AWS names private addresses in us-east-1.
    public var privateDnsName: String {
        "ip-" + String(privateIpAddress.map { $0 == "." ? "-" : $0 }) + ".ec2.internal"
    }

    /// The value of tag `key`, if the instance has it.
    public func tag(_ key: String) -> String? { tags.first { $0.key == key }?.value }
}

/// EC2's `StateReason`: why an instance stopped or terminated.
public struct StateReason: Sendable, Equatable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// `Client.UserInitiatedShutdown`, what a StopInstances or TerminateInstances call leaves.
    public static let userInitiatedShutdown = StateReason(code: "Client.UserInitiatedShutdown",
                                                          message: "Client.UserInitiatedShutdown: User initiated shutdown")
}

/// A transition in flight: the state it leads to (nil when the resource then disappears) and
/// when it is due (nil while a `hang` fault holds it).
public struct ResourceTransition<State: Sendable & Equatable>: Sendable, Equatable {
    public var to: State?
    public var at: Date?

    public init(to: State?, at: Date?) {
        self.to = to
        self.at = at
    }

    /// Whether a fault holds it: it will not complete until the fault is removed.
    public var isHung: Bool { at == nil }
}

/// One instance in a StartInstances, StopInstances or TerminateInstances answer.
public struct InstanceStateChange: Sendable, Equatable {
    public var instanceId: String
    public var previousState: InstanceStateName
    public var currentState: InstanceStateName

    public init(instanceId: String, previousState: InstanceStateName, currentState: InstanceStateName) {
        self.instanceId = instanceId
        self.previousState = previousState
        self.currentState = currentState
    }
}

/// Which instances a describe call is about: these ids (all must exist), and every filter
/// must match (`instance-state-name`, `tag:KEY`, `tag-key`, `instance-id`, …).
public struct InstanceQuery: Sendable, Equatable {
    public var ids: [String]?
    public var filters: [ResourceFilter]
    /// The action asking (DescribeInstances, or DescribeInstanceStatus, which reads the same
    /// instances): throttle faults aimed at an action apply to that action only, as on AWS.
    public var action: String

    public init(ids: [String]? = nil, filters: [ResourceFilter] = [], action: String = "DescribeInstances") {
        self.ids = ids
        self.filters = filters
        self.action = action
    }
}

/// What RunInstances asks for.
public struct RunInstancesRequest: Sendable, Equatable {
    public var imageId: String
    public var instanceType: String
    public var minCount: Int
    public var maxCount: Int
    public var availabilityZone: String?
    public var keyName: String?
    public var tags: [Tag]
    public var clientToken: String?

    public init(imageId: String = "ami-0abcdef1234567890", instanceType: String = "m1.small", minCount: Int = 1,
                maxCount: Int = 1, availabilityZone: String? = nil, keyName: String? = nil, tags: [Tag] = [],
                clientToken: String? = nil) {
        self.imageId = imageId
        self.instanceType = instanceType
        self.minCount = minCount
        self.maxCount = maxCount
        self.availabilityZone = availabilityZone
        self.keyName = keyName
        self.tags = tags
        self.clientToken = clientToken
    }
}

/// A tag as DescribeTags lists it.
public struct ResourceTag: Sendable, Equatable {
    public var resourceId: String
    /// `instance` here.
    public var resourceType: String
    public var key: String
    public var value: String
}

/// Which tags DeleteTags removes: a key, and optionally only when it has this value.
public struct TagSelector: Sendable, Equatable {
    public var key: String
    public var value: String?

    public init(key: String, value: String? = nil) {
        self.key = key
        self.value = value
    }
}
