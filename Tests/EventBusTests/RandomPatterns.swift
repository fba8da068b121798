import EventBus
import SchedulerTesting


/// Random (valid) patterns and events over a small vocabulary, so that they often meet:
/// every operator, nested objects, `$or`, arrays of scalars and of objects.
struct RandomPatterns {
    var random: SeededGenerator

    static let topKeys = ["source", "detail-type", "resources", "detail", "n", "flag", "ip", "items"]
    static let nestedKeys = ["state", "n", "ip", "tags", "sub", "name"]
    static let strings = ["a", "ab", "abc", "b", "ba", "AB", "Ab", "x*y", "x\\y", "10.0.0.1", "10.0.1.5", "192.168.1.1",
                          "::1", "2001:db8::5", "", "é", "É", "aws.ec2", "aws.ssm", "AWS.EC2"]
    static let numbers: [Double] = [0, 1, -1, 1.5, 2, 5e9, 6e9, 0.3, 100, -5.5, 1.0000001]
    static let wildcards = ["a*", "*b", "a*c", "*", "*.*", "x\\\\*y", "10.*", "*a*", "aws.*"]
    static let networks = ["10.0.0.0/24", "10.0.0.0/8", "192.168.0.0/16", "::/0", "2001:db8::/32", "10.0.1.0/31"]

    init(seed: UInt64) {
        random = SeededGenerator(state: seed)
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
    mutating func count(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    func quoted(_ text: String) -> String { JSONValue.string(text).serialized() }
    func number(_ value: Double) -> String { JSONValue.number(value).serialized() }

    // MARK: Patterns

    mutating func pattern() -> String { object(depth: 0) }

    private mutating func object(depth: Int) -> String {
        var keys = depth == 0 ? Self.topKeys : Self.nestedKeys
        var members: [String] = []
        for _ in 0..<count(1...3) {
            guard !keys.isEmpty else { break }
            if depth < 2 && chance(12) {
                let branches = (0..<count(2...3)).map { _ in object(depth: depth + 1) }
                members.append(#""$or": [\#(branches.joined(separator: ", "))]"#)
                continue
            }
            let key = keys.remove(at: Int.random(in: 0..<keys.count, using: &random))
            if depth < 2 && (key == "detail" || key == "items" || key == "sub" || chance(10)) {
                members.append("\(quoted(key)): \(object(depth: depth + 1))")
            } else {
                let values = (0..<count(1...3)).map { _ in matcher() }
                members.append("\(quoted(key)): [\(values.joined(separator: ", "))]")
            }
        }
        if members.isEmpty { members.append(#""source": ["a"]"#) }
        return "{" + members.joined(separator: ", ") + "}"
    }

    private mutating func nonEmptyString() -> String {
        var value = pick(Self.strings)
        while value.isEmpty { value = pick(Self.strings) }
        return value
    }

    private mutating func comparable() -> Double {
        var value = pick(Self.numbers)
        while abs(value) >= 5e9 || value == 1.0000001 { value = pick(Self.numbers) }
        return value
    }

    private mutating func matcher() -> String {
        switch count(0...15) {
        case 0, 1: return quoted(pick(Self.strings))
        case 2: return number(pick(Self.numbers))
        case 3: return pick(["true", "false", "null"])
        case 4: return #"{"prefix": \#(quoted(pick(Self.strings)))}"#
        case 5: return #"{"suffix": \#(quoted(pick(Self.strings)))}"#
        case 6:
            let operation = pick(["prefix", "suffix"])
            return #"{"\#(operation)": {"equals-ignore-case": \#(quoted(pick(Self.strings)))}}"#
        case 7: return #"{"equals-ignore-case": \#(quoted(pick(Self.strings)))}"#
        case 8: return #"{"wildcard": "\#(pick(Self.wildcards))"}"#
        case 9, 10: return #"{"anything-but": \#(anythingBut())}"#
        case 11, 12: return #"{"numeric": \#(numeric())}"#
        case 13: return #"{"exists": \#(chance(50))}"#
        default: return #"{"cidr": "\#(pick(Self.networks))"}"#
        }
    }

    private mutating func anythingBut() -> String {
        switch count(0...7) {
        case 0: return quoted(pick(Self.strings))
        case 1: return number(comparable())
        case 2: return "[" + (0..<count(1...3)).map { _ in quoted(pick(Self.strings)) }.joined(separator: ", ") + "]"
        case 3: return "[" + (0..<count(1...3)).map { _ in number(comparable()) }.joined(separator: ", ") + "]"
        case 4: return #"{"prefix": \#(quoted(nonEmptyString()))}"#
        case 5: return #"{"suffix": [\#(quoted(nonEmptyString())), \#(quoted(nonEmptyString()))]}"#
        case 6: return chance(50) ? #"{"equals-ignore-case": \#(quoted(pick(Self.strings)))}"#
            : #"{"equals-ignore-case": [\#(quoted(pick(Self.strings))), \#(quoted(pick(Self.strings)))]}"#
        default: return chance(50) ? #"{"wildcard": "\#(pick(Self.wildcards))"}"#
            : #"{"wildcard": ["\#(pick(Self.wildcards))", "\#(pick(Self.wildcards))"]}"#
        }
    }

    private mutating func numeric() -> String {
        let a = comparable()
        var b = comparable()
        while b == a { b = comparable() }
        switch count(0...4) {
        case 0: return #"[">", \#(number(a))]"#
        case 1: return #"["<=", \#(number(a))]"#
        case 2: return #"["=", \#(number(a))]"#
        case 3: return #"[">=", \#(number(min(a, b))), "<", \#(number(max(a, b)))]"#
        default: return #"["<", \#(number(a))]"#
        }
    }

    // MARK: Events

    mutating func event() -> JSONValue { eventObject(depth: 0) }

    private mutating func eventObject(depth: Int) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for key in depth == 0 ? Self.topKeys : Self.nestedKeys where chance(60) {
            members[key] = eventValue(depth: depth, key: key)
        }
        return .object(members)
    }

    private mutating func scalar() -> JSONValue {
        switch count(0...9) {
        case 0...4: return .string(pick(Self.strings))
        case 5...7: return .number(pick(Self.numbers))
        case 8: return .bool(chance(50))
        default: return .null
        }
    }

    private mutating func eventValue(depth: Int, key: String) -> JSONValue {
        let nestable = depth < 2
        switch count(0...9) {
        case 0...4 where !(nestable && (key == "detail" || key == "sub")):
            return scalar()
        case 5...6:
            return .array((0..<count(0...3)).map { _ in chance(80) ? scalar() : .array([scalar(), scalar()]) })
        case 7...8 where nestable:
            return .array((0..<count(0...3)).map { _ in chance(75) ? eventObject(depth: depth + 1) : scalar() })
        default:
            return nestable ? eventObject(depth: depth + 1) : scalar()
        }
    }
}
