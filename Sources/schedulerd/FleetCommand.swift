import Actions
import ArgumentParser
import ChangeCalendar
import Foundation
import Store

/// `schedulerd fleet`: the simulated EC2 instances and RDS databases, and the faults injected
/// into them, read and written in the daemon's database (the daemon need not run).
struct FleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "List the simulated EC2 instances and RDS databases, and inject faults into them (works on the database).",
        discussion: """
            Faults make the simulators fail as AWS can: insufficient-capacity (a start fails with \
            InsufficientInstanceCapacity or InsufficientDBInstanceCapacity), throttle (calls fail with \
            RequestLimitExceeded or Throttling) and hang (a transition never completes until the fault is cleared). A \
            running daemon applies a fault added here to the next call; a hung transition goes on within 5 seconds of \
            its fault being cleared. Faults from the configuration file are listed too; clear those by editing the file.
            """,
        subcommands: [List.self, FaultCommand.self]
    )

    struct Location: ParsableArguments {
        @Option(help: "The daemon's data directory.")
        var dataDir: String = "/var/lib/schedulerd"

        func database() throws -> SchedulerDatabase {
            guard FileManager.default.fileExists(atPath: (dataDir as NSString).appendingPathComponent("schedulerd.sqlite")) else {
                throw ValidationError("no database in \(dataDir): has the daemon run with --data-dir \(dataDir)?")
            }
            return try SchedulerDatabase.open(directory: dataDir)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per instance and database: id, state, type, the transition in flight, tags.")

        @OptionGroup var location: Location

        func run() throws {
            let database = try location.database()
            let (instances, databases, instanceTags, databaseTags) = try database.resourceRead { transaction in
                (try transaction.allInstances(), try transaction.allDBInstances(),
                 Dictionary(grouping: try transaction.tags(type: "instance", ids: nil), by: \.resourceId),
                 Dictionary(grouping: try transaction.tags(type: "db", ids: nil), by: \.resourceId))
            }
            func tags(_ records: [ResourceTagRecord]?) -> String {
                (records ?? []).sorted { $0.position < $1.position }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            }
            func next(_ state: String?, _ at: Double?) -> String {
                guard let state else { return "-" }
                guard let at else { return "\(state) (hung)" }
                return "\(state) at \(CalendarTime.format(Date(timeIntervalSince1970: at.rounded(.down))))"
            }
            for instance in instances {
                print([instance.id, instance.state, instance.instanceType, next(instance.nextState, instance.nextStateAt),
                       tags(instanceTags[instance.id])].joined(separator: "  "))
            }
            for record in databases {
                print(["db:\(record.identifier)", record.status, record.instanceClass, next(record.nextStatus, record.nextStatusAt),
                       tags(databaseTags[record.identifier])].joined(separator: "  "))
            }
        }
    }

    struct FaultCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fault", abstract: "Add, list and clear injected faults.", subcommands: [Add.self, ListFaults.self, Clear.self])
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inject a fault; prints its id.",
            discussion: """
                Examples:
                  schedulerd fleet fault add --kind insufficient-capacity --resource i-0123456789abcdef0
                  schedulerd fleet fault add --kind throttle --service ec2 --operation StopInstances --times 3
                  schedulerd fleet fault add --kind hang --resource orders-db --operation stop
                """)

        @Option(help: "insufficient-capacity, throttle or hang.")
        var kind: String
        @Option(help: "ec2 or rds; leave out for both.")
        var service: String?
        @Option(help: "One instance id or DB identifier; leave out for the whole fleet.")
        var resource: String?
        @Option(help: "throttle: one action (StopInstances); hang: start, stop, terminate or launch.")
        var operation: String?
        @Option(help: "Apply this many times, then disappear (a hang keeps holding what it hung).")
        var times: Int?
        @Option(help: "throttle: the share of calls refused, above 0 and at most 1.")
        var probability: Double = 1
        @OptionGroup var location: Location

        func makeFault() throws -> Fault {
            guard let kind = Fault.Kind(rawValue: kind) else {
                throw ValidationError("--kind '\(kind)' is not a fault; use \(Fault.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var service = try self.service.map { name -> Fault.Service in
                guard let service = Fault.Service(rawValue: name) else { throw ValidationError("--service '\(name)' is not ec2 or rds") }
                return service
            }
            if service == nil, let resource { service = resource.hasPrefix("i-") ? .ec2 : .rds }
            let fault = Fault(kind: kind, service: service, resource: resource?.hasPrefix("i-") == true ? resource : resource?.lowercased(),
                              operation: operation, remaining: times, probability: probability)
            if let problem = fault.problem { throw ValidationError(problem) }
            return fault
        }

        func validate() throws { _ = try makeFault() }

        func run() throws {
            let database = try location.database()
            let stored = try database.addResourceFault(try makeFault().record(origin: "runtime", at: Date()))
            print(stored.id.map(String.init) ?? "")
        }
    }

    struct ListFaults: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The faults in force, one a line: id, origin, what.")

        @OptionGroup var location: Location

        func run() throws {
            for record in try location.database().resourceFaults() {
                let summary = Fault(record)?.summary ?? record.kind
                print("\(record.id ?? 0)  \(record.origin)  \(summary)")
            }
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a fault added at run time (by id), or all of them (--all). Hung transitions then go on.")

        @Argument(help: "The fault's id (schedulerd fleet fault list).")
        var id: Int64?
        @Flag(help: "Remove every fault added at run time.")
        var all = false
        @OptionGroup var location: Location

        func validate() throws {
            if (id == nil) == !all { throw ValidationError("name one fault id, or --all") }
        }

        func run() throws {
            let database = try location.database()
            if let id {
                guard let record = try database.resourceFaults().first(where: { $0.id == id }) else {
                    throw ValidationError("no fault has id \(id)")
                }
                guard record.origin == "runtime" else {
                    throw ValidationError("fault \(id) comes from the configuration file; remove it there and reload the daemon")
                }
                try database.removeResourceFaults(id: id)
                print("cleared fault \(id)")
            } else {
                let count = try database.removeResourceFaults(id: nil, origin: "runtime")
                print("cleared \(count) fault\(count == 1 ? "" : "s")")
            }
        }
    }
}
