import Actions
import SchedulerConfiguration

extension ConfigurationMapping {
    /// The configuration's `fleet` section as the simulator takes it.
    static func fleetDeclaration(_ fleet: FleetConfiguration) -> FleetDeclaration {
        var times = TransitionTimes.aws
        let transitions = fleet.transitions
        if let value = transitions.ec2Start { times.instanceStart = seconds(value) }
        if let value = transitions.ec2Stop { times.instanceStop = seconds(value) }
        if let value = transitions.ec2Terminate { times.instanceTerminate = seconds(value) }
        if let value = transitions.rdsCreate { times.databaseCreate = seconds(value) }
        if let value = transitions.rdsStart { times.databaseStart = seconds(value) }
        if let value = transitions.rdsStop { times.databaseStop = seconds(value) }
        if let value = transitions.rdsDelete { times.databaseDelete = seconds(value) }
        if let value = transitions.rdsAutoStart { times.databaseAutoStart = seconds(value) }
        let groups = fleet.instanceGroups.map { group in
            FleetDeclaration.InstanceGroup(name: group.name, count: group.count, instanceType: group.instanceType,
                                           imageId: group.imageId ?? "ami-0abcdef1234567890", availabilityZone: group.availabilityZone,
                                           initialState: group.state == "stopped" ? .stopped : .running,
                                           tags: group.tags.map { Tag($0.key, $0.value) })
        }
        let databases = fleet.databases.map { database in
            FleetDeclaration.Database(identifier: database.identifier, engine: database.engine, engineVersion: database.engineVersion,
                                      instanceClass: database.instanceClass, allocatedStorage: database.allocatedStorage,
                                      availabilityZone: database.availabilityZone,
                                      initialStatus: database.state == "stopped" ? .stopped : .available,
                                      tags: database.tags.map { Tag($0.key, $0.value) })
        }
        let faults = fleet.faults.compactMap { fault -> FleetDeclaration.FaultDeclaration? in
            guard let kind = Fault.Kind(rawValue: fault.kind) else { return nil }
            var injected = Fault(kind: kind, operation: fault.operation, remaining: fault.times, probability: fault.probability ?? 1)
            let target: FleetDeclaration.FaultDeclaration.Target
            switch fault.target {
            case .fleet(let service):
                injected.service = service.flatMap(Fault.Service.init)
                target = .fleet
            case .group(let name):
                target = .group(name)
            case .instance(let id):
                injected.service = .ec2
                target = .resource(id)
            case .database(let identifier):
                injected.service = .rds
                target = .resource(identifier)
            }
            return FleetDeclaration.FaultDeclaration(fault: injected, target: target)
        }
        return FleetDeclaration(times: times, groups: groups, databases: databases, faults: faults)
    }
}
