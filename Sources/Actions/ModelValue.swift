public import EventBus
public import Foundation

/// What an EC2 or RDS operation returns, shaped as the service's model: each member under its
/// SDK name (what boto3 and `aws:executeAwsApi` selectors see: `Reservations[].Instances[].
/// State.Name`) and the XML element name the Query protocols use where it differs
/// (`reservationSet`, `instancesSet`, `instanceState`). The API writes it as XML; the
/// automation engine reads it as JSON (`json`).
public indirect enum ModelValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    /// Written as ISO 8601 with milliseconds, in XML and JSON alike.
    case timestamp(Date)
    /// A list; `item` names each element in XML (`item` for EC2, `DBInstance`, `Tag` … for RDS).
    case list([ModelValue], item: String)
    case structure([ModelMember])

    /// The SDK-shaped JSON: structures as objects (SDK names, XML-only members left out),
    /// lists as arrays, timestamps as ISO 8601 strings.
    public var json: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .integer(let number): .number(Double(number))
        case .boolean(let flag): .bool(flag)
        case .timestamp(let date): .string(ModelTime.format(date))
        case .list(let items, _): .array(items.map(\.json))
        case .structure(let members):
            .object(Dictionary(members.compactMap { member in member.name.map { ($0, member.value.json) } }, uniquingKeysWith: { $1 }))
        }
    }

    /// The member named `name` (SDK name), for structures.
    public subscript(name: String) -> ModelValue? {
        guard case .structure(let members) = self else { return nil }
        return members.first { $0.name == name }?.value
    }
}

/// One member of a structure.
public struct ModelMember: Sendable, Equatable {
    /// The SDK name (`Reservations`); nil for what only the XML carries (EC2's `<return>`).
    public var name: String?
    /// The XML element name (`reservationSet`).
    public var xmlName: String
    public var value: ModelValue

    /// A member whose SDK and XML names are the same (RDS).
    public init(_ name: String, _ value: ModelValue) {
        self.name = name
        self.xmlName = name
        self.value = value
    }

    /// A member with a different XML name (EC2's `locationName`s).
    public init(_ name: String?, xml: String, _ value: ModelValue) {
        self.name = name
        self.xmlName = xml
        self.value = value
    }
}
