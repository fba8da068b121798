import EventBus
import Testing

@Suite("Exact values, prefix, suffix, equals-ignore-case, wildcard")
struct StringOperatorTests {
    @Test func exactStringsMatchByteForByte() throws {
        #expect(try matches(#"{"source": ["aws.ec2"]}"#, #"{"source": "aws.ec2"}"#))
        #expect(try !matches(#"{"source": ["aws.ec2"]}"#, #"{"source": "AWS.EC2"}"#))
        #expect(try !matches(#"{"source": ["aws.ec2"]}"#, #"{"source": "aws.ec2 "}"#))
        #expect(try !matches(#"{"source": ["aws.ec2"]}"#, #"{"other": "aws.ec2"}"#))
        // Precomposed and decomposed é are different bytes, so different values.
        #expect(try !matches(#"{"name": ["\u00e9"]}"#, #"{"name": "e\u0301"}"#))
    }

    @Test func valueListsAreOr() throws {
        let pattern = #"{"state": ["running", "stopped"]}"#
        #expect(try matches(pattern, #"{"state": "running"}"#))
        #expect(try matches(pattern, #"{"state": "stopped"}"#))
        #expect(try !matches(pattern, #"{"state": "pending"}"#))
    }

    @Test func numbersBooleansAndNullMatchByTypeAndValue() throws {
        #expect(try matches(#"{"n": [5]}"#, #"{"n": 5.0}"#))
        #expect(try matches(#"{"n": [3.018e2]}"#, #"{"n": 301.8}"#))
        #expect(try !matches(#"{"n": [5]}"#, #"{"n": "5"}"#))
        #expect(try !matches(#"{"n": ["5"]}"#, #"{"n": 5}"#))
        #expect(try matches(#"{"n": [123456789012]}"#, #"{"n": 123456789012}"#))
        #expect(try matches(#"{"b": [true]}"#, #"{"b": true}"#))
        #expect(try !matches(#"{"b": [true]}"#, #"{"b": "true"}"#))
        #expect(try !matches(#"{"b": [false]}"#, #"{"b": true}"#))
        #expect(try matches(#"{"x": [null]}"#, #"{"x": null}"#))
        #expect(try !matches(#"{"x": [null]}"#, #"{}"#))
        #expect(try !matches(#"{"x": [null]}"#, #"{"x": ""}"#))
        #expect(try !matches(#"{"x": [""]}"#, #"{"x": null}"#))
        #expect(try matches(#"{"x": [""]}"#, #"{"x": ""}"#))
    }

    @Test func prefix() throws {
        let pattern = #"{"time": [{"prefix": "2017-10-02"}]}"#
        #expect(try matches(pattern, #"{"time": "2017-10-02T18:43:48Z"}"#))
        #expect(try !matches(pattern, #"{"time": "2017-10-03T18:43:48Z"}"#))
        #expect(try !matches(pattern, #"{"time": "2017-10-0"}"#))
        #expect(try !matches(#"{"n": [{"prefix": "1"}]}"#, #"{"n": 12}"#))
        #expect(try matches(#"{"s": [{"prefix": ""}]}"#, #"{"s": "anything"}"#))
    }

    @Test func prefixIgnoringCase() throws {
        let pattern = #"{"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}}"#
        #expect(try matches(pattern, #"{"detail": {"service": "eventbridge"}}"#))
        #expect(try matches(pattern, #"{"detail": {"service": "EVENTBUS"}}"#))
        #expect(try !matches(pattern, #"{"detail": {"service": "Event"}}"#))
        #expect(try !matches(pattern, #"{"detail": {"service": "xeventb"}}"#))
    }

    @Test func suffix() throws {
        let pattern = #"{"FileName": [{"suffix": ".png"}]}"#
        #expect(try matches(pattern, #"{"FileName": "image.png"}"#))
        #expect(try !matches(pattern, #"{"FileName": "image.PNG"}"#))
        #expect(try !matches(pattern, #"{"FileName": "image.png.txt"}"#))
    }

