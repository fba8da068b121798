public import Foundation
public import Store
import Synchronization

/// The Parameter Store: AWS's semantics (names, types, tiers, versions, labels, policies,
/// SecureString envelope encryption) over the daemon's database. Every change is one write
/// transaction with its events, so concurrent writers never lose an update and every change
/// is on the bus exactly when it is in the database.
///
/// Errors the caller made are `ParameterError`s; anything else thrown is a fault.
public final class ParameterStore: Sendable {
    public let database: SchedulerDatabase
    public let region: String
    public let account: String
    let events: any ParameterEventSink
    private let keyRingBox: Mutex<ParameterKeyRing>
    /// Latest versions of recently read parameters; every change here invalidates its key.
    let cache = LatestVersionCache()

    /// AWS keeps the 100 newest versions.
    public static let maximumVersions = 100
    /// At most 50 tags on a parameter.
    public static let maximumTags = 50

    public init(database: SchedulerDatabase, keyRing: ParameterKeyRing, events: any ParameterEventSink, region: String, account: String) {
        self.database = database
        self.region = region
        self.account = account
        self.events = events
        keyRingBox = Mutex(keyRing)
    }

    /// The keys in force.
    public var keyRing: ParameterKeyRing { keyRingBox.withLock { $0 } }

    /// Puts new keys in force (a reload, a rotated key file). Values sealed under master key
    /// versions still in the new ring keep opening; they move to the newest as they are read.
    public func replaceKeyRing(_ keyRing: ParameterKeyRing) {
        keyRingBox.withLock { $0 = keyRing }
    }

    func arn(_ name: String) -> String { ParameterName.arn(name, region: region, account: account) }

    /// The value context a SecureString envelope is bound to.
    static func context(key: String, version: Int) -> String { "\(key)\u{0}\(version)" }

    /// Records `events` for a change inside its transaction.
    func outbox(_ events: [ParameterEvent], now: Date) throws -> [SchedulerDatabase.OutboxRows] {
        try events.map { try self.events.outbox(for: $0, now: now) }
    }

    // MARK: PutParameter

