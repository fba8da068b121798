import Dispatch
import Foundation
@testable import Store
import Testing

/// The daemon's copy of the fleet in memory (`ResourceMirror`) must answer exactly as the
/// tables do, after every kind of write, a rolled-back one, writes racing in group commits,
/// and a write from another process.
@Suite("Resource mirror")
struct ResourceMirrorTests {
    /// Everything a read can ask, answered by one side.
    struct View: Equatable {
        var all: [InstanceRecord]
        var some: [InstanceRecord]
        var databases: [DBInstanceRecord]
        var database: DBInstanceRecord?
        var instanceTags: [ResourceTagRecord]
        var someTags: [ResourceTagRecord]
        var databaseTags: [ResourceTagRecord]
        var faults: [ResourceFaultRecord]
        var due: [Bool]
        var hung: Bool
        var next: Double?

        init(_ tables: any ResourceReading) throws {
            all = try tables.allInstances()
            some = try tables.instances(ids: ["i-2", "i-1", "i-9", "i-1"]).sorted { $0.id < $1.id }
            databases = try tables.allDBInstances()
            database = try tables.dbInstance("orders")
            instanceTags = try tables.tags(type: "instance", ids: nil)
            someTags = try tables.tags(type: "instance", ids: ["i-3", "i-1"])
            databaseTags = try tables.tags(type: "db", ids: nil)
            faults = try tables.faults()
            due = try [50, 100, 150, 250].map { try tables.anyDue(at: $0) }
            hung = try tables.anyHung()
            next = try tables.nextDueTime()
        }
    }

    /// A store with the mirror and a second, plain one on the same file (as another process).
    func stores() throws -> (mirrored: SchedulerDatabase, plain: SchedulerDatabase, directory: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schedulerd-mirror-\(UUID().uuidString)").path
        let mirrored = try SchedulerDatabase.open(directory: directory, mirrorResources: true)
        return (mirrored, try SchedulerDatabase.open(directory: directory), directory)
    }

    func instance(_ id: String, state: String = "running", next: String? = nil, at: Double? = nil) -> InstanceRecord {
        InstanceRecord(id: id, reservationId: "r-\(id)", imageId: "ami-1", instanceType: "t3.micro", availabilityZone: "us-east-1a",
                       privateIpAddress: "10.0.0.1", launchIndex: 0, launchTime: 1, state: state, nextState: next, nextStateAt: at,
                       changedAt: 1, origin: "api")
    }

    func database(_ identifier: String, status: String = "available", next: String? = nil, at: Double? = nil) -> DBInstanceRecord {
        DBInstanceRecord(identifier: identifier, engine: "postgres", engineVersion: "16.3", instanceClass: "db.t3.micro", status: status,
                         allocatedStorage: 20, masterUsername: "admin", availabilityZone: "us-east-1a", port: 5432,
                         resourceId: "db-\(identifier)", createdAt: 1, nextStatus: next, nextStatusAt: at, changedAt: 1, origin: "api")
    }

    /// Reads both sides until the mirror answers (the first read after a change from
    /// elsewhere goes to the database and asks for the copy to be brought up to date).
    func expectSame(_ mirrored: SchedulerDatabase, _ plain: SchedulerDatabase, _ step: String,
                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        let mirror = try #require(mirrored.resourceMirror)
        let expected = try plain.resourceRead { try View($0) }
        for _ in 0..<3 {
            let before = mirror.readCounts.answered
            let seen = try mirrored.resourceRead { try View($0) }
            #expect(seen == expected, "\(step)", sourceLocation: sourceLocation)
            if mirror.readCounts.answered > before { return }
        }
        Issue.record("the mirror never answered after: \(step)", sourceLocation: sourceLocation)
    }

    @Test func answersAsTheTablesDoAfterEveryKindOfWrite() throws {
        let (mirrored, plain, directory) = try stores()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try expectSame(mirrored, plain, "empty")
        try mirrored.resourceWrite { tables in
            try tables.insert(instance("i-2"))
            try tables.insert(instance("i-1", state: "stopping", next: "stopped", at: 200))
            try tables.insert(instance("i-3", state: "pending", next: "running"))   // hung
            try tables.save(database("orders", status: "stopped", next: "starting", at: 100))
            for (id, key, value) in [("i-1", "Name", "web"), ("i-1", "Schedule", "office"), ("i-3", "Name", "db"), ("i-1", "Team", "a")] {
                try tables.setTag(type: "instance", id: id, key: key, value: value)
            }
            try tables.setTag(type: "db", id: "orders", key: "Schedule", value: "office")
            _ = try tables.insert(ResourceFaultRecord(kind: "throttle", service: "ec2", resourceId: nil, operation: "StopInstances",
                                                      remaining: 2, probability: 1, origin: "runtime", createdAt: 1))
        }
        try expectSame(mirrored, plain, "inserts and tags")
        try mirrored.resourceWrite { tables in
            try tables.setTag(type: "instance", id: "i-1", key: "Name", value: "web-2")   // keeps its place
            try tables.deleteTag(type: "instance", id: "i-1", key: "Schedule")
            try tables.setTag(type: "instance", id: "i-1", key: "Schedule", value: "night")   // goes last
            var stopped = instance("i-1", state: "stopped")
            stopped.changedAt = 200
            try tables.updateState(stopped)
            try tables.updateStatus(database("orders", status: "starting", next: "available", at: 300))
            let fault = try #require(try tables.faults().first?.id)
            try tables.setFaultRemaining(id: fault, 1)
        }
        try expectSame(mirrored, plain, "updates")
        try mirrored.resourceWrite { tables in
            try tables.deleteInstance(id: "i-3")
            try tables.deleteFault(id: try #require(try tables.faults().first?.id))
        }
        try expectSame(mirrored, plain, "deletes")
        try mirrored.resourceWrite { tables in try tables.deleteDBInstance("orders") }
        _ = try mirrored.addResourceFault(ResourceFaultRecord(kind: "hang", service: nil, resourceId: "i-2", operation: nil, remaining: nil,
                                                              probability: 1, origin: "config", createdAt: 2))
        try expectSame(mirrored, plain, "a database deleted, a fault added")
        try mirrored.removeResourceFaults(id: nil, origin: "config")
        try expectSame(mirrored, plain, "faults removed by origin")
    }

    @Test func aWriteRolledBackLeavesNoTrace() throws {
        struct Refused: Error {}
        let (mirrored, plain, directory) = try stores()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try mirrored.resourceWrite { try $0.insert(instance("i-1")) }
        try expectSame(mirrored, plain, "before")
        #expect(throws: Refused.self) {
            try mirrored.resourceWrite { tables in
                try tables.insert(instance("i-2"))
                try tables.setTag(type: "instance", id: "i-1", key: "Name", value: "never")
                throw Refused()
            }
        }
        try expectSame(mirrored, plain, "after the rollback")
        #expect(try mirrored.resourceRead { try $0.allInstances().map(\.id) } == ["i-1"])
    }

