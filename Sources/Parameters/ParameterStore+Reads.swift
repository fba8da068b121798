import Foundation
import Store

/// The read operations: GetParameter(s), GetParametersByPath, GetParameterHistory,
/// DescribeParameters.
extension ParameterStore {
    /// GetParameter: the latest version, or the one a `name:version` / `name:label` selector names.
    public func get(_ text: String, decrypt: Bool) throws -> ParameterView {
        guard let reference = ParameterReference(text, region: region, account: account) else { throw ParameterError.notFound }
        return try view(reference, decrypt: decrypt)
    }

    func view(_ reference: ParameterReference, decrypt: Bool) throws -> ParameterView {
        var version: Int?
        var label: String?
        switch reference.selector {
        case .latest: break
        case .version(let number): version = number
        case .label(let text): label = text
        }
        if reference.selector == .latest {
            let (cached, token) = cache.lookup(reference.key)
            if let cached { return try view(cached.parameter, cached.latest, selector: nil, labels: [], decrypt: decrypt) }
            guard let (parameter, latest) = try database.parameter(key: reference.key) else { throw ParameterError.notFound }
            cache.store(reference.key, (parameter, latest), token: token)
            return try view(parameter, latest, selector: nil, labels: [], decrypt: decrypt)
        }
        guard let (parameter, record) = try database.parameterVersion(key: reference.key, version: version, label: label) else {
            throw ParameterError.notFound
        }
        guard let record else {
            throw ParameterError.versionNotFound(reference.name, version.map(String.init) ?? label ?? "")
        }
        return try view(parameter, record, selector: reference.selector.text, labels: [], decrypt: decrypt)
    }

    /// GetParameters: the parameters found, and the names that name none (or no such version).
    public func get(names: [String], decrypt: Bool) throws -> (found: [ParameterView], invalid: [String]) {
        var found: [ParameterView] = []
        var invalid: [String] = []
        var seen = Set<String>()
        for name in names where seen.insert(name).inserted {
            guard let reference = ParameterReference(name, region: region, account: account) else {
                invalid.append(name)
                continue
            }
            do {
                found.append(try view(reference, decrypt: decrypt))
            } catch let error as ParameterError where error.code == "ParameterNotFound" || error.code == "ParameterVersionNotFound" {
                invalid.append(name)
            }
        }
        return (found, invalid)
    }

    /// GetParametersByPath: up to `limit` parameters under `path` after the cursor (a key),
    /// with the cursor to continue from when more may follow.
    public func byPath(_ rawPath: String, recursive: Bool, filters: [ParameterFilter], decrypt: Bool, limit: Int,
                       after: String?) throws -> (views: [ParameterView], next: String?) {
        let path = try ParameterName.validatedPath(rawPath)
        let filterSet = try ParameterFilterSet(filters, for: .byPath)
        let prefix = path == "/" ? nil : ParameterName.key(path) + "/"
        var cursor = after
        var views: [ParameterView] = []
        while true {
            let page = try database.parameterPage(after: cursor, keyPrefix: prefix, limit: 100)
            for (parameter, latest) in page {
                if views.count == limit { return (views, cursor) }
                cursor = parameter.key
                guard ParameterName.name(parameter.name, isUnder: path, recursive: recursive) else { continue }
                var record = latest
                var selector: String?
                if let labels = filterSet.labels {
                    // The version carrying one of the labels.
                    guard let label = try database.parameterLabels(key: parameter.key).first(where: { labels.contains($0.label) }),
                          let (_, labelled) = try database.parameterVersion(key: parameter.key, version: label.version, label: nil),
                          let labelled else { continue }
                    record = labelled
                    selector = ":\(label.label)"
                }
                guard filterSet.admits(record, name: parameter.name, tags: { [] }) else { continue }
                views.append(try view(parameter, record, selector: selector, labels: [], decrypt: decrypt))
            }
            if page.count < 100 { return (views, nil) }
        }
    }

    /// GetParameterHistory: versions oldest first after `after`, with their labels.
    public func history(_ text: String, decrypt: Bool, limit: Int, after: Int) throws -> (views: [ParameterView], next: Int?) {
        guard let reference = ParameterReference(text, region: region, account: account), reference.selector == .latest,
              let (parameter, _) = try database.parameter(key: reference.key) else { throw ParameterError.notFound }
        let records = try database.parameterVersions(key: parameter.key, after: after, limit: limit + 1)
        let labels = Dictionary(grouping: try database.parameterLabels(key: parameter.key), by: \.version)
        let page = records.prefix(limit)
        let views = try page.map { record in
            try view(parameter, record, selector: nil, labels: (labels[record.version] ?? []).map(\.label).sorted(), decrypt: decrypt)
        }
        return (views, records.count > limit ? page.last?.version : nil)
    }

    /// DescribeParameters: metadata of the latest versions, filtered, after the cursor (a key).
    public func describe(filters: [ParameterFilter], legacy: [ParameterFilter], limit: Int, after: String?) throws
        -> (views: [ParameterView], next: String?) {
        if !filters.isEmpty, !legacy.isEmpty {
            throw ParameterError.validation("You can use either Filters or ParameterFilters in a single request.")
        }
        let filterSet = legacy.isEmpty ? try ParameterFilterSet(filters, for: .describe) : try ParameterFilterSet(legacy: legacy)
        var cursor = after
        var views: [ParameterView] = []
        while true {
            let page = try database.parameterPage(after: cursor, keyPrefix: nil, limit: 100)
            for (parameter, latest) in page {
                if views.count == limit { return (views, cursor) }
                cursor = parameter.key
                let admitted = try filterSet.admits(latest, name: parameter.name) {
                    try self.database.parameterTags(key: parameter.key)?.map { ParameterTag(key: $0.tagKey, value: $0.tagValue) } ?? []
                }
                guard admitted else { continue }
                views.append(try view(parameter, latest, selector: nil, labels: [], decrypt: false))
            }
            if page.count < 100 { return (views, nil) }
        }
    }

    /// The view of one stored version; a SecureString is opened only when `decrypt` (and moved
    /// to the newest master key when it was sealed under an older one).
    func view(_ parameter: ParameterRecord, _ record: ParameterVersionRecord, selector: String?, labels: [String],
              decrypt: Bool) throws -> ParameterView {
        var value = record.value ?? ""
        if let ciphertext = record.ciphertext {
            value = decrypt ? try open(ciphertext, parameter: parameter, version: record.version) : ciphertext.base64EncodedString()
        }
        return ParameterView(
            name: parameter.name, type: record.type, value: value, version: record.version, selector: selector,
            modified: Date(timeIntervalSince1970: record.modifiedAt), modifiedBy: record.modifiedBy, arn: arn(parameter.name),
            dataType: record.dataType, keyId: record.keyId, description: record.description, allowedPattern: record.allowedPattern,
            labels: labels, tier: record.tier, policies: PolicyState.list(json: record.policies))
    }

    func open(_ ciphertext: Data, parameter: ParameterRecord, version: Int) throws -> String {
        let context = Self.context(key: parameter.key, version: version)
        let opened = try keyRing.open(Array(ciphertext), context: context, label: "parameter \(parameter.name) version \(version)")
        if let resealed = opened.resealed {
            // Lazy re-encryption after a master key rotation: only if nobody changed it meanwhile.
            if try database.replaceCiphertext(key: parameter.key, version: version, old: ciphertext, new: Data(resealed)) {
                cache.invalidate(parameter.key)
            }
        }
        return opened.plaintext
    }
}
