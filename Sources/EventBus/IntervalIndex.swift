/// Finds the rules whose interval contains a point, by binary search: the interval ends
/// cut the line into elementary pieces (each end point is a piece of its own, so open
/// and closed ends are exact), and every piece lists the rules covering all of it.
struct IntervalIndexBuilder<Key: Comparable> {
    struct Interval {
        var lower: Key?
        var lowerInclusive: Bool
        var upper: Key?
        var upperInclusive: Bool
        var rule: Int32
    }

    var intervals: [Interval] = []

    /// Sorted distinct end points, and per piece (2 × ends + 1 of them) its rules.
    func layOut() -> (boundaries: [Key], pieces: [[Int32]]) {
        var boundaries: [Key] = []
        for interval in intervals {
            if let lower = interval.lower { boundaries.append(lower) }
            if let upper = interval.upper { boundaries.append(upper) }
        }
        boundaries.sort()
        var unique: [Key] = []
        for key in boundaries where unique.last != key { unique.append(key) }
        var pieces = Array(repeating: [Int32](), count: 2 * unique.count + 1)
        for interval in intervals {
            let first: Int
            if let lower = interval.lower {
                let position = Self.position(of: lower, in: unique)
                first = interval.lowerInclusive ? 2 * position + 1 : 2 * position + 2
            } else {
                first = 0
            }
            let last: Int
            if let upper = interval.upper {
                let position = Self.position(of: upper, in: unique)
                last = interval.upperInclusive ? 2 * position + 1 : 2 * position
            } else {
                last = 2 * unique.count
            }
            if first <= last {
                for piece in first...last { pieces[piece].append(interval.rule) }
            }
        }
        return (unique, pieces)
    }

    private static func position(of key: Key, in sorted: [Key]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The piece of a point: 2i+1 when it equals end point i, else 2i for the gap below end point i.
@inline(__always)
func intervalPiece<Key: Comparable & BitwiseCopyable>(of key: Key, boundaries: UnsafeBufferPointer<Key>) -> Int {
    var low = 0
    var high = boundaries.count
    while low < high {
        let middle = (low + high) / 2
        if boundaries[middle] < key { low = middle + 1 } else { high = middle }
    }
    if low < boundaries.count && boundaries[low] == key { return 2 * low + 1 }
    return 2 * low
}