    @Test func suffixIgnoringCase() throws {
        let pattern = #"{"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}}"#
        #expect(try matches(pattern, #"{"detail": {"FileName": "photo.PNG"}}"#))
        #expect(try matches(pattern, #"{"detail": {"FileName": "photo.pNg"}}"#))
        #expect(try !matches(pattern, #"{"detail": {"FileName": "photo.jpg"}}"#))
    }

    @Test func equalsIgnoringCase() throws {
        let pattern = #"{"name": [{"equals-ignore-case": "alice"}]}"#
        #expect(try matches(pattern, #"{"name": "Alice"}"#))
        #expect(try matches(pattern, #"{"name": "ALICE"}"#))
        #expect(try !matches(pattern, #"{"name": "Alicia"}"#))
        #expect(try matches(#"{"name": [{"equals-ignore-case": "ÉCOLE"}]}"#, #"{"name": "école"}"#))
    }

    @Test func wildcard() throws {
        let pattern = #"{"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:*:event-bus/*"}]}"#
        #expect(try matches(pattern, #"{"EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/main"}"#))
        #expect(try !matches(pattern, #"{"EventBusArn": "arn:aws:events:us-west-2:123456789012:event-bus/main"}"#))
        // A wildcard matches zero characters too.
        #expect(try matches(#"{"s": [{"wildcard": "Simple*Service"}]}"#, #"{"s": "SimpleService"}"#))
        #expect(try matches(#"{"s": [{"wildcard": "Simple*Service"}]}"#, #"{"s": "Simple Notification Service"}"#))
        #expect(try !matches(#"{"s": [{"wildcard": "Simple*Service"}]}"#, #"{"s": "Simple Service!"}"#))
        #expect(try matches(#"{"s": [{"wildcard": "*"}]}"#, #"{"s": ""}"#))
        #expect(try !matches(#"{"s": [{"wildcard": "*"}]}"#, #"{"s": 5}"#))
        #expect(try matches(#"{"s": [{"wildcard": "*/lib/*"}]}"#, #"{"s": "/usr/lib/x"}"#))
        #expect(try !matches(#"{"s": [{"wildcard": "a*a"}]}"#, #"{"s": "a"}"#))
        #expect(try matches(#"{"s": [{"wildcard": "a*a"}]}"#, #"{"s": "aa"}"#))
    }

    @Test func wildcardEscapes() throws {
        // In JSON, "\\*" is the two characters \* : a literal asterisk.
        #expect(try matches(#"{"s": [{"wildcard": "a\\*b"}]}"#, #"{"s": "a*b"}"#))
        #expect(try !matches(#"{"s": [{"wildcard": "a\\*b"}]}"#, #"{"s": "axb"}"#))
        #expect(try matches(#"{"s": [{"wildcard": "a\\\\*"}]}"#, #"{"s": "a\\anything"}"#))
        #expect(try !matches(#"{"s": [{"wildcard": "a\\\\*"}]}"#, #"{"s": "ab"}"#))
    }
}

@Suite("anything-but")
struct AnythingButTests {
    @Test func singleString() throws {
        let pattern = #"{"detail": {"state": [{"anything-but": "initializing"}]}}"#
        #expect(try matches(pattern, #"{"detail": {"state": "running"}}"#))
        #expect(try !matches(pattern, #"{"detail": {"state": "initializing"}}"#))
        // Any other present value matches, whatever its type; an absent field does not.
        #expect(try matches(pattern, #"{"detail": {"state": null}}"#))
        #expect(try matches(pattern, #"{"detail": {"state": 12}}"#))
        #expect(try !matches(pattern, #"{"detail": {}}"#))
        #expect(try !matches(pattern, #"{"detail": {"state": {"nested": 1}}}"#))
    }

    @Test func singleNumberAndNumberList() throws {
        #expect(try matches(#"{"x-limit": [{"anything-but": 123}]}"#, #"{"x-limit": 789}"#))
        #expect(try !matches(#"{"x-limit": [{"anything-but": 123}]}"#, #"{"x-limit": 123.0}"#))
        let list = #"{"x-limit": [{"anything-but": [100, 200, 300]}]}"#
        #expect(try matches(list, #"{"x-limit": 301.8}"#))
        #expect(try !matches(list, #"{"x-limit": 200}"#))
        #expect(try matches(list, #"{"x-limit": "200"}"#))
    }

