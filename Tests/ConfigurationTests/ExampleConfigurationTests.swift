import SchedulerConfiguration
import Foundation
import Testing

@Suite("The example configuration in config/")
struct ExampleConfigurationTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let path = repository.appendingPathComponent("config/schedulerd.yaml").path

    @Test("loads with the documented values")
    func values() throws {
        let configuration = try DaemonConfiguration.load(path: Self.path)
        #expect(configuration.listen == ListenAddress(host: "127.0.0.1", port: 8750))
        #expect(configuration.dataDirectory == "/var/lib/schedulerd")
        #expect(configuration.region == "us-east-1")
        #expect(configuration.accountID == "123456789012")
        #expect(configuration.defaultTimeZone == "UTC")
        #expect(configuration.logLevel == .info)
        #expect(configuration.maxEventAge == .seconds(24 * 3600))
        #expect(configuration.auth == .default, "requests must be signed: the example leaves auth out")
        #expect(configuration.rules.map(\.name) == ["nightly-stop", "morning-start", "rds-auto-start", "hourly-heartbeat"])
    }

    @Test("calendars_dir resolves to the example calendars beside the file")
    func calendarsDirectory() throws {
        let configuration = try DaemonConfiguration.load(path: Self.path)
        let expected = Self.repository.appendingPathComponent("config/calendars").standardizedFileURL.path
        #expect(configuration.calendarsDirectory == expected)
        #expect(FileManager.default.fileExists(atPath: configuration.calendarsDirectory + "/nightly-stop.ics"))
    }

    @Test("the stop and start rules match the nightly-stop calendar's transitions")
    func calendarRules() throws {
        let rules = try DaemonConfiguration.load(path: Self.path).rules
        let arn = "arn:aws:ssm:us-east-1:123456789012:document/nightly-stop"
        func pattern(_ state: String) -> String {
            #"{"source":["aws.ssm"],"detail-type":["Calendar State Change"],"resources":[""#
                + arn + #""],"detail":{"state":[""# + state + #""]}}"#
        }
        let stop = try #require(rules.first { $0.name == "nightly-stop" })
        #expect(stop.state == .enabled)
        #expect(stop.eventPattern == pattern("CLOSED"))
        func fleetWide(_ document: String) -> TargetKind {
            .automation(AutomationTargetConfiguration(documentName: document, targetParameterName: "InstanceId",
                                                      targets: [.init(key: "tag:Schedule", values: ["office-hours"])],
                                                      maxConcurrency: "100%", maxErrors: "100%"))
        }
        #expect(stop.targets == [
            TargetConfiguration(id: "event-log", kind: .log),
            TargetConfiguration(id: "stop-instances", kind: fleetWide("AWS-StopEC2Instance")),
            TargetConfiguration(id: "stop-databases", kind: fleetWide("AWS-StopRdsInstance")),
        ])

        let start = try #require(rules.first { $0.name == "morning-start" })
        #expect(start.eventPattern == pattern("OPEN"))
        #expect(start.targets == [
            TargetConfiguration(id: "event-log", kind: .log),
            TargetConfiguration(id: "start-instances", kind: fleetWide("StartEC2UnlessHoliday")),
            TargetConfiguration(id: "start-databases", kind: fleetWide("StartRdsUnlessHoliday")),
        ])
    }

    @Test("runbooks_dir resolves to the example runbooks, which the start rule names")
    func runbooksDirectory() throws {
        let configuration = try DaemonConfiguration.load(path: Self.path)
        let expected = Self.repository.appendingPathComponent("config/runbooks").standardizedFileURL.path
        #expect(configuration.runbooksDirectory == expected)
        for name in ["StartEC2UnlessHoliday", "StartRdsUnlessHoliday"] {
            #expect(FileManager.default.fileExists(atPath: "\(expected)/\(name).yaml"))
        }
    }

    @Test("a database RDS starts after 7 days stopped is stopped again")
    func autoStartRule() throws {
        let rule = try #require(try DaemonConfiguration.load(path: Self.path).rules.first { $0.name == "rds-auto-start" })
        #expect(rule.eventPattern == #"{"source":["aws.rds"],"detail-type":["RDS DB Instance Event"],"detail":{"EventID":["RDS-EVENT-0154"]}}"#)
        #expect(rule.targets.map(\.id) == ["stop-again"])
        #expect(rule.targets.first?.kind == .automation(AutomationTargetConfiguration(documentName: "AWS-StopRdsInstance")))
    }

    @Test("the heartbeat rule runs on a schedule with a log target")
    func heartbeat() throws {
        let rules = try DaemonConfiguration.load(path: Self.path).rules
        let heartbeat = try #require(rules.first { $0.name == "hourly-heartbeat" })
        #expect(heartbeat.scheduleExpression == "rate(1 hour)")
        #expect(heartbeat.eventPattern == nil)
        #expect(heartbeat.targets == [TargetConfiguration(id: "event-log", kind: .log)])
    }

    @Test("the example fleet: instances and a database tagged for the schedule, one instance untagged, no faults")
    func fleet() throws {
        let fleet = try DaemonConfiguration.load(path: Self.path).fleet
        #expect(fleet.instanceGroups.map(\.name) == ["web", "batch", "bastion"])
        let tagged = fleet.instanceGroups.filter { $0.tags.contains(TagConfiguration(key: "Schedule", value: "office-hours")) }
        #expect(tagged.map(\.name) == ["web", "batch"])
        #expect(fleet.instanceGroups.last?.tags == [TagConfiguration(key: "Name", value: "bastion")])
        #expect(fleet.databases.map(\.identifier) == ["orders-db"])
        #expect(fleet.databases[0].tags == [TagConfiguration(key: "Schedule", value: "office-hours")])
        #expect(fleet.transitions.ec2Start == .seconds(10) && fleet.transitions.ec2Stop == .seconds(20))
        #expect(fleet.transitions.rdsAutoStart == .seconds(7 * 24 * 3600))
        #expect(fleet.faults.isEmpty)
    }

    @Test("every rule remembers the line of its pattern or schedule")
    func patternLines() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let triggerLines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { line in
                let trimmed = line.element.drop { $0 == " " }
                return trimmed.hasPrefix("event_pattern:") || trimmed.hasPrefix("schedule_expression:")
            }
            .map { $0.offset + 1 }
        let rules = try DaemonConfiguration.load(path: Self.path).rules
        #expect(rules.map(\.patternLine) == triggerLines)
        #expect(rules.allSatisfy { $0.patternColumn == 5 })
    }
}
