import Foundation
import Store
import Testing

@Suite("Time-ordered ids")
struct TimeOrderedIDTests {
    @Test func areVersion7UUIDsThatGrow() throws {
        let instant = Date(timeIntervalSince1970: 1_764_547_200.123)
        // 5,000 in the same millisecond overflow its 4,096-id counter and must still grow.
        let ids = (0..<5_000).map { _ in TimeOrderedID.next(now: instant) } + [TimeOrderedID.next()]
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(3) {
            #expect(id.count == 36)
            #expect(UUID(uuidString: id) != nil)
            #expect(id == id.lowercased())
            let characters = Array(id)
            #expect(characters[14] == "7")                       // version
            #expect("89ab".contains(characters[19]))             // RFC 9562 variant
        }
        // The first 48 bits are the Unix time in milliseconds (or later, never earlier).
        let first = try #require(UInt64(ids[0].replacingOccurrences(of: "-", with: "").prefix(12), radix: 16))
        #expect(first >= 1_764_547_200_123)
    }

    @Test func threadsTakingThemAtOnceGetDistinctGrowingIds() async {
        let instant = Date(timeIntervalSince1970: 1_764_547_200.5)
        let lists = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 { group.addTask { (0..<2_000).map { _ in TimeOrderedID.next(now: instant) } } }
            return await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(Set(lists.joined()).count == 16_000)
        for list in lists { #expect(list == list.sorted(), "each caller sees its ids grow") }
    }
}
