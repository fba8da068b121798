import Daemon
import Foundation
import Store
import Testing

@Suite("schedulerd events --timeline")
struct EventTimelineTests {
    var events: [StoredEvent] = []
    var clock = 1_796_090_400.0   // 2026-12-01T02:00:00Z

    mutating func add(_ source: String, _ detailType: String, resources: [String] = [], detail: String, at time: Double? = nil) {
        let at = time ?? clock
        clock = at + 1
        let body = #"{"version":"0","id":"e\#(events.count)","detail-type":"\#(detailType)","source":"\#(source)","account":"123456789012","#
            + #""time":"x","region":"us-east-1","resources":\#(resources.isEmpty ? "[]" : "[\"" + resources.joined(separator: "\",\"") + "\"]"),"#
            + #""detail":\#(detail)}"#
        events.append(StoredEvent(id: "e\(events.count)", dedupeKey: "k\(events.count)", time: at, source: source, detailType: detailType,
                                  body: body, recordedAt: at, deliverable: true))
    }

    mutating func transition(_ calendar: String, _ state: String, at time: Double) {
        add("aws.ssm", "Calendar State Change", resources: ["arn:aws:ssm:us-east-1:123456789012:document/\(calendar)"],
            detail: #"{"state":"\#(state)"}"#, at: time)
    }

    mutating func instance(_ id: String, _ state: String) {
        add("aws.ec2", "EC2 Instance State-change Notification", detail: #"{"instance-id":"\#(id)","state":"\#(state)"}"#)
    }

    mutating func database(_ id: String, _ message: String) {
        add("aws.rds", "RDS DB Instance Event", detail: #"{"SourceIdentifier":"\#(id)","Message":"\#(message)"}"#)
    }

    @Test("one line per transition with the states the fleet settled in; a night when nothing started shows '-'")
    mutating func timeline() {
        instance("i-0", "stopping")   // before any transition
        instance("i-0", "stopped")
        transition("nightly-stop", "CLOSED", at: 1_796_094_000)   // 03:00Z
        for id in ["i-1", "i-2"] { instance(id, "stopping") }
        for id in ["i-1", "i-2"] { instance(id, "stopped") }
        database("orders-db", "DB instance shutdown")
        database("orders-db", "DB instance stopped")
        add("aws.ssm", "EC2 Automation Execution Status-change Notification", detail: #"{"Definition":"AWS-StopEC2Instance","Status":"Success"}"#)
        add("aws.ssm", "EC2 Automation Execution Status-change Notification", detail: #"{"Definition":"AWS-StopRdsInstance","Status":"Failed"}"#)
        transition("nightly-stop", "OPEN", at: 1_796_126_400)      // 12:00Z
        transition("office-hours", "OPEN", at: 1_796_130_000)      // 13:00Z
        for id in ["i-1", "i-2"] { instance(id, "pending") }
        for id in ["i-1", "i-2"] { instance(id, "running") }
        database("orders-db", "DB instance started")
        #expect(EventTimeline.lines(events) == [
            "(before the first transition)" + String(repeating: " ", count: 12) + "  ec2: 1 stopped",   // headings padded alike
            "2026-12-01T03:00:00Z  nightly-stop CLOSED  ec2: 2 stopped · rds: orders-db stopped · automations: 1 AWS-StopRdsInstance Failed",
            "2026-12-01T12:00:00Z  nightly-stop OPEN    -",
            "2026-12-01T13:00:00Z  office-hours OPEN    ec2: 2 running · rds: orders-db available",
        ])
    }

    @Test("no events, no lines")
    func empty() {
        #expect(EventTimeline.lines([]).isEmpty)
    }
}
