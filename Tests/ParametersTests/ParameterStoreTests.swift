import Foundation
import Parameters
import Testing

@Suite("Parameter Store semantics")
struct ParameterStoreTests {
    let user = Fixture.user
    let now = Fixture.now

    @Test("create, overwrite, history; Overwrite required; type kept; tags with overwrite refused")
    func versions() throws {
        let sink = RecordingSink()
        let store = try Fixture.store(sink)
        #expect(try store.put(PutParameterRequest(name: "/url", value: "a", type: .string, description: "the URL"), user: user, now: now)
                == (1, .standard))
        #expect(parameterError { _ = try store.put(PutParameterRequest(name: "url", value: "b", type: .string), user: user, now: now) }
                == ParameterError("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."))
        #expect(try store.put(PutParameterRequest(name: "url", value: "b", overwrite: true), user: user, now: now).version == 2)
        #expect(parameterError { _ = try store.put(PutParameterRequest(name: "/url", value: "c", type: .secureString, overwrite: true), user: user, now: now) }?.code
                == "HierarchyTypeMismatchException")
        #expect(parameterError {
            _ = try store.put(PutParameterRequest(name: "/url", value: "c", overwrite: true, tags: [ParameterTag(key: "a", value: "b")]), user: user, now: now)
        }?.code == "ValidationException")
        #expect(parameterError { _ = try store.put(PutParameterRequest(name: "/new", value: "x"), user: user, now: now) }?.message
                == "A parameter type is required when you create a parameter.")
        let latest = try store.get("/url", decrypt: false)
        #expect(latest.name == "/url", "the name as first written")
        #expect(latest.value == "b")
        #expect(latest.description == "the URL", "an overwrite without Description keeps it")
        #expect(try store.get("url:1", decrypt: false).value == "a")
        #expect(try store.get("/url:1", decrypt: false).selector == ":1")
        #expect(parameterError { _ = try store.get("/url:9", decrypt: false) }
                == ParameterError("ParameterVersionNotFound", "Systems Manager could not find version 9 of /url. Verify the version and try again."))
        #expect(parameterError { _ = try store.get("/nope", decrypt: false) } == ParameterError("ParameterNotFound", ""))
        let history = try store.history("/url", decrypt: false, limit: 1, after: 0)
        #expect(history.views.map(\.version) == [1])
        #expect(history.next == 1)
        #expect(try store.history("/url", decrypt: false, limit: 1, after: 1).views.map(\.value) == ["b"])
        #expect(history.views[0].modifiedBy == user)
        #expect(sink.events.map(\.detailType) == ["Parameter Store Change", "Parameter Store Change"])
        #expect(sink.events[0].detailJSON == #"{"operation":"Create","name":"/url","type":"String","description":"the URL"}"#)
        #expect(sink.events[1].detailJSON.contains(#""operation":"Update""#))
        #expect(sink.events[0].resources == ["arn:aws:ssm:us-east-1:123456789012:parameter/url"])
        #expect(sink.committed == 2, "refused puts record nothing")
    }

    @Test("100 versions kept: the 101st drops the oldest, unless it is labelled")
    func versionLimit() throws {
        let store = try Fixture.store()
        _ = try store.put(PutParameterRequest(name: "p", value: "v1", type: .string), user: user, now: now)
        for version in 2...100 { _ = try store.put(PutParameterRequest(name: "p", value: "v\(version)", overwrite: true), user: user, now: now) }
        _ = try store.label("p", version: 1, labels: ["first"], now: now)
        let refused = parameterError { _ = try store.put(PutParameterRequest(name: "p", value: "v101", overwrite: true), user: user, now: now) }
        #expect(refused == ParameterError("ParameterMaxVersionLimitExceeded",
                                          "You attempted to create a new version of p by calling the PutParameter API with the overwrite flag. "
                                          + "Version 1, the oldest version, can't be deleted because it has a label associated with it. Move "
                                          + "the label to another version of the parameter, and try again."))
        _ = try store.label("p", version: 50, labels: ["first"], now: now)   // the label moves
        #expect(try store.put(PutParameterRequest(name: "p", value: "v101", overwrite: true), user: user, now: now).version == 101)
        let all = try store.history("p", decrypt: false, limit: 50, after: 0)
        #expect(all.views.first?.version == 2)
        #expect(parameterError { _ = try store.get("p:1", decrypt: false) }?.code == "ParameterVersionNotFound")
        #expect(try store.get("p:first", decrypt: false).version == 50)
    }

    @Test("labels: invalid ones returned, moved between versions, at most ten, unlabel")
    func labels() throws {
        let sink = RecordingSink()
        let store = try Fixture.store(sink)
        _ = try store.put(PutParameterRequest(name: "/l", value: "1", type: .string), user: user, now: now)
        _ = try store.put(PutParameterRequest(name: "/l", value: "2", overwrite: true), user: user, now: now)
        let result = try store.label("/l", version: 1, labels: ["prod", "1bad", "awsx"], now: now)
        #expect(result.invalid == ["1bad", "awsx"])
        #expect(result.version == 1)
        #expect(try store.label("/l", version: nil, labels: ["prod"], now: now).version == 2, "latest by default; prod moves")
        let history = try store.history("/l", decrypt: false, limit: 50, after: 0)
        #expect(history.views.map(\.labels) == [[], ["prod"]])
        #expect(parameterError { _ = try store.label("/l", version: 7, labels: ["x"], now: now) }?.code == "ParameterVersionNotFound")
        #expect(parameterError { _ = try store.label("/none", version: nil, labels: ["x"], now: now) }?.code == "ParameterNotFound")
        _ = try store.label("/l", version: 1, labels: (1...9).map { "l\($0)" }, now: now)
        #expect(parameterError { _ = try store.label("/l", version: 1, labels: ["l10", "l11"], now: now) }?.code
                == "ParameterVersionLabelLimitExceeded")
        _ = try store.label("/l", version: 1, labels: ["l10"], now: now)
        let removed = try store.unlabel("/l", version: 1, labels: ["l1", "prod", "ghost"], now: now)
        #expect(removed.removed == ["l1"])
        #expect(removed.invalid == ["prod", "ghost"])
        let labelEvents = sink.events.filter { $0.detailJSON.contains("LabelParameterVersion") }
        #expect(labelEvents.count == 4)
        #expect(sink.events.last?.detailJSON.contains(#""operation":"UnlabelParameterVersion""#) == true)
    }

    @Test("tiers: 4 KB Standard in AWS's words, 8 KB Advanced, Intelligent-Tiering, no downgrade, policies need Advanced")
    func tiers() throws {
        let store = try Fixture.store()
        let big = String(repeating: "x", count: 4097)
        let refused = parameterError { _ = try store.put(PutParameterRequest(name: "/t", value: big, type: .string), user: user, now: now) }
        #expect(refused?.message.hasPrefix("Standard tier parameters support a maximum parameter value of 4096 characters.") == true)
        #expect(try store.put(PutParameterRequest(name: "/t", value: big, type: .string, tier: .intelligentTiering), user: user, now: now).tier == .advanced)
        #expect(try store.put(PutParameterRequest(name: "/s", value: "small", type: .string, tier: .intelligentTiering), user: user, now: now).tier == .standard)
        #expect(parameterError { _ = try store.put(PutParameterRequest(name: "/t", value: "x", overwrite: true, tier: .standard), user: user, now: now) }?.message
                .contains("You can't downgrade") == true)
        #expect(try store.put(PutParameterRequest(name: "/t", value: "x", overwrite: true), user: user, now: now).tier == .advanced, "stays Advanced")
        #expect(parameterError { _ = try store.put(PutParameterRequest(name: "/t", value: String(repeating: "y", count: 8193), overwrite: true), user: user, now: now) }?.code
                == "ValidationException")
        let policy = #"[{"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"2","Unit":"Hours"}}]"#
        #expect(parameterError { _ = try store.put(PutParameterRequest(name: "/s", value: "v", overwrite: true, tier: .standard, policies: policy), user: user, now: now) }?.code
                == "ValidationException")
        #expect(try store.put(PutParameterRequest(name: "/s", value: "v", overwrite: true, tier: .intelligentTiering, policies: policy), user: user, now: now).tier
                == .advanced)
    }

    @Test("policies: AWS's errors for bad ones, [{}] clears")
    func policyParsing() throws {
        func parse(_ text: String) -> ParameterError? { parameterError { _ = try ParameterPolicy.parseList(text, now: Fixture.now) } }
        let expiration = #"{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2026-12-02T21:34:33.000Z"}}"#
        #expect(try ParameterPolicy.parseList("[\(expiration)]", now: now).first?.type == "Expiration")
        #expect(try ParameterPolicy.parseList("[{}]", now: now).isEmpty)
        #expect(try ParameterPolicy.parseList(#"[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2026-12-02T22:34:33+01:00"}}]"#, now: now).count == 1)
        #expect(parse("[\(expiration),\(expiration)]")?.code == "IncompatiblePolicyException")
        #expect(parse(#"[{"Type":"Rotate","Version":"1.0","Attributes":{}}]"#)?.code == "InvalidPolicyTypeException")
        #expect(parse(#"[{"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"2","Unit":"Weeks"}}]"#)?.code == "InvalidPolicyAttributeException")
        #expect(parse(#"[{"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"zero","Unit":"Days"}}]"#)?.code == "InvalidPolicyAttributeException")
        #expect(parse(#"[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2020-01-01T00:00:00Z"}}]"#)?.code == "InvalidPolicyAttributeException")
        #expect(parse("not json")?.code == "InvalidPolicyAttributeException")
        #expect(parse(#"[{"Type":"ExpirationNotification","Version":"1.0","Attributes":{"Before":"1","Unit":"Days"}}]"#)?.code == "IncompatiblePolicyException")
        let many = Array(repeating: #"{"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"1","Unit":"Days"}}"#, count: 11)
        #expect(parse("[\(many.joined(separator: ","))]")?.code == "PoliciesLimitExceededException")
    }

    @Test("policies carried out on time: notifications once, expiration deletes with both events")
    func policies() throws {
        let sink = RecordingSink()
        let store = try Fixture.store(sink)
        let expiry = now.addingTimeInterval(3 * 86_400)
        let policies = """
            [{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"\(ISO8601DateFormatter().string(from: expiry))"}},
             {"Type":"ExpirationNotification","Version":"1.0","Attributes":{"Before":"1","Unit":"Days"}},
             {"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"12","Unit":"Hours"}}]
            """
        _ = try store.put(PutParameterRequest(name: "/exp", value: "v", type: .string, tier: .advanced, policies: policies), user: user, now: now)
        #expect(try store.nextPolicyTime() == now.addingTimeInterval(12 * 3600))
        #expect(try store.applyDuePolicies(now: now.addingTimeInterval(3600)) == 0)
        #expect(try store.applyDuePolicies(now: now.addingTimeInterval(12 * 3600)) == 1)
        #expect(try store.applyDuePolicies(now: now.addingTimeInterval(13 * 3600)) == 0, "sent once")
        let policyEvents = { sink.events.filter { $0.detailType == "Parameter Store Policy Action" } }
        #expect(policyEvents().count == 1)
        #expect(policyEvents()[0].detailJSON.contains(#""policy-type":"NoChangeNotification","parameter-name":"/exp","parameter-type":"String""#))
        #expect(policyEvents()[0].detailJSON.contains("The parameter has not been changed for 12 hours."))
        #expect(try store.nextPolicyTime() == expiry.addingTimeInterval(-86_400))
        #expect(try store.applyDuePolicies(now: expiry.addingTimeInterval(-86_400)) == 1)
        #expect(try store.describe(filters: [], legacy: [], limit: 50, after: nil).views.first?.policies.map(\.status)
                == ["Pending", "Finished", "Finished"])
        #expect(try store.applyDuePolicies(now: expiry) == 1)
        #expect(parameterError { _ = try store.get("/exp", decrypt: false) }?.code == "ParameterNotFound")
        #expect(policyEvents().map { $0.detailJSON.contains(#""policy-type":"Expiration""#) } == [false, false, true])
        #expect(sink.events.last?.detailJSON.contains(#""operation":"Delete""#) == true)
        #expect(sink.events.last?.time == expiry, "the parameter is gone at its expiration time")
        #expect(try store.nextPolicyTime() == nil)
    }

    @Test("a change restarts NoChangeNotification")
    func noChangeResets() throws {
        let store = try Fixture.store()
        let policy = #"[{"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"1","Unit":"Days"}}]"#
        _ = try store.put(PutParameterRequest(name: "/n", value: "1", type: .string, tier: .advanced, policies: policy), user: user, now: now)
        let later = now.addingTimeInterval(20 * 3600)
        _ = try store.put(PutParameterRequest(name: "/n", value: "2", overwrite: true), user: user, now: later)
        #expect(try store.nextPolicyTime() == later.addingTimeInterval(86_400))
        #expect(try store.history("/n", decrypt: false, limit: 50, after: 0).views.map { $0.policies.count } == [1, 1], "policies persist")
    }

    @Test("SecureString: ciphertext without decryption, value with it; unknown KeyId; custom keys by alias")
    func secureStrings() throws {
        let store = try Fixture.store()
        _ = try store.put(PutParameterRequest(name: "/s/pw", value: "hunter2", type: .secureString), user: user, now: now)
        let hidden = try store.get("/s/pw", decrypt: false)
        #expect(hidden.value != "hunter2")
        #expect(Data(base64Encoded: hidden.value) != nil)
        #expect(hidden.keyId == "alias/aws/ssm")
        #expect(try store.get("/s/pw", decrypt: true).value == "hunter2")
        #expect(parameterError { _ = try store.put(PutParameterRequest(name: "/s/x", value: "v", type: .secureString, keyId: "alias/nope"), user: user, now: now) }?.code
                == "InvalidKeyId")
        _ = try store.put(PutParameterRequest(name: "/s/app", value: "v1", type: .secureString, keyId: "alias/app"), user: user, now: now)
        _ = try store.put(PutParameterRequest(name: "/s/app", value: "v2", overwrite: true), user: user, now: now)
        #expect(try store.get("/s/app", decrypt: true).value == "v2")
        #expect(try store.get("/s/app", decrypt: true).keyId == "alias/app", "the key id as given, kept on overwrite")
        let filtered = try store.describe(filters: [ParameterFilter(key: "KeyId", option: nil, values: ["alias/app"])], legacy: [], limit: 50, after: nil)
        #expect(filtered.views.map(\.name) == ["/s/app"])
    }

    @Test("rotation re-encrypts lazily and never loses a version")
    func rotation() throws {
        let database = try Fixture.store().database
        let old = ParameterStore(database: database, keyRing: Fixture.keyRing([1]), events: RecordingSink(), region: Fixture.region, account: Fixture.account)
        _ = try old.put(PutParameterRequest(name: "/r", value: "one", type: .secureString), user: user, now: now)
        _ = try old.put(PutParameterRequest(name: "/r", value: "two", overwrite: true), user: user, now: now)
        let before = try database.parameterVersion(key: "r", version: 1, label: nil)?.1?.ciphertext
        old.replaceKeyRing(Fixture.keyRing([1, 2]))
        #expect(try old.history("/r", decrypt: true, limit: 50, after: 0).views.map(\.value) == ["one", "two"])
        let after = try database.parameterVersion(key: "r", version: 1, label: nil)?.1?.ciphertext
        #expect(before != after, "moved to master key 2 when read")
        old.replaceKeyRing(Fixture.keyRing([2]))
        #expect(try old.history("/r", decrypt: true, limit: 50, after: 0).views.map(\.value) == ["one", "two"], "version 1 no longer needed")
    }

    @Test("by path: one level or recursive, Type/KeyId/Label filters, pages; describe filters")
    func listing() throws {
        let store = try Fixture.store()
        for name in ["/a/1", "/a/2", "/a/b/3", "/ab/4", "/c"] {
            _ = try store.put(PutParameterRequest(name: name, value: "v", type: name == "/a/2" ? .stringList : .string), user: user, now: now)
        }
        _ = try store.addTags("/a/1", [ParameterTag(key: "team", value: "ops")])
        #expect(try store.byPath("/a", recursive: false, filters: [], decrypt: false, limit: 10, after: nil).views.map(\.name) == ["/a/1", "/a/2"])
        #expect(try store.byPath("/a", recursive: true, filters: [], decrypt: false, limit: 10, after: nil).views.map(\.name) == ["/a/1", "/a/2", "/a/b/3"])
        #expect(try store.byPath("/", recursive: false, filters: [], decrypt: false, limit: 10, after: nil).views.map(\.name) == ["/c"])
        let page = try store.byPath("/a", recursive: true, filters: [], decrypt: false, limit: 2, after: nil)
        #expect(page.views.count == 2)
        #expect(try store.byPath("/a", recursive: true, filters: [], decrypt: false, limit: 2, after: page.next).views.map(\.name) == ["/a/b/3"])
        let lists = try store.byPath("/a", recursive: true, filters: [ParameterFilter(key: "Type", option: nil, values: ["StringList"])],
                                     decrypt: false, limit: 10, after: nil)
        #expect(lists.views.map(\.name) == ["/a/2"])
        _ = try store.label("/a/b/3", version: 1, labels: ["prod"], now: now)
        let labelled = try store.byPath("/", recursive: true, filters: [ParameterFilter(key: "Label", option: "Equals", values: ["prod"])],
                                        decrypt: false, limit: 10, after: nil)
        #expect(labelled.views.map(\.name) == ["/a/b/3"])
        #expect(parameterError { _ = try store.byPath("/a", recursive: true, filters: [ParameterFilter(key: "Name", option: nil, values: ["x"])],
                                                     decrypt: false, limit: 10, after: nil) }?.code == "InvalidFilterKey")
        func describe(_ filters: [ParameterFilter]) throws -> [String] {
            try store.describe(filters: filters, legacy: [], limit: 50, after: nil).views.map(\.name)
        }
        #expect(try describe([ParameterFilter(key: "Name", option: "BeginsWith", values: ["/a"])]) == ["/a/1", "/a/2", "/a/b/3", "/ab/4"])
        #expect(try describe([ParameterFilter(key: "Name", option: "Contains", values: ["b"])]) == ["/a/b/3", "/ab/4"])
        #expect(try describe([ParameterFilter(key: "Name", option: "Equals", values: ["c"])]) == ["/c"])
        #expect(try describe([ParameterFilter(key: "Path", option: "Recursive", values: ["/a"])]) == ["/a/1", "/a/2", "/a/b/3"])
        #expect(try describe([ParameterFilter(key: "Path", option: nil, values: ["/a"])]) == ["/a/1", "/a/2"])
        #expect(try describe([ParameterFilter(key: "tag:team", option: nil, values: [])]) == ["/a/1"])
        #expect(try describe([ParameterFilter(key: "tag:team", option: "BeginsWith", values: ["o"])]) == ["/a/1"])
        #expect(try describe([ParameterFilter(key: "Tier", option: nil, values: ["Standard"]), ParameterFilter(key: "DataType", option: nil, values: ["text"])]).count == 5)
        #expect(parameterError { _ = try describe([ParameterFilter(key: "Label", option: nil, values: ["x"])]) }?.code == "InvalidFilterKey")
        #expect(parameterError { _ = try describe([ParameterFilter(key: "Path", option: "Deep", values: ["/a"])]) }?.code == "InvalidFilterOption")
        #expect(parameterError { _ = try describe([ParameterFilter(key: "Type", option: nil, values: [])]) }?.code == "InvalidFilterValue")
        #expect(parameterError { _ = try store.describe(filters: [ParameterFilter(key: "Type", option: nil, values: ["String"])],
                                                        legacy: [ParameterFilter(key: "Name", option: nil, values: ["/a"])], limit: 50, after: nil) }?.message
                == "You can use either Filters or ParameterFilters in a single request.")
        #expect(try store.describe(filters: [], legacy: [ParameterFilter(key: "Name", option: nil, values: ["/a/"])], limit: 50, after: nil).views.count == 3)
    }

    @Test("delete, delete many, tags")
    func deletes() throws {
        let sink = RecordingSink()
        let store = try Fixture.store(sink)
        _ = try store.put(PutParameterRequest(name: "/d/1", value: "v", type: .string, tags: [ParameterTag(key: "k", value: "v")]), user: user, now: now)
        _ = try store.put(PutParameterRequest(name: "/d/2", value: "v", type: .string), user: user, now: now)
        #expect(try store.tags("d/1") == [ParameterTag(key: "k", value: "v")])
        try store.addTags("/d/1", [ParameterTag(key: "k", value: "w"), ParameterTag(key: "z", value: "")])
        try store.removeTags("/d/1", keys: ["z", "absent"])
        #expect(try store.tags("/d/1") == [ParameterTag(key: "k", value: "w")])
        #expect(parameterError { try store.addTags("/d/1", (0..<50).map { ParameterTag(key: "t\($0)", value: "") }) }?.code == "TooManyTagsError")
        #expect(parameterError { _ = try store.tags("/none") }?.code == "InvalidResourceId")
        try store.delete("/d/1", now: now)
        #expect(parameterError { try store.delete("/d/1", now: now) } == ParameterError("ParameterNotFound", ""))
        let many = try store.delete(names: ["/d/2", "/d/3"], now: now)
        #expect(many.deleted == ["/d/2"])
        #expect(many.invalid == ["/d/3"])
        #expect(sink.events.filter { $0.detailJSON.contains(#""operation":"Delete""#) }.count == 2)
        _ = try store.put(PutParameterRequest(name: "/d/1", value: "again", type: .string), user: user, now: now)
        #expect(try store.get("/d/1", decrypt: false).version == 1, "a re-created parameter starts over")
        #expect(try store.tags("/d/1").isEmpty)
    }

    @Test("values: empty refused, {{ }} refused, patterns kept across overwrites")
    func values() throws {
        let store = try Fixture.store()
        #expect(parameterError { _ = try store.put(PutParameterRequest(name: "/v", value: "", type: .string), user: user, now: now) }?.code == "ValidationException")
        #expect(parameterError { _ = try store.put(PutParameterRequest(name: "/v", value: "{{ssm:/other}}", type: .string), user: user, now: now) }?.code
                == "ValidationException")
        _ = try store.put(PutParameterRequest(name: "/v", value: "12", type: .string, allowedPattern: #"\d{1,4}"#), user: user, now: now)
        #expect(parameterError { _ = try store.put(PutParameterRequest(name: "/v", value: "10000", overwrite: true), user: user, now: now) }?.code
                == "ParameterPatternMismatchException")
        #expect(parameterError { _ = try store.put(PutParameterRequest(name: "/w", value: "x", type: .string, allowedPattern: "("), user: user, now: now) }?.code
                == "InvalidAllowedPatternException")
    }
}
