import SchedulerConfiguration
import Testing

@Suite("The fleet section")
struct FleetConfigurationTests {
    @Test("groups, databases, transitions (0 allowed) and faults, in order, with defaults")
    func full() throws {
        let configuration = try parse("""
            fleet:
              transitions: {ec2_start: 0, ec2_stop: 1s, rds_start: 2m, rds_auto_start: 24h}
              ec2:
                - group: web
                  count: 3
                  type: t3.small
                  tags: {Schedule: office-hours, Name: web, Empty: }
                - {group: spare, count: 1, state: stopped, image: ami-12345678, availability_zone: us-east-1b}
              rds:
                - {identifier: Orders-DB, engine: mysql, class: db.r6g.large, storage: 100, state: stopped, tags: {Schedule: office-hours}}
                - identifier: reports
              faults:
                - {kind: insufficient-capacity, group: web, times: 1}
                - {kind: throttle, service: ec2, operation: StopInstances, probability: 0.25}
                - {kind: hang, database: orders-db, operation: stop}
                - {kind: hang, instance: i-0123456789abcdef0}
                - {kind: throttle}
            """).fleet
        #expect(configuration.transitions.ec2Start == .zero)
        #expect(configuration.transitions.ec2Stop == .seconds(1))
        #expect(configuration.transitions.rdsStart == .seconds(120))
        #expect(configuration.transitions.rdsAutoStart == .seconds(86_400))
        #expect(configuration.transitions.ec2Terminate == nil)
        #expect(configuration.instanceGroups.map(\.name) == ["web", "spare"])
        let web = configuration.instanceGroups[0]
        #expect(web.count == 3 && web.instanceType == "t3.small" && web.state == "running" && web.imageId == nil)
        #expect(web.tags == [TagConfiguration(key: "Schedule", value: "office-hours"), TagConfiguration(key: "Name", value: "web"),
                             TagConfiguration(key: "Empty", value: "")])
        #expect(configuration.instanceGroups[1].state == "stopped" && configuration.instanceGroups[1].availabilityZone == "us-east-1b")
        let orders = configuration.databases[0]
        #expect(orders.identifier == "orders-db", "identifiers are lower-cased, as RDS keeps them")
        #expect(orders.engine == "mysql" && orders.instanceClass == "db.r6g.large" && orders.allocatedStorage == 100 && orders.state == "stopped")
        #expect(configuration.databases[1].engine == "postgres" && configuration.databases[1].instanceClass == "db.t3.micro")
        #expect(configuration.faults.map(\.target) == [.group("web"), .fleet(service: "ec2"), .database("orders-db"),
                                                      .instance("i-0123456789abcdef0"), .fleet(service: nil)])
        #expect(configuration.faults[0].times == 1 && configuration.faults[1].probability == 0.25)
        #expect(configuration.faults[2].operation == "stop")
    }

    @Test("mistakes are refused at their line and column", arguments: [
        ("fleet:\n  ec2:\n    - {group: web, cuont: 3}\n", "fleet.ec2[0].cuont", 3, 20, "unknown key 'cuont'; did you mean 'count'?"),
        ("fleet:\n  ec2:\n    - {group: web}\n", "fleet.ec2[0].count", 3, 7, "an ec2 group needs a count (how many instances)"),
        ("fleet:\n  ec2:\n    - {group: web, count: 0}\n", "fleet.ec2[0].count", 3, 27, "must be from 1 to 10000, not 0"),
        ("fleet:\n  ec2:\n    - {group: a, count: 1}\n    - {group: a, count: 2}\n", "fleet.ec2[1].group", 4, 15,
         "the group 'a' is already declared at line 3; group names must be unique (they name the instances' ids)"),
        ("fleet:\n  ec2:\n    - {group: a, count: 1, type: large}\n", "fleet.ec2[0].type", 3, 34, "'large' is not an instance type such as t3.micro"),
        ("fleet:\n  ec2:\n    - {group: a, count: 1, state: pending}\n", "fleet.ec2[0].state", 3, 35, "'pending' is not one of running, stopped"),
        ("fleet:\n  ec2:\n    - {group: a, count: 1, tags: {aws:x: 1}}\n", "fleet.ec2[0].tags.aws:x", 3, 35,
         "a tag key is 1 to 128 characters and does not start with 'aws:'"),
        ("fleet:\n  rds:\n    - {identifier: 9db}\n", "fleet.rds[0].identifier", 3, 20,
         "'9db' is not a DB instance identifier: 1 to 63 letters, digits and hyphens, starting with a letter, without two hyphens in a row or one at the end"),
        ("fleet:\n  rds:\n    - {identifier: db, engine: postgress}\n", "fleet.rds[0].engine", 3, 32,
         "'postgress' is not one of postgres, mysql, mariadb, oracle-ee, oracle-se2, sqlserver-ex, sqlserver-web, sqlserver-se, sqlserver-ee"),
        ("fleet:\n  transitions: {ec2_stop: -1}\n", "fleet.transitions.ec2_stop", 2, 27,
         "'-1' is not a duration; write it like 30s, 5m, 24h, 30d, 1h30m or 500ms, or as a number of seconds"),
        ("fleet:\n  transitions: {rds_auto_start: 0}\n", "fleet.transitions.rds_auto_start", 2, 33, "a duration must be longer than zero, not '0'"),
        ("fleet:\n  faults:\n    - {kind: explode}\n", "fleet.faults[0].kind", 3, 14, "'explode' is not one of insufficient-capacity, throttle, hang"),
        ("fleet:\n  ec2:\n    - {group: web, count: 1}\n  faults:\n    - {kind: hang, group: wbe}\n", "fleet.faults[0].group", 5, 27,
         "no ec2 group is named 'wbe'; the groups are web"),
        ("fleet:\n  faults:\n    - {kind: hang, operation: reboot}\n", "fleet.faults[0].operation", 3, 31,
         "a hang fault holds one transition: start, stop, terminate, launch, not 'reboot'"),
        ("fleet:\n  faults:\n    - {kind: hang, probability: 0.5}\n", "fleet.faults[0].probability", 3, 33, "probability applies to throttle faults only"),
        ("fleet:\n  faults:\n    - {kind: throttle, probability: 2}\n", "fleet.faults[0].probability", 3, 37,
         "probability is a number above 0 and at most 1, like 0.25"),
        ("fleet:\n  faults:\n    - {kind: throttle, instance: i-1, database: db}\n", "fleet.faults[0].database", 3, 39,
         "a fault is aimed at one group, instance or database (or, with none of them, at the whole fleet); this one names 'instance' and 'database'"),
        ("fleet:\n  faults:\n    - {kind: throttle, service: ec2, database: db}\n", "fleet.faults[0].service", 3, 33,
         "service: ec2 does not fit a fault aimed at a database"),
    ])
    func errors(yaml: String, path: String, line: Int, column: Int, message: String) throws {
        let error = try #require(parseError(yaml))
        #expect(error.path == path)
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.message == message)
    }
}