    /// Creates a parameter or, with `overwrite`, writes its next version. Returns the version
    /// written and the tier the parameter is now in.
    public func put(_ request: PutParameterRequest, user: String, now: Date) throws -> (version: Int, tier: ParameterTier) {
        let name = try ParameterName.validated(request.name, region: region, account: account)
        let key = ParameterName.key(name)
        if request.overwrite, let tags = request.tags, !tags.isEmpty {
            throw ParameterError.validation("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, "
                                            + "please remove overwrite flag. To update tags for an existing parameter, please use "
                                            + "AddTagsToResource or RemoveTagsFromResource.")
        }
        if request.value.isEmpty {
            throw ParameterError.validation(member: "Value", value: "", constraint: "Member must have length greater than or equal to 1")
        }
        if let open = request.value.range(of: "{{"), request.value[open.upperBound...].contains("}}") {
            throw ParameterError.validation(#"Parameter value can't nest another parameter. Do not use "{{}}" in the value."#)
        }
        let dataType = try request.dataType.map { text throws(ParameterError) in try ParameterDataType.parse(text) }
        let pattern = try request.allowedPattern.flatMap { text throws(ParameterError) -> AllowedPattern? in
            text.isEmpty ? nil : try AllowedPattern(text)
        }
        let policies = try request.policies.map { text throws(ParameterError) in try ParameterPolicy.parseList(text, now: now) }
        let keyRing = self.keyRing
        if let keyId = request.keyId, request.type == nil || request.type == .secureString, keyRing.resolve(keyId) == nil {
            throw ParameterError.invalidKeyId("The KMS key \(keyId) is not known to schedulerd: use alias/aws/ssm or a key under "
                                              + "parameters.keys in the configuration.")
        }
        let tags = try Self.checkedTags(request.tags ?? [])
        let write = try database.putParameter(key: key, name: name) { snapshot, countInTier in
            try decide(request, key: key, name: name, snapshot: snapshot, countInTier: countInTier, dataType: dataType, pattern: pattern,
                       policies: policies, tags: tags, keyRing: keyRing, user: user, now: now)
        }
        cache.invalidate(key)
        events.committed(write.outbox)
        return (write.version.version, ParameterTier(rawValue: write.tier) ?? .standard)
    }

    private func decide(_ request: PutParameterRequest, key: String, name: String, snapshot: SchedulerDatabase.ParameterSnapshot?,
                        countInTier: (String) throws -> Int, dataType: ParameterDataType?, pattern: AllowedPattern?,
                        policies: [ParameterPolicy]?, tags: [ParameterTag], keyRing: ParameterKeyRing, user: String,
                        now: Date) throws -> SchedulerDatabase.ParameterWrite {
        let current = snapshot?.latest
        if snapshot != nil, !request.overwrite { throw ParameterError.alreadyExists }
        guard let type = request.type ?? current.flatMap({ ParameterType(rawValue: $0.type) }) else {
            throw ParameterError.validation("A parameter type is required when you create a parameter.")
        }
        if let current, current.type != type.rawValue { throw ParameterError.typeMismatch }
        let description = request.description ?? current?.description
        if let description, description.count > 1024 {
            throw ParameterError.validation(member: "Description", value: nil, constraint: "Member must have length less than or equal to 1024")
        }
        let allowedPattern = request.allowedPattern != nil ? pattern : try current?.allowedPattern.map { text throws(ParameterError) in try AllowedPattern(text) }
        try allowedPattern?.check(request.value)
        let dataType = dataType ?? current.flatMap { ParameterDataType(rawValue: $0.dataType) } ?? .text
        try dataType.check(request.value, type: type)

        // Policies: new ones replace all; none given keeps the current ones, a change restarting
        // the count of NoChangeNotification.
        var states: [PolicyState]
        if let policies {
            states = policies.map { PolicyState(text: $0.text, type: $0.type, status: PolicyState.pending) }
        } else {
            states = PolicyState.list(json: current?.policies ?? "[]").map { state in
                var state = state
                if state.type == "NoChangeNotification" { state.status = PolicyState.pending }
                return state
            }
        }

        let tier = try tier(request.tier, current: snapshot?.parameter.tier, value: request.value, hasPolicies: !states.isEmpty,
                            creating: snapshot == nil, countInTier: countInTier)
        if snapshot == nil, try countInTier(tier.rawValue) >= tier.maximumCount {
            throw ParameterError("ParameterLimitExceeded",
                                 "You have exceeded the number of parameters for this AWS account. Delete one or more parameters and try again.")
        }

        let version = (snapshot?.parameter.latestVersion ?? 0) + 1
        var dropOldest = false
        if let snapshot, snapshot.versionCount >= Self.maximumVersions {
            if snapshot.oldestIsLabelled {
                throw ParameterError("ParameterMaxVersionLimitExceeded",
                                     "You attempted to create a new version of \(snapshot.parameter.name) by calling the PutParameter API with "
                                     + "the overwrite flag. Version \(snapshot.oldestVersion), the oldest version, can't be deleted because it "
                                     + "has a label associated with it. Move the label to another version of the parameter, and try again.")
            }
            dropOldest = true
        }

        var value: String? = request.value
        var ciphertext: Data?
        var keyId: String?
        if type == .secureString {
            let requested = request.keyId ?? current?.keyId ?? ParameterKeyRing.defaultKeyId
            guard let canonical = keyRing.resolve(requested) else {
                throw ParameterError.invalidKeyId("The KMS key \(requested) is not known to schedulerd: use alias/aws/ssm or a key under "
                                                  + "parameters.keys in the configuration.")
            }
            keyId = requested
            ciphertext = Data(try keyRing.seal(request.value, keyId: canonical, context: Self.context(key: key, version: version)))
            value = nil
        }
        let record = ParameterVersionRecord(
            key: key, version: version, type: type.rawValue, value: value, ciphertext: ciphertext, keyId: keyId,
            description: description, allowedPattern: allowedPattern?.text, dataType: dataType.rawValue, tier: tier.rawValue,
            policies: PolicyState.json(states), modifiedAt: now.timeIntervalSince1970, modifiedBy: user)
        let displayName = snapshot?.parameter.name ?? name
        let event = ParameterEvent.change(operation: snapshot == nil ? "Create" : "Update", name: displayName, type: type.rawValue,
                                          description: description, dataType: dataType.rawValue, arn: arn(displayName), time: now,
                                          dedupeKey: "parameter:\(key):\(version):\(UUID().uuidString)")
        return SchedulerDatabase.ParameterWrite(
            version: record, tier: tier.rawValue, nextPolicyAt: PolicySchedule.next(states, modified: now)?.timeIntervalSince1970,
            tags: snapshot == nil ? tags.map { ParameterTagRecord(key: key, tagKey: $0.key, tagValue: $0.value) } : [],
            dropOldest: dropOldest, outbox: try outbox([event], now: now))
    }

    /// The tier a version goes into: the one asked for, or the current one; Intelligent-Tiering
    /// picks Advanced only when the value, the policies or the Standard count need it. Advanced
    /// never goes back to Standard.
    private func tier(_ requested: ParameterTier?, current: String?, value: String, hasPolicies: Bool, creating: Bool,
                      countInTier: (String) throws -> Int) throws -> ParameterTier {
        let currentTier = current.flatMap(ParameterTier.init(rawValue:))
        var tier = requested ?? currentTier ?? .standard
        let bytes = value.utf8.count
        if tier == .intelligentTiering {
            let full = try creating ? countInTier(ParameterTier.standard.rawValue) >= ParameterTier.standard.maximumCount : false
            tier = currentTier == .advanced || bytes > ParameterTier.standard.maximumValueBytes || hasPolicies || full ? .advanced : .standard
        }
        if tier == .standard, currentTier == .advanced {
            throw ParameterError.validation("This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the "
                                            + "advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the "
                                            + "advanced parameter and recreate it as a standard parameter.")
        }
        if tier == .standard, bytes > ParameterTier.standard.maximumValueBytes {
            throw ParameterError.validation("Standard tier parameters support a maximum parameter value of 4096 characters. To create a "
                                            + "larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more "
                                            + "information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html")
        }
        if bytes > ParameterTier.advanced.maximumValueBytes {
            throw ParameterError.validation(member: "Value", value: nil, constraint: "Member must have length less than or equal to 8192")
        }
        if tier == .standard, hasPolicies {
            throw ParameterError.validation("Parameter policies are supported only for the advanced-parameter tier; put the parameter with "
                                            + "Tier Advanced (or Intelligent-Tiering) to use policies.")
        }
        return tier
    }

    /// Tags as AWS checks them: keys 1 to 128 and values up to 256 characters of letters,
    /// digits, spaces and `_.:/=+-@`, at most 50, keys unique (the last value wins).
    static func checkedTags(_ tags: [ParameterTag]) throws(ParameterError) -> [ParameterTag] {
        var byKey: [String: ParameterTag] = [:]
        var order: [String] = []
        for tag in tags {
            if tag.key.isEmpty || tag.key.count > 128 {
                throw ParameterError.validation(member: "Tags.Key", value: tag.key, constraint: "Member must have length between 1 and 128")
            }
            if tag.value.count > 256 {
                throw ParameterError.validation(member: "Tags.Value", value: nil, constraint: "Member must have length less than or equal to 256")
            }
            for text in [tag.key, tag.value] where !text.unicodeScalars.allSatisfy(isTagScalar) {
                throw ParameterError.validation(member: text == tag.key ? "Tags.Key" : "Tags.Value", value: text,
                                                constraint: #"Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"#)
            }
            if byKey[tag.key] == nil { order.append(tag.key) }
            byKey[tag.key] = tag
        }
        if order.count > maximumTags {
            throw ParameterError("TooManyTagsError", "A parameter can have at most \(maximumTags) tags; the request would give it \(order.count).")
        }
        return order.compactMap { byKey[$0] }
    }

    static func isTagScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .spaceSeparator, .lineSeparator, .paragraphSeparator, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return "_.:/=+-@".unicodeScalars.contains(scalar)
        }
    }
}
