public import Foundation
import Store

/// Carrying out parameter policies: what the daemon's policy service calls on its clock.
extension ParameterStore {
    /// When the next policy of any parameter is due.
    public func nextPolicyTime() throws -> Date? {
        try database.nextParameterPolicyTime()
    }

    /// Carries out every policy due at `now`, each parameter in one transaction with its
    /// events: notifications are sent once (their status becomes `Finished`), and an expired
    /// parameter is deleted. Returns how many policies were carried out.
    @discardableResult
    public func applyDuePolicies(now: Date) throws -> Int {
        var applied = 0
        while true {
            let keys = try database.parametersWithPoliciesDue(at: now)
            var progressed = false
            for key in keys {
                var rows: [SchedulerDatabase.OutboxRows] = []
                var count = 0
                _ = try database.applyParameterPolicies(key: key) { parameter, latest in
                    let (outcome, events) = try policyOutcome(parameter, latest, now: now)
                    count = events
                    if case .update(_, _, let outbox) = outcome { rows = outbox }
                    if case .delete(let outbox) = outcome { rows = outbox }
                    return outcome
                }
                cache.invalidate(key)
                events.committed(rows)
                applied += count
                progressed = true
            }
            if keys.count < 100 || !progressed { return applied }
        }
    }

    /// The outcome for one parameter at `now`, and how many policies it carries out.
    func policyOutcome(_ parameter: ParameterRecord, _ latest: ParameterVersionRecord, now: Date) throws
        -> (SchedulerDatabase.PolicyOutcome, Int) {
        var states = PolicyState.list(json: latest.policies)
        let modified = Date(timeIntervalSince1970: latest.modifiedAt)
        let (indices, expires) = PolicySchedule.due(states, modified: modified, now: now)
        guard !indices.isEmpty else {
            // Stale due time (the policies changed): just store the right one.
            let next = PolicySchedule.next(states, modified: modified)?.timeIntervalSince1970
            return (.update(policies: latest.policies, nextPolicyAt: next, outbox: []), 0)
        }
        let parsed = states.map(\.policy)
        let expiration = PolicySchedule.expirationTime(parsed.compactMap { $0 })
        var events: [ParameterEvent] = []
        // Notifications first, so an expiration's warning precedes the deletion it warns of.
        let ordered = indices.filter { states[$0].type != "Expiration" } + indices.filter { states[$0].type == "Expiration" }
        for index in ordered {
            guard let policy = parsed[index], let due = PolicySchedule.due(policy, modified: modified, expiration: expiration) else { continue }
            let reason = PolicySchedule.reason(policy, createdAt: modified, expiration: expiration)
            events.append(.policyAction(policy: states[index], name: parameter.name, type: latest.type, status: "Success", reason: reason,
                                        arn: arn(parameter.name), time: max(due, modified),
                                        dedupeKey: "parameter-policy:\(parameter.key):\(latest.version):\(index):\(states[index].type)"))
            states[index].status = PolicyState.finished
        }
        if expires {
            events.append(.change(operation: "Delete", name: parameter.name, type: latest.type, description: latest.description,
                                  dataType: latest.dataType, arn: arn(parameter.name), time: expiration ?? now,
                                  dedupeKey: "parameter:\(parameter.key):expired:\(latest.version)"))
            return (.delete(outbox: try outbox(events, now: now)), indices.count)
        }
        let next = PolicySchedule.next(states, modified: modified)?.timeIntervalSince1970
        return (.update(policies: PolicyState.json(states), nextPolicyAt: next, outbox: try outbox(events, now: now)), indices.count)
    }
}
