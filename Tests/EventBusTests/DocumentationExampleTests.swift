import EventBus
import Testing

/// The examples of AWS's "Content filtering in Amazon EventBridge event patterns",
/// "Arrays in Amazon EventBridge event patterns" and "Matching on null values and empty
/// strings" pages and of event-ruler's README, against their sample events.
@Suite("AWS documentation examples")
struct DocumentationExampleTests {
    /// The sample EC2 event of event-ruler's README (and AWS's content-filtering page).
    let ec2Event = #"""
    {
      "version": "0",
      "id": "ddddd4-aaaa-7777-4444-345dd43cc333",
      "detail-type": "EC2 Instance State-change Notification",
      "source": "aws.ec2",
      "account": "012345679012",
      "time": "2017-10-02T16:24:49Z",
      "region": "us-east-1",
      "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
      "detail": {
        "c-count": 5,
        "d-count": 3,
        "x-limit": 301.8,
        "source-ip": "10.0.0.33",
        "instance-id": "i-000000aaaaaa00000",
        "state": "running"
      }
    }
    """#

    @Test(arguments: [
        #"{"detail-type": ["EC2 Instance State-change Notification"], "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"], "detail": {"state": ["initializing", "running"]}}"#,
        #"{"time": [{"prefix": "2017-10-02"}]}"#,
        #"{"source": [{"suffix": "ec2"}]}"#,
        #"{"source": [{"equals-ignore-case": "AWS.EC2"}]}"#,
        #"{"detail-type": [{"wildcard": "EC2*State-change*"}]}"#,
        #"{"detail": {"state": [{"anything-but": "initializing"}]}}"#,
        #"{"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}}"#,
        #"{"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}"#,
        #"{"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}], "d-count": [{"numeric": ["<", 10]}], "x-limit": [{"numeric": ["=", 3.018e2]}]}}"#,
        #"{"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}"#,
        #"{"detail": {"c-count": [{"exists": true}]}}"#,
        #"{"detail": {"d2-count": [{"exists": false}]}}"#,
        #"""
        {"time": [{"prefix": "2017-10-02"}],
         "detail": {"state": [{"anything-but": "initializing"}], "c-count": [{"numeric": [">", 0, "<=", 5]}],
                    "d-count": [{"numeric": ["<", 10]}], "x-limit": [{"anything-but": [100, 200, 300]}],
                    "source-ip": [{"cidr": "10.0.0.0/8"}]}}
        """#,
    ])
    func readmeRulesMatchTheSampleEvent(pattern: String) throws {
        #expect(try matches(pattern, ec2Event))
    }

    @Test(arguments: [
        #"{"detail-type": ["EC2 Instance State-change Notification"], "detail": {"state": ["initializing"]}}"#,
        #"{"time": [{"prefix": "2017-10-03"}]}"#,
        #"{"detail": {"state": [{"anything-but": ["running", "stopped"]}]}}"#,
        #"{"detail": {"c-count": [{"numeric": [">", 5]}]}}"#,
        #"{"detail": {"source-ip": [{"cidr": "10.0.1.0/24"}]}}"#,
        #"{"detail": {"c-count": [{"exists": false}]}}"#,
        #"{"source": ["aws.ec2"], "detail": {"instance-id": [{"prefix": "i-1"}]}}"#,
    ])
    func nearMissesDoNotMatchTheSampleEvent(pattern: String) throws {
        #expect(try !matches(pattern, ec2Event))
    }

    @Test func existsFalseOnAnIntermediateNodeMatches() throws {
        // README: exists works on leaves only, so an object at c-count means "absent".
        let event = #"{"detail-type": "EC2 Instance State-change Notification", "detail": {"state": "running", "c-count": {"c1": 100}}}"#
        #expect(try matches(#"{"detail": {"c-count": [{"exists": false}]}}"#, event))
        #expect(try !matches(#"{"detail": {"c-count": [{"exists": true}]}}"#, event))
    }

    @Test func nullValuesAndEmptyStrings() throws {
        let event = #"""
        {"version": "0", "id": "3e3c153a-8339-4e30-8c35-687ebef853fe", "detail-type": "EC2 Instance Launch Successful",
         "source": "aws.autoscaling", "account": "123456789012", "time": "2015-11-11T21:31:47Z", "region": "us-east-1",
         "resources": [], "detail": {"eventVersion": "", "responseElements": null}}
        """#
        #expect(try matches(#"{"detail": {"eventVersion": [""]}}"#, event))
        #expect(try matches(#"{"detail": {"responseElements": [null]}}"#, event))
        #expect(try !matches(#"{"detail": {"eventVersion": [null]}}"#, event))
        #expect(try !matches(#"{"detail": {"responseElements": [""]}}"#, event))
        // An empty array has no values: neither null nor anything else matches it.
        #expect(try !matches(#"{"resources": [null]}"#, event))
        #expect(try !matches(#"{"resources": [{"exists": true}]}"#, event))
    }

    @Test func arrayIntersection() throws {
        let pattern = #"""
        {"resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
                       "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
                       "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"]}
        """#
        let event = #"""
        {"resources": ["arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
                       "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]}
        """#
        #expect(try matches(pattern, event))
        #expect(try !matches(pattern, #"{"resources": ["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"]}"#))
    }

    @Test func calendarStateChangeRule() throws {
        // The rule schedulerd users write: act when a change calendar closes.
        let pattern = #"{"source": ["aws.ssm"], "detail-type": ["Calendar State Change"], "detail": {"state": ["CLOSED"]}}"#
        func event(state: String) -> String {
            #"""
            {"version": "0", "id": "47a3f03a-f30d-1011-ac9a-EXAMPLE", "detail-type": "Calendar State Change", "source": "aws.ssm",
             "account": "123456789012", "time": "2020-09-19T18:00:07Z", "region": "us-east-2",
             "resources": ["arn:aws:ssm:us-east-2:123456789012:document/MyCalendar"],
             "detail": {"state": "\#(state)", "atTime": "2020-09-19T18:00:07Z", "nextTransitionTime": "2020-09-19T19:00:00Z"}}
            """#
        }
        #expect(try matches(pattern, event(state: "CLOSED")))
        #expect(try !matches(pattern, event(state: "OPEN")))
    }
}

@Suite("Arrays in events")
struct ArraySemanticsTests {
    let employees = #"{"employees": [{"firstName": "John", "lastName": "Doe"}, {"firstName": "Anna", "lastName": "Smith"}, {"firstName": "Peter", "lastName": "Jones"}]}"#

    @Test func objectsInArraysAreSearchedElementByElement() throws {
        #expect(try matches(#"{"employees": {"firstName": ["Anna"]}}"#, employees))
        #expect(try matches(#"{"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}}"#, employees))
    }

    @Test func fieldsOfOnePatternObjectMustHoldInTheSameElement() throws {
        // event-ruler's array consistency: Anna and Jones are in different elements.
        #expect(try !matches(#"{"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}}"#, employees))
    }

    @Test func nestedArraysAreFlattened() throws {
        let nested = #"{"employees": [[{"firstName": "John", "lastName": "Doe"}, {"firstName": "Anna", "lastName": "Smith"}], [{"firstName": "Peter", "lastName": "Jones"}]]}"#
        #expect(try matches(#"{"employees": {"firstName": ["Peter"], "lastName": ["Jones"]}}"#, nested))
        #expect(try !matches(#"{"employees": {"firstName": ["Peter"], "lastName": ["Smith"]}}"#, nested))
        #expect(try matches(#"{"n": [3]}"#, #"{"n": [[1, 2], [3]]}"#))
    }

    @Test func existsFalseIsJudgedPerElement() throws {
        let event = #"{"items": [{"id": 1, "flag": true}, {"id": 2}]}"#
        #expect(try matches(#"{"items": {"flag": [{"exists": false}]}}"#, event))
        #expect(try matches(#"{"items": {"id": [2], "flag": [{"exists": false}]}}"#, event))
        #expect(try !matches(#"{"items": {"id": [1], "flag": [{"exists": false}]}}"#, event))
    }

    @Test func scalarsBesideObjectsAreIgnoredForNestedPatterns() throws {
        let event = #"{"items": [{"flag": true}, 5, "x"]}"#
        #expect(try !matches(#"{"items": {"flag": [{"exists": false}]}}"#, event))
        #expect(try matches(#"{"items": {"flag": [true]}}"#, event))
        // An array with no objects is no object: nested fields are all absent.
        #expect(try matches(#"{"items": {"flag": [{"exists": false}]}}"#, #"{"items": [1, 2]}"#))
    }

    @Test func orBranchesStayWithinOneElement() throws {
        let pattern = #"{"items": {"kind": ["a"], "$or": [{"size": [1]}, {"color": ["red"]}]}}"#
        #expect(try matches(pattern, #"{"items": [{"kind": "b", "size": 1}, {"kind": "a", "color": "red"}]}"#))
        #expect(try !matches(pattern, #"{"items": [{"kind": "b", "size": 1}, {"kind": "a", "color": "blue"}]}"#))
    }
}
