@testable import Daemon
import Foundation
import Testing

@Suite("Target input: Input, InputPath, InputTransformer")
struct TargetInputTests {
    let event: EventEnvelope

    init() throws {
        event = try EventEnvelope(id: "e-1", detailType: "Order", source: "shop", account: "123456789012", region: "us-east-1",
                                  time: Date(timeIntervalSince1970: 1_796_000_000), resources: [],
                                  detailJSON: #"{"a":"Y","b":"<a>","c":{"z":1,"y":2,"x":3}}"#)
    }

    @Test("a transformer substitutes in one pass: inserted text is never scanned again, unknown tags stay")
    func onePass() throws {
        let target = TargetDefinition(id: "t", kind: .log, inputTransformer: .init(
            inputPathsMap: ["a": "$.detail.a", "b": "$.detail.b"], inputTemplate: "<a>|<b>|<unknown>|a < b > c|<<a>>"))
        #expect(try TargetInput.render(target, event: event) == "Y|<a>|<unknown>|a < b > c|<Y>")
    }

    @Test("objects are rendered with their keys sorted, so every redelivery carries the same bytes")
    func deterministic() throws {
        let path = TargetDefinition(id: "t", kind: .log, inputPath: "$.detail.c")
        #expect(try TargetInput.render(path, event: event) == #"{"x":3,"y":2,"z":1}"#)
        let transformer = TargetDefinition(id: "t", kind: .log, inputTransformer: .init(
            inputPathsMap: ["c": "$.detail.c", "missing": "$.detail.nope"], inputTemplate: #"{"c": <c>, "m": <missing>}"#))
        #expect(try TargetInput.render(transformer, event: event) == #"{"c": {"x":3,"y":2,"z":1}, "m": null}"#)
    }

    @Test("the whole event by default, Input verbatim, and the predefined <aws.events.event.json>")
    func defaults() throws {
        #expect(try TargetInput.render(TargetDefinition(id: "t", kind: .log), event: event) == event.json)
        #expect(try TargetInput.render(TargetDefinition(id: "t", kind: .log, input: "{\"fixed\":1}"), event: event) == "{\"fixed\":1}")
        let whole = TargetDefinition(id: "t", kind: .log, inputTransformer: .init(inputPathsMap: [:], inputTemplate: "[<aws.events.event.json>]"))
        #expect(try TargetInput.render(whole, event: event) == "[\(event.json)]", "tags inside the event text are not replaced")
    }
}
