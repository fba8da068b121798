import Actions

/// The EC2 and RDS actions (Query protocols), served by `ResourceOperations` over the
/// daemon's fleet: form parameters in, the service's model out, written as XML by the responder.
struct ResourceActions {
    let environment: APIEnvironment

    func register(in table: inout OperationTable) {
        let operations = ResourceOperations(provider: environment.resources, account: environment.account, region: environment.region)
        for (service, actions) in ResourceOperations.actions {
            guard let kind = ServiceKind(rawValue: service) else { continue }
            for action in actions {
                table.register(query: kind, action) { call in
                    try await operations.call(service: service, action: call.action, input: call.input)
                }
            }
        }
    }
}