    @Test func stringList() throws {
        let pattern = #"{"state": [{"anything-but": ["stopped", "overloaded"]}]}"#
        #expect(try matches(pattern, #"{"state": "running"}"#))
        #expect(try !matches(pattern, #"{"state": "stopped"}"#))
        #expect(try !matches(pattern, #"{"state": "overloaded"}"#))
    }

    @Test func prefixAndSuffix() throws {
        let prefix = #"{"Region": [{"anything-but": {"prefix": "us-"}}]}"#
        #expect(try matches(prefix, #"{"Region": "eu-west-1"}"#))
        #expect(try !matches(prefix, #"{"Region": "us-east-1"}"#))
        #expect(try matches(prefix, #"{"Region": 12}"#))
        let prefixes = #"{"Region": [{"anything-but": {"prefix": ["us-", "eu-"]}}]}"#
        #expect(try matches(prefixes, #"{"Region": "ap-south-1"}"#))
        #expect(try !matches(prefixes, #"{"Region": "eu-west-1"}"#))
        let suffix = #"{"FileName": [{"anything-but": {"suffix": ".png"}}]}"#
        #expect(try matches(suffix, #"{"FileName": "a.jpg"}"#))
        #expect(try !matches(suffix, #"{"FileName": "a.png"}"#))
        #expect(try matches(suffix, #"{"FileName": null}"#))
    }

    @Test func equalsIgnoringCase() throws {
        let single = #"{"state": [{"anything-but": {"equals-ignore-case": "initializing"}}]}"#
        #expect(try matches(single, #"{"state": "running"}"#))
        #expect(try !matches(single, #"{"state": "INITIALIZING"}"#))
        let list = #"{"state": [{"anything-but": {"equals-ignore-case": ["Stopped", "overloaded"]}}]}"#
        #expect(try !matches(list, #"{"state": "STOPPED"}"#))
        #expect(try !matches(list, #"{"state": "Overloaded"}"#))
        #expect(try matches(list, #"{"state": "running"}"#))
    }

    @Test func wildcard() throws {
        let pattern = #"{"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}"#
        #expect(try matches(pattern, #"{"FilePath": "/usr/bin/x"}"#))
        #expect(try !matches(pattern, #"{"FilePath": "/usr/lib/x"}"#))
        #expect(try matches(pattern, #"{"FilePath": 123}"#))
        let list = #"{"FilePath": [{"anything-but": {"wildcard": ["*/lib/*", "*.tmp"]}}]}"#
        #expect(try !matches(list, #"{"FilePath": "/a/b.tmp"}"#))
        #expect(try matches(list, #"{"FilePath": "/a/b.txt"}"#))
    }

    @Test func eventArraysMatchWhenAnyElementIsNotExcluded() throws {
        let pattern = #"{"tags": [{"anything-but": "x"}]}"#
        #expect(try matches(pattern, #"{"tags": ["x", "y"]}"#))
        #expect(try !matches(pattern, #"{"tags": ["x", "x"]}"#))
        #expect(try !matches(pattern, #"{"tags": []}"#))
    }
}

@Suite("numeric")
struct NumericTests {
    @Test func ranges() throws {
        let pattern = #"{"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}}"#
        #expect(try matches(pattern, #"{"detail": {"c-count": 5}}"#))
        #expect(try matches(pattern, #"{"detail": {"c-count": 0.000001}}"#))
        #expect(try !matches(pattern, #"{"detail": {"c-count": 0}}"#))
        #expect(try !matches(pattern, #"{"detail": {"c-count": 5.000001}}"#))
        #expect(try !matches(pattern, #"{"detail": {"c-count": "3"}}"#))
        #expect(try !matches(pattern, #"{"detail": {"c-count": null}}"#))
        #expect(try !matches(pattern, #"{"detail": {}}"#))
    }

