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

    @Test("W (nearest weekday), LW (last weekday) and nL (last given weekday of the month)")
    func weekdayForms() throws {
        // 2026-11-15 is a Sunday: the nearest weekday is Monday the 16th.
        #expect(try next("cron(0 9 15W * ? *)", after: "2026-11-01T00:00:00Z") == "2026-11-16T09:00:00Z")
        // 2026-08-01 is a Saturday: 1W does not leave the month, so Monday the 3rd.
        #expect(try next("cron(0 9 1W * ? *)", after: "2026-07-31T00:00:00Z") == "2026-08-03T09:00:00Z")
        // 2026-05-31 is a Sunday and the month's last day: Friday the 29th.
        #expect(try next("cron(0 9 31W * ? *)", after: "2026-05-01T00:00:00Z") == "2026-05-29T09:00:00Z")
        // A weekday target is itself: 2026-12-15 is a Tuesday.
        #expect(try next("cron(0 9 15W * ? *)", after: "2026-12-01T00:00:00Z") == "2026-12-15T09:00:00Z")
        // 31W skips months without a 31st: after May comes July (2026-07-31 is a Friday).
        #expect(try next("cron(0 9 31W * ? *)", after: "2026-06-01T00:00:00Z") == "2026-07-31T09:00:00Z")
        // 2027-01-31 is a Sunday: the last weekday of January 2027 is Friday the 29th.
        #expect(try next("cron(0 18 LW * ? *)", after: "2027-01-01T00:00:00Z") == "2027-01-29T18:00:00Z")
        // 2026-12-31 is a Thursday: the last Friday is the 25th, the last Saturday the 26th.
        #expect(try next("cron(0 18 ? * 6L *)", after: "2026-12-01T00:00:00Z") == "2026-12-25T18:00:00Z")
        #expect(try next("cron(0 18 ? * FRIL *)", after: "2026-12-01T00:00:00Z") == "2026-12-25T18:00:00Z")
        #expect(try next("cron(0 18 ? * L *)", after: "2026-12-01T00:00:00Z") == "2026-12-26T18:00:00Z")
    }

    @Test func refusals() {
        for bad in ["cron(0 9 32W * ? *)", "cron(0 9 0W * ? *)", "cron(0 9 ? * MON-FRIL *)", "cron(0 9 ? * 8L *)",
                    "cron(0 9 W * ? *)", "rate(0 minutes)", "rate(5 minute)", "rate(1 minutes)", "rate(5 weeks)", "cron(0 22 * * MON-FRI *)",
                    "cron(0 22 ? * *)", "cron(61 * * * ? *)", "every day", "cron(0 0 ? * 9 *)"] {
            #expect(throws: ScheduleExpression.Invalid.self, "\(bad)") { try ScheduleExpression(bad) }
        }
    }
}
