@testable import Actions
import EventBus
import Foundation
import Testing

@Suite("RDS DB instances: statuses, the 7-day automatic start, AWS's errors")
struct DatabaseTests {
    @Test("stop: available → stopping → stopped (3 minutes), start: → starting → available (5 minutes), with RDS's events")
    func stopAndStart() async throws {
        let harness = try Harness()
        try harness.declare()
        let stopping = try await harness.simulator.stopDBInstance("orders-db")
        #expect(stopping.status == .stopping)
        try harness.advance(179)
        #expect(try await harness.database("orders-db").status == .stopping)
        try harness.advance(1)
        let stopped = try await harness.database("orders-db")
        #expect(stopped.status == .stopped)
        #expect(stopped.automaticRestartTime == at("2026-12-08T00:03:00Z"), "RDS starts it 7 days after the stop")

        #expect(try await harness.simulator.startDBInstance("orders-db").status == .starting)
        try harness.advance(300)
        let available = try await harness.database("orders-db")
        #expect(available.status == .available)
        #expect(available.automaticRestartTime == nil)
        #expect(try harness.databaseEvents() == ["orders-db RDS-EVENT-0004", "orders-db RDS-EVENT-0087", "orders-db RDS-EVENT-0006",
                                                 "orders-db RDS-EVENT-0088"])
    }

    @Test("a database stopped for 7 days starts by itself (RDS-EVENT-0154), and the next stop starts the count again")
    func automaticStart() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        _ = try await harness.simulator.stopDBInstance("orders-db")
        try harness.advance(0)
        #expect(try await harness.database("orders-db").status == .stopped)
        try harness.advance(7 * 86_400 - 1)
        #expect(try await harness.database("orders-db").status == .stopped)
        try harness.advance(1)
        #expect(try await harness.database("orders-db").status == .available)
        let events = try harness.events().filter { $0.type == "RDS DB Instance Event" }
        let automatic = try #require(events.first { $0.detail["EventID"] == "RDS-EVENT-0154" })
        #expect(automatic.time == "2026-12-08T00:00:00Z")
        #expect(automatic.detail["Message"] == "DB instance is being started due to it exceeding the maximum allowed time being stopped.")
        #expect(automatic.detail["EventCategories"] == ["notification"])
        // The declared-stopped database was registered stopped at the start: 7 days on, it started too.
        #expect(try await harness.database("reports-db").status == .available)
    }

    @Test("a start before the 7 days cancels the automatic one")
    func manualStartCancelsAutomatic() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        _ = try await harness.simulator.stopDBInstance("orders-db")
        try harness.advance(86_400)
        _ = try await harness.simulator.startDBInstance("orders-db")
        try harness.advance(0)
        _ = try await harness.simulator.stopDBInstance("orders-db")
        try harness.advance(6 * 86_400 + 60)
        #expect(try await harness.database("orders-db").status == .stopped, "7 days count from the last stop")
        #expect(!(try harness.databaseEvents().contains("orders-db RDS-EVENT-0154")))
    }

    @Test("wrong statuses: InvalidDBInstanceState; unknown identifiers: DBInstanceNotFound with HTTP 404")
    func errors() async throws {
        let harness = try Harness()
        try harness.declare()
        let start = await resourceError { _ = try await harness.simulator.startDBInstance("orders-db") }
        #expect(start == ResourceError("InvalidDBInstanceState", "Instance orders-db is not stopped, it cannot be started."))
        let stop = await resourceError { _ = try await harness.simulator.stopDBInstance("reports-db") }
        #expect(stop == ResourceError("InvalidDBInstanceState", "Instance reports-db is not in available state."))
        let missing = await resourceError { _ = try await harness.simulator.stopDBInstance("nope") }
        #expect(missing == ResourceError("DBInstanceNotFound", "DBInstance nope not found.", status: 404))
        let described = await resourceError { _ = try await harness.simulator.describeDBInstances(DBInstanceQuery(identifier: "nope"), page: .all) }
        #expect(described?.status == 404)
        let duplicate = await resourceError {
            _ = try await harness.simulator.createDBInstance(CreateDBInstanceRequest(identifier: "Orders-DB", instanceClass: "db.t3.micro", engine: "postgres"))
        }
        #expect(duplicate?.code == "DBInstanceAlreadyExists", "identifiers are not case-sensitive")
        let badName = await resourceError {
            _ = try await harness.simulator.createDBInstance(CreateDBInstanceRequest(identifier: "1db", instanceClass: "db.t3.micro", engine: "postgres"))
        }
        #expect(badName?.code == "InvalidParameterValue")
        let snapshot = await resourceError { _ = try await harness.simulator.deleteDBInstance("orders-db", skipFinalSnapshot: false, finalSnapshotIdentifier: nil) }
        #expect(snapshot == ResourceError("InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified."))
    }

    @Test("create: creating → available; delete: deleting → gone; identifiers and ARNs, lower-cased")
    func createAndDelete() async throws {
        let harness = try Harness()
        let created = try await harness.simulator.createDBInstance(
            CreateDBInstanceRequest(identifier: "Analytics", instanceClass: "db.r6g.large", engine: "mysql", tags: [Tag("Team", "bi")]))
        #expect(created.identifier == "analytics")
        #expect(created.status == .creating)
        #expect(created.arn == "arn:aws:rds:us-east-1:123456789012:db:analytics")
        #expect(created.engineVersion == "8.0.39" && created.port == 3306)
        #expect(created.resourceId.wholeMatch(of: /db-[A-Z2-7]{26}/) != nil)
        try harness.advance(600)
        let byARN = try await harness.simulator.describeDBInstances(
            DBInstanceQuery(identifier: "arn:aws:rds:us-east-1:123456789012:db:ANALYTICS"), page: .all).items
        #expect(byARN.map(\.status) == [.available])
        #expect(byARN.first?.tags == [Tag("Team", "bi")])

        let deleting = try await harness.simulator.deleteDBInstance("analytics", skipFinalSnapshot: true, finalSnapshotIdentifier: nil)
        #expect(deleting.status == .deleting)
        let again = await resourceError { _ = try await harness.simulator.deleteDBInstance("analytics", skipFinalSnapshot: true, finalSnapshotIdentifier: nil) }
        #expect(again == ResourceError("InvalidDBInstanceState", "Instance analytics is already being deleted."))
        try harness.advance(300)
        let gone = await resourceError { _ = try await harness.database("analytics") }
        #expect(gone?.code == "DBInstanceNotFound")
        #expect(try harness.databaseEvents() == ["analytics RDS-EVENT-0005", "analytics RDS-EVENT-0002", "analytics RDS-EVENT-0003"])
    }

    @Test("filters: db-instance-id (identifiers or ARNs) and engine; tags on DB instances by identifier")
    func filtersAndTags() async throws {
        let harness = try Harness()
        try harness.declare()
        func identifiers(_ filters: ResourceFilter...) async throws -> [String] {
            try await harness.simulator.describeDBInstances(DBInstanceQuery(filters: filters), page: .all).items.map(\.identifier)
        }
        #expect(try await identifiers() == ["orders-db", "reports-db"])
        #expect(try await identifiers(ResourceFilter("engine", ["mysql"])) == ["reports-db"])
        #expect(try await identifiers(ResourceFilter("db-instance-id", ["arn:aws:rds:us-east-1:123456789012:db:orders-db"])) == ["orders-db"])
        let unknown = await resourceError { _ = try await identifiers(ResourceFilter("tag:Schedule", ["x"])) }
        #expect(unknown?.code == "InvalidParameterValue")

        try await harness.simulator.addTags([Tag("Owner", "team-a")], toDBInstance: "reports-db")
        #expect(try await harness.simulator.tags(ofDBInstance: "reports-db") == [Tag("Owner", "team-a")])
        try await harness.simulator.removeTags(["Owner"], fromDBInstance: "reports-db")
        #expect(try await harness.simulator.tags(ofDBInstance: "reports-db").isEmpty)
    }

    @Test("events: RDS DB Instance Event, shaped as AWS's, with the tags of the moment")
    func eventShape() async throws {
        let harness = try Harness(times: .immediate)
        try harness.declare()
        _ = try await harness.simulator.stopDBInstance("orders-db")
        try harness.advance(0)
        let stored = try harness.database.events(since: nil).map(\.event)
        #expect(stored.map(\.source) == ["aws.rds", "aws.rds"])
        let body = try JSONValue(json: stored[1].body)
        #expect(body["detail-type"] == "RDS DB Instance Event")
        #expect(body["resources"] == ["arn:aws:rds:us-east-1:123456789012:db:orders-db"])
        #expect(body["detail"] == [
            "EventCategories": ["notification"], "SourceType": "DB_INSTANCE",
            "SourceArn": "arn:aws:rds:us-east-1:123456789012:db:orders-db", "Date": "2026-12-01T00:00:00.000Z",
            "Message": "DB instance stopped", "SourceIdentifier": "orders-db", "EventID": "RDS-EVENT-0087",
            "Tags": ["Schedule": "office-hours"],
        ])
    }
}