    @Test func singleBoundsAndEquality() throws {
        #expect(try matches(#"{"n": [{"numeric": ["<", 10]}]}"#, #"{"n": -1e3}"#))
        #expect(try !matches(#"{"n": [{"numeric": ["<", 10]}]}"#, #"{"n": 10}"#))
        #expect(try matches(#"{"n": [{"numeric": ["<=", 10]}]}"#, #"{"n": 10}"#))
        #expect(try matches(#"{"n": [{"numeric": [">=", -5]}]}"#, #"{"n": -5}"#))
        #expect(try !matches(#"{"n": [{"numeric": [">", -5]}]}"#, #"{"n": -5}"#))
        #expect(try matches(#"{"n": [{"numeric": ["=", 3.018e2]}]}"#, #"{"n": 301.8}"#))
        #expect(try !matches(#"{"n": [{"numeric": ["=", 301.8]}]}"#, #"{"n": 301.81}"#))
        #expect(try matches(#"{"n": [{"numeric": [">=", -5, "<", 0]}]}"#, #"{"n": -0.5}"#))
    }

    @Test func comparesToSixDecimalPlacesWithinFiveBillion() throws {
        // 0.1 + 0.2 style binary noise is below a millionth: these are equal.
        #expect(try matches(#"{"n": [{"numeric": ["=", 0.3]}]}"#, #"{"n": 0.30000000000000004}"#))
        #expect(try matches(#"{"n": [{"numeric": ["<=", 5000000000]}]}"#, #"{"n": 5e9}"#))
        // Beyond ±5e9 a value has no numeric form and never matches a range.
        #expect(try !matches(#"{"n": [{"numeric": [">", 0]}]}"#, #"{"n": 6e9}"#))
        #expect(try !matches(#"{"n": [{"numeric": ["<", 0]}]}"#, #"{"n": -6e9}"#))
    }

    @Test func arraysOfNumbersMatchWhenAnyElementIsInRange() throws {
        let pattern = #"{"n": [{"numeric": [">", 100]}]}"#
        #expect(try matches(pattern, #"{"n": [1, 2, 300]}"#))
        #expect(try !matches(pattern, #"{"n": [1, 2, 3]}"#))
    }
}

@Suite("exists and cidr")
struct ExistsAndCIDRTests {
    @Test func existsTrue() throws {
        let pattern = #"{"detail": {"state": [{"exists": true}]}}"#
        #expect(try matches(pattern, #"{"detail": {"state": "x"}}"#))
        #expect(try matches(pattern, #"{"detail": {"state": null}}"#))
        #expect(try matches(pattern, #"{"detail": {"state": [1]}}"#))
        #expect(try !matches(pattern, #"{"detail": {"other": 1}}"#))
        // Only leaves exist: an object or an empty array at the path is not a value.
        #expect(try !matches(pattern, #"{"detail": {"state": {"a": 1}}}"#))
        #expect(try !matches(pattern, #"{"detail": {"state": []}}"#))
        #expect(try !matches(pattern, #"{"detail": "state"}"#))
    }

    @Test func existsFalse() throws {
        let pattern = #"{"detail": {"state": [{"exists": false}]}}"#
        #expect(try matches(pattern, #"{"detail": {"other": 1}}"#))
        #expect(try matches(pattern, #"{"source": "x"}"#))
        #expect(try matches(pattern, #"{"detail": {"state": {"a": 1}}}"#))
        #expect(try matches(pattern, #"{"detail": {"state": []}}"#))
        #expect(try !matches(pattern, #"{"detail": {"state": "x"}}"#))
        #expect(try !matches(pattern, #"{"detail": {"state": null}}"#))
    }

    @Test func existsFalseAlongsideOtherValues() throws {
        // From the DynamoDB example: matches because homemade.S is absent.
        let pattern = #"{"dynamodb": {"NewImage": {"homemade": {"S": [{"anything-but": ["roses"]}, {"exists": false}]}}}}"#
        #expect(try matches(pattern, #"{"dynamodb": {"NewImage": {"purchased": {"N": "789"}}}}"#))
        #expect(try matches(pattern, #"{"dynamodb": {"NewImage": {"homemade": {"S": "tulips"}}}}"#))
        #expect(try !matches(pattern, #"{"dynamodb": {"NewImage": {"homemade": {"S": "roses"}}}}"#))
    }

