import Foundation
import Synchronization

/// Identifiers for rows written by the thousand (events, automation executions and their
/// steps): UUIDs in the usual lower-case 8-4-4-4-12 form, version 7 (RFC 9562), so they sort
/// by creation time.
///
/// Why: each of these tables has its id (and the event's dedupe key) in a B-tree index. Random
/// (version 4) ids put every new row on a random leaf page, so a group commit of a few hundred
/// events wrote a few hundred pages to the WAL; ids that grow put new rows on the last page.
/// AWS's own automation execution ids are time-based UUIDs too (version 1).
///
/// Layout: 48 bits of Unix milliseconds, the version, 12 bits counting ids made in the same
/// millisecond (so ids from one process always increase), the variant, 62 random bits.
public enum TimeOrderedID {
    /// The last id's milliseconds (above) and sequence (the low 12 bits), as one number: the
    /// next id's is the greater of now (sequence 0) and the last plus one, where a sequence
    /// past 4,095 carries into the next millisecond. Taken with compare-and-exchange, not a
    /// lock: every event and every step takes one, from many threads at once.
    private static let last = Atomic<UInt64>(0)

    /// A new id, greater than every id this process made before.
    public static func next(now: Date = Date()) -> String {
        let wall = (UInt64(max(0, now.timeIntervalSince1970 * 1000)) & 0xffff_ffff_ffff) << 12
        var previous = last.load(ordering: .relaxed)
        var stamp: UInt64
        while true {
            stamp = max(wall, previous + 1)
            let (exchanged, original) = last.compareExchange(expected: previous, desired: stamp, ordering: .relaxed)
            if exchanged { break }
            previous = original
        }
        let (millisecond, sequence) = (stamp >> 12, stamp & 0xfff)
        let high = (millisecond & 0xffff_ffff_ffff) << 16 | 0x7000 | sequence
        let low = (UInt64.random(in: 0...UInt64.max) & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000
        return format(high: high, low: low)
    }

    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` of the 128 bits `high` then `low`.
    static func format(high: UInt64, low: UInt64) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func put(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[index] = digits[Int((value >> UInt64(shift)) & 0xf)]
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(high >> 32, nibbles: 8)
            dash()
            put((high >> 16) & 0xffff, nibbles: 4)
            dash()
            put(high & 0xffff, nibbles: 4)
            dash()
            put(low >> 48, nibbles: 4)
            dash()
            put(low & 0xffff_ffff_ffff, nibbles: 12)
            return index
        }
    }
}
