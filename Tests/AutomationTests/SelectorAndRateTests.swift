@testable import Automation
import EventBus
import Testing

@Suite("PropertySelector: the JSONPath subset of Automation")
struct PropertySelectorTests {
    let response: JSONValue = [
        "Reservations": [
            ["Instances": [["InstanceId": "i-1", "State": ["Code": 16, "Name": "running"], "Tags": [["Key": "a-b", "Value": "x"]]]]],
            ["Instances": [["InstanceId": "i-2", "State": ["Code": 80, "Name": "stopped"]], ["InstanceId": "i-3", "State": ["Code": 80, "Name": "stopped"]]]],
        ],
        "Flag": true,
    ]

    @Test func childAndIndex() throws {
        #expect(try PropertySelector("$.Reservations[0].Instances[0].State.Code").select(response) == 16)
        #expect(try PropertySelector("$.Reservations[1].Instances[-1].InstanceId").select(response) == "i-3")
        #expect(try PropertySelector("$['Reservations'][0]['Instances'][0]['InstanceId']").select(response) == "i-1")
        #expect(try PropertySelector("$.Reservations[5].Instances").select(response) == nil, "out of range selects nothing")
        #expect(try PropertySelector("$.Missing.Deeper").select(response) == nil)
        #expect(try PropertySelector("$").select(.string("x")) == "x")
    }

    @Test func deepScanAndWildcardsAlwaysSelectLists() throws {
        #expect(try PropertySelector("$..InstanceId").select(response) == ["i-1", "i-2", "i-3"])
        #expect(try PropertySelector("$.Reservations[*].Instances[*].State.Name").select(response) == ["running", "stopped", "stopped"])
        #expect(try PropertySelector("$..Nothing").select(response) == [])
        #expect(try PropertySelector("$.Reservations[0].Instances[0].State.*").select(response) == [16, "running"])
        #expect(try PropertySelector("$..Instances..InstanceId").selectsList)
    }

    @Test func textAsDesiredValuesCompareIt() {
        #expect(PropertySelector.text(of: 16) == "16")
        #expect(PropertySelector.text(of: 1.5) == "1.5")
        #expect(PropertySelector.text(of: true) == "True")
        #expect(PropertySelector.text(of: "available") == "available")
    }

    @Test(arguments: ["Reservations", "$.", "$..", "$[x]", "$[0", "$['a]", "$.a b[", "$#"])
    func malformedSelectorsAreRefused(_ text: String) {
        #expect(throws: PropertySelector.SyntaxError.self) { try PropertySelector(text) }
    }
}

@Suite("Rate control: MaxConcurrency and MaxErrors")
struct RateControlTests {
    @Test func limitsResolveAgainstTheTargetCount() {
        let rate = RateControl(concurrency: .percent(10), errors: .percent(10))
        #expect(rate.concurrent(of: 50) == 5)
        #expect(rate.concurrent(of: 5) == 1, "a percentage never allows less than one at a time")
        #expect(rate.toleratedErrors(of: 50) == 5, "10% of 50: the sixth error stops new starts")
        #expect(RateControl(concurrency: .count(3), errors: .count(0)).toleratedErrors(of: 50) == 0)
    }

    @Test func launchesRespectConcurrencyAndErrors() {
        let rate = RateControl(concurrency: .count(2), errors: .count(1))
        #expect(rate.launches(total: 5, started: 0, running: 0, errors: 0) == 2)
        #expect(rate.launches(total: 5, started: 2, running: 2, errors: 0) == 0)
        #expect(rate.launches(total: 5, started: 2, running: 1, errors: 1) == 1, "one error is tolerated")
        #expect(rate.launches(total: 5, started: 3, running: 0, errors: 2) == 0, "the second error stops new starts")
        #expect(rate.launches(total: 3, started: 3, running: 0, errors: 0) == 0)
    }

    @Test func awsPatterns() {
        for valid in ["1", "10", "100%", "5%", "50%"] { #expect(RateControl.validConcurrency(valid), "\(valid)") }
        for invalid in ["0", "0%", "01", "101%", "x", "-1", ""] { #expect(!RateControl.validConcurrency(invalid), "\(invalid)") }
        for valid in ["0", "3", "0%", "10%", "100%"] { #expect(RateControl.validErrors(valid), "\(valid)") }
        for invalid in ["03", "101%", "ten", ""] { #expect(!RateControl.validErrors(invalid), "\(invalid)") }
    }
}