    @Test func cidrIPv4() throws {
        let pattern = #"{"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}"#
        #expect(try matches(pattern, #"{"detail": {"source-ip": "10.0.0.33"}}"#))
        #expect(try matches(pattern, #"{"detail": {"source-ip": "10.0.0.255"}}"#))
        #expect(try !matches(pattern, #"{"detail": {"source-ip": "10.0.1.0"}}"#))
        #expect(try !matches(pattern, #"{"detail": {"source-ip": "not an ip"}}"#))
        #expect(try !matches(pattern, #"{"detail": {"source-ip": "10.0.0.256"}}"#))
        #expect(try !matches(pattern, #"{"detail": {"source-ip": "::1"}}"#))
        #expect(try matches(#"{"ip": [{"cidr": "0.0.0.0/0"}]}"#, #"{"ip": "255.255.255.255"}"#))
    }

    @Test func cidrIPv6() throws {
        let pattern = #"{"ip": [{"cidr": "2001:db8::/64"}]}"#
        #expect(try matches(pattern, #"{"ip": "2001:db8::1"}"#))
        #expect(try matches(pattern, #"{"ip": "2001:0db8:0000:0000:ffff:ffff:ffff:ffff"}"#))
        #expect(try !matches(pattern, #"{"ip": "2001:db8:0:1::"}"#))
        #expect(try !matches(pattern, #"{"ip": "10.0.0.1"}"#))
        #expect(try matches(#"{"ip": [{"cidr": "2001:db8:1234:1a00::/56"}]}"#, #"{"ip": "2001:db8:1234:1aff::5"}"#))
    }
}

@Suite("$or")
struct OrTests {
    @Test func topLevel() throws {
        let pattern = #"{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]}, {"namespace": ["AWS/EC2", "AWS/ES"]}]}"#
        #expect(try matches(pattern, #"{"source": "aws.cloudwatch", "metricName": "ReadLatency"}"#))
        #expect(try matches(pattern, #"{"source": "aws.cloudwatch", "namespace": "AWS/ES"}"#))
        #expect(try !matches(pattern, #"{"source": "aws.cloudwatch", "namespace": "AWS/RDS"}"#))
        #expect(try !matches(pattern, #"{"source": "aws.s3", "metricName": "ReadLatency"}"#))
    }

    @Test func nestedAndParallel() throws {
        let pattern = #"""
        {"$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}],
         "detail": {"$or": [{"source": ["aws.cloudwatch"]}, {"detail-type": ["CloudWatch Alarm State Change"]}]}}
        """#
        #expect(try matches(pattern, #"{"namespace": "AWS/EC2", "detail": {"detail-type": "CloudWatch Alarm State Change"}}"#))
        #expect(try !matches(pattern, #"{"namespace": "AWS/EC2", "detail": {"source": "aws.ec2"}}"#))
        #expect(try !matches(pattern, #"{"detail": {"source": "aws.cloudwatch"}}"#))
    }

    @Test func orInsideOrWithAnd() throws {
        let pattern = #"""
        {"source": ["aws.cloudwatch"],
         "$or": [{"metricName": ["CPUUtilization"]},
                 {"metricType": ["MetricType"], "namespace": ["AWS/EC2"], "$or": [{"metricId": [1234]}, {"spaceId": [1000]}]},
                 {"scope": ["Service"]}]}
        """#
        #expect(try matches(pattern, #"{"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2", "spaceId": 1000}"#))
        #expect(try !matches(pattern, #"{"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2", "spaceId": 1}"#))
        #expect(try matches(pattern, #"{"source": "aws.cloudwatch", "scope": "Service"}"#))
    }

    @Test func orWithExistsAndAnythingBut() throws {
        let pattern = #"{"$or": [{"a": [{"exists": false}]}, {"b": [{"anything-but": "x"}]}]}"#
        #expect(try matches(pattern, #"{"b": "x"}"#))
        #expect(try matches(pattern, #"{"a": 1, "b": "y"}"#))
        #expect(try !matches(pattern, #"{"a": 1, "b": "x"}"#))
    }
}
