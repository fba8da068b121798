@testable import Automation
import Runbooks
import Testing

@Suite("StepFlow: what runs after a step")
struct StepFlowTests {
    let runbook = try! Runbook.parse("""
        schemaVersion: '0.3'
        mainSteps:
          - {name: first, action: 'aws:sleep', inputs: {Duration: PT1S}, nextStep: third}
          - {name: second, action: 'aws:sleep', inputs: {Duration: PT1S}, onFailure: Continue}
          - {name: third, action: 'aws:sleep', inputs: {Duration: PT1S}, onFailure: 'step:fifth'}
          - {name: fourth, action: 'aws:sleep', inputs: {Duration: PT1S}, isEnd: true}
          - {name: fifth, action: 'aws:sleep', inputs: {Duration: PT1S}, isCritical: false, onFailure: Continue}
          - {name: sixth, action: 'aws:sleep', inputs: {Duration: PT1S}}
        """, format: "YAML")

    var flow: StepFlow { StepFlow(runbook: runbook) }
    func step(_ name: String) -> Step { runbook.step(named: name)! }

    @Test func success() {
        #expect(flow.next(after: step("first"), outcome: .success) == .run("third"), "nextStep")
        #expect(flow.next(after: step("second"), outcome: .success) == .run("third"), "the following step")
        #expect(flow.next(after: step("fourth"), outcome: .success) == .finish, "isEnd")
        #expect(flow.next(after: step("sixth"), outcome: .success) == .finish, "the last step")
        #expect(flow.next(after: step("first"), outcome: .success, chosen: "sixth") == .run("sixth"), "a branch's choice wins")
    }

    @Test func failure() {
        #expect(flow.next(after: step("first"), outcome: .failed) == .abort(.failed), "Abort by default")
        #expect(flow.next(after: step("first"), outcome: .timedOut) == .abort(.timedOut))
        #expect(flow.next(after: step("second"), outcome: .failed) == .run("third"), "Continue: the following step")
        #expect(flow.next(after: step("third"), outcome: .failed) == .run("fifth"), "step:X")
        #expect(flow.next(after: step("sixth"), outcome: .cancelled) == .abort(.cancelled))
    }

    @Test func finalStatusComesFromCriticalSteps() {
        #expect(flow.finalStatus([("first", .success), ("third", .success)]) == .success)
        #expect(flow.finalStatus([("second", .failed), ("third", .success)]) == .success, "onFailure Continue makes a step non-critical")
        #expect(flow.finalStatus([("fifth", .failed), ("sixth", .success)]) == .success, "isCritical false")
        #expect(flow.finalStatus([("third", .failed), ("fifth", .success)]) == .failed, "a critical step failed, even though the flow went on")
        #expect(flow.finalStatus([("third", .timedOut), ("fifth", .success)]) == .timedOut)
    }
}
