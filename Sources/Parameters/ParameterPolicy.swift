import EventBus
import Foundation

/// One parameter policy (Advanced tier only), as AWS defines them:
///
/// ```json
/// [{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2026-12-02T21:34:33.000Z"}},
///  {"Type":"ExpirationNotification","Version":"1.0","Attributes":{"Before":"15","Unit":"Days"}},
///  {"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"20","Unit":"Days"}}]
/// ```
///
/// Expiration deletes the parameter at its timestamp; ExpirationNotification reports ahead of
/// it; NoChangeNotification reports when the parameter has not changed for a while (counted
/// from its last change, so every change starts the count again).
public struct ParameterPolicy: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case expiration(at: Date)
        case expirationNotification(before: Int, unit: Unit)
        case noChangeNotification(after: Int, unit: Unit)
    }

    public enum Unit: String, Sendable, Equatable {
        case days = "Days"
        case hours = "Hours"

        var seconds: TimeInterval { self == .days ? 86_400 : 3_600 }
        var word: String { self == .days ? "days" : "hours" }
    }

    public let kind: Kind
    /// The policy as JSON text (the response's `PolicyText`).
    public let text: String

    public static let maximumCount = 10

    /// `Expiration`, `ExpirationNotification` or `NoChangeNotification`.
    public var type: String {
        switch kind {
        case .expiration: "Expiration"
        case .expirationNotification: "ExpirationNotification"
        case .noChangeNotification: "NoChangeNotification"
        }
    }

    /// Parses a `Policies` string. An empty list, or `[{}]` (AWS's way to remove every policy),
    /// gives no policies.
    ///
    /// - Throws: `InvalidPolicyTypeException` for a type AWS does not have,
    ///   `InvalidPolicyAttributeException` for text that is not a list of policies or an
    ///   attribute that is missing or wrong, `PoliciesLimitExceededException` over 10,
    ///   `IncompatiblePolicyException` for two Expiration policies or a notification of an
    ///   expiration that does not exist.
    public static func parseList(_ text: String, now: Date) throws(ParameterError) -> [ParameterPolicy] {
        guard let value = try? JSONValue(json: text), let items = value.arrayValue else {
            throw attribute("Policies must be a JSON array of policy objects, like "
                            + #"[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2026-12-02T21:34:33.000Z"}}]"#)
        }
        if items == [.object([:])] || items.isEmpty { return [] }
        if items.count > maximumCount {
            throw ParameterError("PoliciesLimitExceededException",
                                 "A parameter can have at most \(maximumCount) policies; this request has \(items.count).")
        }
        var policies: [ParameterPolicy] = []
        for item in items {
            policies.append(try parse(item, now: now))
        }
        let expirations = policies.filter { if case .expiration = $0.kind { true } else { false } }
        if expirations.count > 1 {
            throw ParameterError("IncompatiblePolicyException", "A parameter can have only one Expiration policy; this request has \(expirations.count).")
        }
        if expirations.isEmpty, policies.contains(where: { if case .expirationNotification = $0.kind { true } else { false } }) {
            throw ParameterError("IncompatiblePolicyException",
                                 "An ExpirationNotification policy needs an Expiration policy on the same parameter to notify about.")
        }
        return policies
    }

    static func parse(_ item: JSONValue, now: Date) throws(ParameterError) -> ParameterPolicy {
        guard let members = item.objectValue else {
            throw attribute("Each policy must be a JSON object with Type, Version and Attributes; found \(item.serialized()).")
        }
        guard let type = members["Type"]?.stringValue else {
            throw ParameterError("InvalidPolicyTypeException", "A policy has no Type; use Expiration, ExpirationNotification or NoChangeNotification.")
        }
        guard ["Expiration", "ExpirationNotification", "NoChangeNotification"].contains(type) else {
            throw ParameterError("InvalidPolicyTypeException",
                                 "The policy type \(type) is not supported; use Expiration, ExpirationNotification or NoChangeNotification.")
        }
        guard members["Version"]?.stringValue == "1.0" else {
            throw attribute("The \(type) policy's Version must be \"1.0\".")
        }
        guard let attributes = members["Attributes"]?.objectValue else {
            throw attribute("The \(type) policy has no Attributes object.")
        }
        for key in members.keys where !["Type", "Version", "Attributes"].contains(key) {
            throw attribute("The \(type) policy has an unknown member \(key).")
        }
        let kind: Kind
        switch type {
        case "Expiration":
            try onlyKeys(["Timestamp"], in: attributes, type: type)
            guard let text = attributes["Timestamp"]?.stringValue, let at = timestamp(text) else {
                throw attribute("The Expiration policy's Timestamp must be an ISO 8601 date and time with a zone, like "
                                + "2026-12-02T21:34:33.000Z or 2026-12-02T22:34:33.000+01:00.")
            }
            guard at > now else {
                throw attribute("The Expiration policy's Timestamp \(text) is not in the future.")
            }
            kind = .expiration(at: at)
        case "ExpirationNotification":
            try onlyKeys(["Before", "Unit"], in: attributes, type: type)
            let (amount, unit) = try period(attributes, key: "Before", type: type)
            kind = .expirationNotification(before: amount, unit: unit)
        default:
            try onlyKeys(["After", "Unit"], in: attributes, type: type)
            let (amount, unit) = try period(attributes, key: "After", type: type)
            kind = .noChangeNotification(after: amount, unit: unit)
        }
        return ParameterPolicy(kind: kind, text: item.serialized(sortingKeys: true))
    }

    private static func onlyKeys(_ keys: [String], in attributes: [String: JSONValue], type: String) throws(ParameterError) {
        for key in attributes.keys where !keys.contains(key) {
            throw attribute("The \(type) policy has an unknown attribute \(key); its attributes are \(keys.joined(separator: " and ")).")
        }
    }

    private static func period(_ attributes: [String: JSONValue], key: String, type: String) throws(ParameterError) -> (Int, Unit) {
        let raw = attributes[key]
        let amount = raw?.stringValue.flatMap { Int($0) } ?? raw?.numberValue.flatMap { $0.rounded() == $0 ? Int(exactly: $0) : nil }
        guard let amount, amount > 0, amount <= 36_500 else {
            throw attribute("The \(type) policy's \(key) must be a whole number of at least 1, like \"15\".")
        }
        guard let unitText = attributes["Unit"]?.stringValue, let unit = Unit(rawValue: unitText) else {
            throw attribute("The \(type) policy's Unit must be Days or Hours.")
        }
        return (amount, unit)
    }

    static func attribute(_ message: String) -> ParameterError { ParameterError("InvalidPolicyAttributeException", message) }

    /// ISO 8601 with a zone, with or without fractional seconds (Java's ISO_INSTANT and
    /// ISO_OFFSET_DATE_TIME, which AWS accepts).
    static func timestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