    @Test func writesRacingInGroupCommitsLandInTheOrderTheyRan() throws {
        let (mirrored, plain, directory) = try stores()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try mirrored.resourceWrite { tables in for id in ["i-1", "i-2"] { try tables.insert(instance(id)) } }
        DispatchQueue.concurrentPerform(iterations: 400) { index in
            try? mirrored.resourceWrite { tables in
                var record = try tables.instances(ids: ["i-\(index % 2 + 1)"])[0]
                record.changedAt += 1
                record.state = index % 3 == 0 ? "stopped" : "running"
                try tables.updateState(record)
                try tables.setTag(type: "instance", id: record.id, key: "Last", value: "\(index)")
                if index % 50 == 0 { try tables.deleteTag(type: "instance", id: record.id, key: "Last") }
            }
            _ = try? mirrored.resourceRead { try $0.allInstances() }
        }
        try expectSame(mirrored, plain, "after 400 racing writes")
        #expect(try mirrored.resourceRead { try $0.allInstances().map(\.changedAt) } == [201, 201])
    }

    @Test func aCommitFromAnotherProcessIsSeenByTheNextRead() throws {
        let (mirrored, plain, directory) = try stores()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try mirrored.resourceWrite { try $0.insert(instance("i-1")) }
        try expectSame(mirrored, plain, "before")
        // As `schedulerd fleet fault add` does while the daemon runs.
        _ = try plain.addResourceFault(ResourceFaultRecord(kind: "insufficient-capacity", service: "ec2", resourceId: "i-1", operation: nil,
                                                           remaining: 1, probability: 1, origin: "runtime", createdAt: 3))
        #expect(try mirrored.resourceRead { try $0.faults().map(\.kind) } == ["insufficient-capacity"])
        try plain.resourceWrite { try $0.setTag(type: "instance", id: "i-1", key: "Name", value: "elsewhere") }
        #expect(try mirrored.resourceRead { try $0.tags(type: "instance", ids: ["i-1"]).map(\.value) } == ["elsewhere"])
        // The copy is brought up to date and answers again, with both.
        try expectSame(mirrored, plain, "after the other process's writes")
        // A commit from elsewhere while the daemon writes too.
        try mirrored.resourceWrite { try $0.insert(instance("i-2")) }
        try plain.removeResourceFaults(id: nil, origin: "runtime")
        try mirrored.resourceWrite { try $0.setTag(type: "instance", id: "i-2", key: "Name", value: "here") }
        #expect(try mirrored.resourceRead { try $0.faults() }.isEmpty)
        try expectSame(mirrored, plain, "after writes from both")
    }

    /// A write reads back the instances it wrote from what it saved (`WrittenInstances`), and
    /// every other one from the table: both must be what the table then holds.
    @Test func aWriteReadsBackWhatItWrote() throws {
        let (mirrored, plain, directory) = try stores()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try mirrored.resourceWrite { tables in
            for id in ["i-1", "i-2", "i-3"] { try tables.insert(instance(id)) }
        }
        let seen = try mirrored.resourceWrite { tables -> [[InstanceRecord]] in
            var stopping = instance("i-1", state: "stopping", next: "stopped", at: 5)
            stopping.changedAt = 4
            try tables.updateState(stopping)
            try tables.deleteInstance(id: "i-2")
            try tables.insert(instance("i-4", state: "pending"))
            let read = { try tables.instances(ids: ["i-1", "i-2", "i-3", "i-4", "i-1"]).sorted { $0.id < $1.id } }
            let inside = try read()
            var stopped = stopping
            stopped.state = "stopped"
            stopped.nextState = nil
            stopped.nextStateAt = nil
            try tables.save(stopped)
            return [inside, try read()]
        }
        #expect(seen[0].map(\.id) == ["i-1", "i-3", "i-4"])
        #expect(seen[0].map(\.state) == ["stopping", "running", "pending"])
        #expect(seen[0].first?.nextStateAt == 5)
        #expect(seen[1].map(\.state) == ["stopped", "running", "pending"])
        let table = try plain.resourceRead { try $0.instances(ids: ["i-1", "i-2", "i-3", "i-4"]).sorted { $0.id < $1.id } }
        #expect(table == seen[1])
    }
}
