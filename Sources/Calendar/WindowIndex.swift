import Synchronization

/// The merged event windows of one calendar, computed lazily in fixed-size chunks of time
/// and kept in a small LRU cache.
///
/// A chunk `[start, end)` holds the union of every instance overlapping it, clipped to it.
/// Boundaries strictly inside a chunk are real transitions; a boundary on a chunk edge is
/// checked against the neighbouring chunk. Queries after the first in a chunk cost a lock
/// and a binary search; nothing is ever expanded from DTSTART.
final class WindowIndex: Sendable {
    /// About 48.5 days: a chunk of a 10,000-event calendar expands in tens of milliseconds.
    static let chunkSeconds: Int64 = 1 << 22
    static let cacheCapacity = 96

    struct Chunk: Sendable {
        let start: Int64
        let end: Int64
        /// Flattened sorted, disjoint, non-touching windows: [s0, e0, s1, e1, …], clipped to the chunk.
        let bounds: [Int64]

        func contains(_ t: Int64) -> Bool {
            // Index of the first bound > t; inside a window when it is an odd position.
            bounds.partitioningIndex { $0 > t } % 2 == 1
        }
    }

    private struct Cache {
        var chunks: [Int64: (chunk: Chunk, used: UInt64)] = [:]
        var clock: UInt64 = 0
    }

    private let series: [Series]
    private let cache = Mutex(Cache())

    init(series: [Series]) {
        self.series = series
    }

    func chunk(containing t: Int64) -> Chunk {
        chunk(number: t.floorDiv(Self.chunkSeconds))
    }

    func chunk(number: Int64) -> Chunk {
        if let hit = cache.withLock({ cache -> Chunk? in
            guard let entry = cache.chunks[number] else { return nil }
            cache.clock += 1
            cache.chunks[number]?.used = cache.clock
            return entry.chunk
        }) {
            return hit
        }
        let built = build(number: number)
        cache.withLock { cache in
            cache.clock += 1
            if cache.chunks.count >= Self.cacheCapacity,
               let oldest = cache.chunks.min(by: { $0.value.used < $1.value.used })?.key {
                cache.chunks[oldest] = nil
            }
            cache.chunks[number] = (built, cache.clock)
        }
        return built
    }

    /// Every instance overlapping `[from, to)`, unmerged, sorted by start.
    func occurrences(from: Int64, to: Int64) -> [Occurrence] {
        var out: [Occurrence] = []
        Libical.serialized {
            for (index, item) in series.enumerated() {
                item.appendOccurrences(from: from, to: to, index: Int32(index), into: &out)
            }
        }
        out.sort { ($0.start, $0.end, $0.series) < ($1.start, $1.end, $1.series) }
        return out
    }

    private func build(number: Int64) -> Chunk {
        let start = number * Self.chunkSeconds
        let end = start + Self.chunkSeconds
        let spans = occurrences(from: start, to: end)   // sorted by start
        var bounds: [Int64] = []
        for span in spans {
            let s = max(span.start, start), e = min(span.end, end)
            guard e > s else { continue }
            if let last = bounds.last, s <= last {
                if e > last { bounds[bounds.count - 1] = e }   // overlapping or touching: one window
            } else {
                bounds.append(s)
                bounds.append(e)
            }
        }
        return Chunk(start: start, end: end, bounds: bounds)
    }
}
