import Foundation
@testable import Parameters
import Store
import Testing

@Suite("The latest-version cache")
struct LatestVersionCacheTests {
    func entry(_ version: Int) -> LatestVersionCache.Entry {
        (ParameterRecord(key: "k", name: "k", latestVersion: version, tier: "Standard", nextPolicyAt: nil),
         ParameterVersionRecord(key: "k", version: version, type: "String", value: "v\(version)", ciphertext: nil, keyId: nil,
                                description: nil, allowedPattern: nil, dataType: "text", tier: "Standard", policies: "[]",
                                modifiedAt: 0, modifiedBy: "u"))
    }

    @Test("a read that raced a write is not kept; one that did not is")
    func races() {
        let cache = LatestVersionCache()
        let (_, before) = cache.lookup("k")
        cache.invalidate("k")                        // a write committed while the read was in flight
        cache.store("k", entry(1), token: before)    // what the read saw may be stale
        #expect(cache.lookup("k").entry == nil)
        let (_, token) = cache.lookup("k")
        cache.store("k", entry(2), token: token)
        #expect(cache.lookup("k").entry?.latest.version == 2)
        cache.invalidate("k")
        #expect(cache.lookup("k").entry == nil)
    }

    @Test("full: everything is dropped, and older tokens never match again")
    func capacity() {
        let cache = LatestVersionCache(capacity: 2)
        for key in ["a", "b"] { cache.store(key, entry(1), token: cache.lookup(key).token) }
        let stale = cache.lookup("c").token
        cache.store("c", entry(1), token: stale)     // full: drops all
        #expect(cache.lookup("a").entry == nil)
        cache.store("c", entry(1), token: stale)
        #expect(cache.lookup("c").entry == nil, "a token from before the drop is refused")
    }

    @Test("the store reads through it: writes, deletes and policies are seen at once")
    func store() throws {
        let store = try Fixture.store()
        _ = try store.put(PutParameterRequest(name: "/c", value: "1", type: .string), user: Fixture.user, now: Fixture.now)
        #expect(try store.get("/c", decrypt: false).value == "1")
        #expect(try store.get("/c", decrypt: false).value == "1")
        _ = try store.put(PutParameterRequest(name: "/c", value: "2", overwrite: true), user: Fixture.user, now: Fixture.now)
        #expect(try store.get("c", decrypt: false).value == "2")
        try store.delete("/c", now: Fixture.now)
        #expect(parameterError { _ = try store.get("/c", decrypt: false) }?.code == "ParameterNotFound")
    }
}
