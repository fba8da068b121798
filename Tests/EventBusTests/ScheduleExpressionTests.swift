import EventBus
import Foundation
import Testing

@Suite("Schedule expressions")
struct ScheduleExpressionTests {
    func next(_ expression: String, after text: String) throws -> String? {
        let formatter = ISO8601DateFormatter()
        return try ScheduleExpression(expression).nextFiring(after: formatter.date(from: text)!).map { formatter.string(from: $0) }
    }

    @Test func rates() throws {
        #expect(try next("rate(5 minutes)", after: "2026-12-01T10:03:20Z") == "2026-12-01T10:05:00Z")
        #expect(try next("rate(1 hour)", after: "2026-12-01T10:00:00Z") == "2026-12-01T11:00:00Z")
        #expect(try next("rate(1 day)", after: "2026-12-01T10:00:00Z") == "2026-12-02T00:00:00Z")
    }

    @Test func crons() throws {
        // 22:00 UTC Monday to Friday; 2026-12-04 is a Friday.
        #expect(try next("cron(0 22 ? * MON-FRI *)", after: "2026-12-04T22:00:00Z") == "2026-12-07T22:00:00Z")
        #expect(try next("cron(0/15 * * * ? *)", after: "2026-12-01T10:07:00Z") == "2026-12-01T10:15:00Z")
        #expect(try next("cron(0 12 L * ? *)", after: "2027-02-01T00:00:00Z") == "2027-02-28T12:00:00Z")
        #expect(try next("cron(30 9 ? * 2#1 *)", after: "2026-12-01T00:00:00Z") == "2026-12-07T09:30:00Z")   // first Monday
        #expect(try next("cron(0 0 1 JAN ? 2027)", after: "2027-06-01T00:00:00Z") == nil)
    }

    @Test func refusals() {
        for bad in ["rate(0 minutes)", "rate(5 minute)", "rate(1 minutes)", "rate(5 weeks)", "cron(0 22 * * MON-FRI *)",
                    "cron(0 22 ? * *)", "cron(61 * * * ? *)", "every day", "cron(0 0 ? * 9 *)"] {
            #expect(throws: ScheduleExpression.Invalid.self, "\(bad)") { try ScheduleExpression(bad) }
        }
    }
}
