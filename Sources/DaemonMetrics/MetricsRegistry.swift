import Synchronization

/// The daemon's counters and histograms, rendered in Prometheus' text format (version 0.0.4)
/// for `GET /metrics`.
///
/// Small on purpose: a handful of families with a few labels each, updated under one lock.
/// An update costs a dictionary lookup, so the hot paths (an API request, a delivery) can
/// afford it.
public final class MetricsRegistry: Sendable {
    private struct Family {
        let name: String
        let help: String
        let kind: Kind
        var counters: [Labels: Double] = [:]
        var histograms: [Labels: HistogramCounts] = [:]
    }

    private enum Kind { case counter, histogram([Double]) }

    /// Label pairs in a fixed order, so equal label sets are one series.
    public struct Labels: Hashable, Sendable {
        let pairs: [Pair]
        struct Pair: Hashable, Sendable {
            let name: String
            let value: String
        }

        public init(_ pairs: KeyValuePairs<String, String>) {
            self.pairs = pairs.map { Pair(name: $0.key, value: $0.value) }
        }

        var rendered: String {
            pairs.isEmpty ? "" : "{" + pairs.map { "\($0.name)=\"\(Self.escape($0.value))\"" }.joined(separator: ",") + "}"
        }

        static func escape(_ value: String) -> String {
            var out = ""
            for character in value {
                switch character {
                case "\\": out += "\\\\"
                case "\"": out += "\\\""
                case "\n": out += "\\n"
                default: out.append(character)
                }
            }
            return out
        }
    }

    private struct HistogramCounts {
        var buckets: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    private let families = Mutex<[String: Family]>([:])
    private let order = Mutex<[String]>([])

    public init() {}

    /// Declares a counter family (idempotent).
    public func declareCounter(_ name: String, help: String) {
        declare(Family(name: name, help: help, kind: .counter))
    }

    /// Declares a histogram family with upper bucket bounds (idempotent).
    public func declareHistogram(_ name: String, help: String, buckets: [Double]) {
        declare(Family(name: name, help: help, kind: .histogram(buckets.sorted())))
    }

    private func declare(_ family: Family) {
        let added = families.withLock { families -> Bool in
            guard families[family.name] == nil else { return false }
            families[family.name] = family
            return true
        }
        if added { order.withLock { $0.append(family.name) } }
    }

    public func increment(_ name: String, _ labels: Labels = Labels([:]), by amount: Double = 1) {
        families.withLock { families in
            families[name]?.counters[labels, default: 0] += amount
        }
    }

    /// Several increments under one taking of the lock (a write that recorded many events).
    public func increment(_ updates: [(name: String, labels: Labels, amount: Double)]) {
        guard !updates.isEmpty else { return }
        families.withLock { families in
            for update in updates { families[update.name]?.counters[update.labels, default: 0] += update.amount }
        }
    }

    public func observe(_ name: String, _ value: Double, labels: Labels = Labels([:])) {
        families.withLock { families in
            guard var family = families[name], case .histogram(let bounds) = family.kind else { return }
            var counts = family.histograms[labels] ?? HistogramCounts(buckets: Array(repeating: 0, count: bounds.count))
            if let index = bounds.firstIndex(where: { value <= $0 }) { counts.buckets[index] += 1 }
            counts.sum += value
            counts.count += 1
            family.histograms[labels] = counts
            families[name] = family
        }
    }

    /// The value of one counter series (for tests and the health summary).
    public func counter(_ name: String, _ labels: Labels = Labels([:])) -> Double {
        families.withLock { $0[name]?.counters[labels] ?? 0 }
    }

    /// The number of observations in one histogram series.
    public func observations(_ name: String, _ labels: Labels = Labels([:])) -> UInt64 {
        families.withLock { $0[name]?.histograms[labels]?.count ?? 0 }
    }

    /// Everything, in the Prometheus text exposition format.
    public func render() -> String {
        let names = order.withLock { $0 }
        let snapshot = families.withLock { $0 }
        var out = ""
        for name in names {
            guard let family = snapshot[name] else { continue }
            out += "# HELP \(name) \(family.help)\n"
            switch family.kind {
            case .counter:
                out += "# TYPE \(name) counter\n"
                for (labels, value) in family.counters.sorted(by: { $0.key.rendered < $1.key.rendered }) {
                    out += "\(name)\(labels.rendered) \(Self.number(value))\n"
                }
            case .histogram(let bounds):
                out += "# TYPE \(name) histogram\n"
                for (labels, counts) in family.histograms.sorted(by: { $0.key.rendered < $1.key.rendered }) {
                    var cumulative: UInt64 = 0
                    for (index, bound) in bounds.enumerated() {
                        cumulative += counts.buckets[index]
                        out += "\(name)_bucket\(Labels(adding: ("le", Self.number(bound)), to: labels).rendered) \(cumulative)\n"
                    }
                    out += "\(name)_bucket\(Labels(adding: ("le", "+Inf"), to: labels).rendered) \(counts.count)\n"
                    out += "\(name)_sum\(labels.rendered) \(Self.number(counts.sum))\n"
                    out += "\(name)_count\(labels.rendered) \(counts.count)\n"
                }
            }
        }
        return out
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

extension MetricsRegistry.Labels {
    init(adding pair: (String, String), to labels: Self) {
        pairs = labels.pairs + [Pair(name: pair.0, value: pair.1)]
    }
}
