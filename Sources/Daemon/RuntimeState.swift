public import ChangeCalendar
public import SchedulerMetrics
import Synchronization

/// What the services share and a reload replaces: the compiled calendars and rules.
public final class RuntimeState: Sendable {
    private let calendarsBox: Mutex<[String: CalendarSchedule]>
    private let rulesBox: Mutex<RuleBook>
    /// Wakes the delivery service when new deliveries are recorded.
    let deliveryKick: Kick
    /// Wakes the timer loop when calendars change.
    let scheduleKick: Kick
    /// Wakes the scheduled-rule service when rules change.
    let rulesKick: Kick
    /// Wakes the parameter policy service when a parameter's policies change.
    let policiesKick: Kick
    /// Counters and histograms every service updates and `GET /metrics` renders.
    public let metrics: MetricsRegistry

    public init(calendars: [String: CalendarSchedule], rules: RuleBook, metrics: MetricsRegistry = DaemonMetrics.makeRegistry()) {
        self.metrics = metrics
        calendarsBox = Mutex(calendars)
        rulesBox = Mutex(rules)
        deliveryKick = Kick()
        scheduleKick = Kick()
        rulesKick = Kick()
        policiesKick = Kick()
    }

    public var calendars: [String: CalendarSchedule] { calendarsBox.withLock { $0 } }
    public var rules: RuleBook { rulesBox.withLock { $0 } }

    /// Puts one calendar in force (or takes it out with nil), as the API does on a document
    /// change; the timer loop replans at once.
    public func setCalendar(_ name: String, _ schedule: CalendarSchedule?) {
        calendarsBox.withLock { $0[name] = schedule }
        scheduleKick.fire()
    }

    /// Puts a new set of rules in force (an API change to rules or targets).
    public func setRules(_ rules: RuleBook) {
        rulesBox.withLock { $0 = rules }
        rulesKick.fire()
    }

    /// Wakes the delivery service (new deliveries were recorded outside the timer loop).
    public func deliveriesRecorded() {
        deliveryKick.fire()
    }

    /// Wakes the parameter policy service (a parameter with policies was written).
    public func parameterPoliciesChanged() {
        policiesKick.fire()
    }

    public func replace(calendars: [String: CalendarSchedule], rules: RuleBook) {
        calendarsBox.withLock { $0 = calendars }
        rulesBox.withLock { $0 = rules }
        scheduleKick.fire()
        rulesKick.fire()
        deliveryKick.fire()
    }
}

/// A wake-up signal: `fire()` from anywhere; `wait()` returns after the next fire (or at once
/// if one came since the last wait), or when the waiting task is cancelled. Many fires before
/// a wait count as one. One waiter at a time.
public final class Kick: Sendable {
    private struct State {
        var pending = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var nextID: UInt64 = 0
        var cancelledEarly: Set<UInt64> = []
    }

    private let state = Mutex(State())

    public init() {}

    public func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    public func wait() async {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let cancelled = Task.isCancelled
                let (resumeNow, previous) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                    if state.pending || state.cancelledEarly.remove(id) != nil || cancelled {
                        state.pending = false
                        return (true, nil)
                    }
                    let previous = state.waiter?.continuation
                    state.waiter = (id, continuation)
                    return (false, previous)
                }
                previous?.resume()
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.waiter, waiter.id == id else {
                    state.cancelledEarly.insert(id)
                    return nil
                }
                state.waiter = nil
                return waiter.continuation
            }
            waiter?.resume()
        }
    }
}
