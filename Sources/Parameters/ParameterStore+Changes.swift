public import Foundation
import Store

/// DeleteParameter(s), LabelParameterVersion, UnlabelParameterVersion and the tag operations.
extension ParameterStore {
    /// DeleteParameter: removes every version, label and tag; `ParameterNotFound` when absent.
    public func delete(_ name: String, now: Date) throws {
        guard try deleteIfPresent(name, now: now) else { throw ParameterError.notFound }
    }

    /// DeleteParameters: the names deleted and the names that named nothing.
    public func delete(names: [String], now: Date) throws -> (deleted: [String], invalid: [String]) {
        var deleted: [String] = []
        var invalid: [String] = []
        for name in names {
            if try deleteIfPresent(name, now: now) { deleted.append(name) } else { invalid.append(name) }
        }
        return (deleted, invalid)
    }

    private func deleteIfPresent(_ name: String, now: Date) throws -> Bool {
        guard let reference = ParameterReference(name, region: region, account: account), reference.selector == .latest else { return false }
        var rows: [SchedulerDatabase.OutboxRows] = []
        let deleted = try database.deleteParameter(key: reference.key) { parameter, latest in
            let event = ParameterEvent.change(operation: "Delete", name: parameter.name, type: latest.type, description: latest.description,
                                              dataType: latest.dataType, arn: arn(parameter.name), time: now,
                                              dedupeKey: "parameter:\(parameter.key):delete:\(UUID().uuidString)")
            rows = try outbox([event], now: now)
            return rows
        }
        cache.invalidate(reference.key)
        events.committed(rows)
        return deleted != nil
    }

    /// LabelParameterVersion: puts the valid labels on the version (latest when nil), moving
    /// them from other versions; returns the labels refused by AWS's rules and the version.
    public func label(_ name: String, version: Int?, labels: [String], now: Date) throws -> (invalid: [String], version: Int) {
        try ParameterLabel.checkRequest(labels)
        guard let reference = ParameterReference(name, region: region, account: account), reference.selector == .latest else {
            throw ParameterError.notFound(name)
        }
        var rows: [SchedulerDatabase.OutboxRows] = []
        let result = try database.changeParameterLabels(key: reference.key) { context throws -> (SchedulerDatabase.LabelChange, (invalid: [String], version: Int)) in
            let number = version ?? context.latest.version
            guard let record = try context.version(number) else {
                throw ParameterError.versionNotFound(context.parameter.name, String(number))
            }
            let valid = labels.filter(ParameterLabel.isValid)
            let invalid = labels.filter { !ParameterLabel.isValid($0) }
            let onVersion = Set(context.labels.filter { $0.version == number }.map(\.label))
            if onVersion.union(valid).count > ParameterLabel.maximumPerVersion { throw ParameterLabel.limitExceeded }
            var change = SchedulerDatabase.LabelChange(set: valid.map { ParameterLabelRecord(key: context.parameter.key, label: $0, version: number) },
                                                       remove: [], outbox: [])
            if !valid.isEmpty {
                let event = ParameterEvent.change(
                    operation: "LabelParameterVersion", name: context.parameter.name, type: record.type, description: record.description,
                    dataType: record.dataType, labels: (number, onVersion.union(valid).sorted()), arn: arn(context.parameter.name),
                    time: now, dedupeKey: "parameter:\(context.parameter.key):label:\(UUID().uuidString)")
                change.outbox = try outbox([event], now: now)
                rows = change.outbox
            }
            return (change, (invalid, number))
        }
        guard let result else { throw ParameterError.notFound(name) }
        events.committed(rows)
        return result
    }

    /// UnlabelParameterVersion: removes the labels that are on the version; the others come
    /// back as invalid.
    public func unlabel(_ name: String, version: Int, labels: [String], now: Date) throws -> (removed: [String], invalid: [String]) {
        try ParameterLabel.checkRequest(labels)
        guard let reference = ParameterReference(name, region: region, account: account), reference.selector == .latest else {
            throw ParameterError.notFound(name)
        }
        var rows: [SchedulerDatabase.OutboxRows] = []
        let result = try database.changeParameterLabels(key: reference.key) { context throws -> (SchedulerDatabase.LabelChange, (removed: [String], invalid: [String])) in
            guard let record = try context.version(version) else {
                throw ParameterError.versionNotFound(context.parameter.name, String(version))
            }
            let onVersion = Set(context.labels.filter { $0.version == version }.map(\.label))
            let removed = labels.filter(onVersion.contains)
            let invalid = labels.filter { !onVersion.contains($0) }
            var change = SchedulerDatabase.LabelChange(set: [], remove: removed, outbox: [])
            if !removed.isEmpty {
                let event = ParameterEvent.change(
                    operation: "UnlabelParameterVersion", name: context.parameter.name, type: record.type, description: record.description,
                    dataType: record.dataType, labels: (version, onVersion.subtracting(removed).sorted()), arn: arn(context.parameter.name),
                    time: now, dedupeKey: "parameter:\(context.parameter.key):unlabel:\(UUID().uuidString)")
                change.outbox = try outbox([event], now: now)
                rows = change.outbox
            }
            return (change, (removed, invalid))
        }
        guard let result else { throw ParameterError.notFound(name) }
        events.committed(rows)
        return result
    }

    // MARK: Tags

    /// The tags of the parameter named `name` (either form).
    public func tags(_ name: String) throws -> [ParameterTag] {
        guard let tags = try database.parameterTags(key: ParameterName.key(ParameterName.trimmed(name))) else { throw Self.invalidResource(name) }
        return tags.map { ParameterTag(key: $0.tagKey, value: $0.tagValue) }
    }

    /// Adds tags (a key already there takes the new value), at most 50 in all.
    public func addTags(_ name: String, _ tags: [ParameterTag]) throws {
        let added = try Self.checkedTags(tags)
        let key = ParameterName.key(ParameterName.trimmed(name))
        let found = try database.changeParameterTags(key: key) { existing in
            var merged = existing.map { ParameterTag(key: $0.tagKey, value: $0.tagValue) }
            for tag in added {
                if let index = merged.firstIndex(where: { $0.key == tag.key }) { merged[index] = tag } else { merged.append(tag) }
            }
            if merged.count > Self.maximumTags {
                throw ParameterError("TooManyTagsError", "A parameter can have at most \(Self.maximumTags) tags; this would give \(name) \(merged.count).")
            }
            return merged.map { ParameterTagRecord(key: key, tagKey: $0.key, tagValue: $0.value) }
        }
        guard found else { throw Self.invalidResource(name) }
    }

    /// Removes the tags with these keys (keys not there are ignored, as AWS does).
    public func removeTags(_ name: String, keys: [String]) throws {
        let key = ParameterName.key(ParameterName.trimmed(name))
        let found = try database.changeParameterTags(key: key) { existing in existing.filter { !keys.contains($0.tagKey) } }
        guard found else { throw Self.invalidResource(name) }
    }

    static func invalidResource(_ name: String) -> ParameterError {
        ParameterError("InvalidResourceId", "The resource ID \(name) is not valid: no parameter has that name.")
    }
}
