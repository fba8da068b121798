@testable import Auth
import Foundation
import Testing

@Suite("Signing time")
struct SigningTimeTests {
    @Test("basic format round trip", arguments: [
        ("20150830T123600Z", Int64(1_440_938_160)), ("19700101T000000Z", 0), ("20000229T235959Z", 951_868_799),
        ("20260101T003000Z", 1_767_227_400), ("21000301T000000Z", 4_107_542_400),
    ])
    func basic(text: String, seconds: Int64) throws {
        #expect(SigningTime(basic: text)?.seconds == seconds)
        #expect(SigningTime(seconds: seconds).basic == text)
        #expect(SigningTime(seconds: seconds).date == String(text.prefix(8)))
    }

    @Test("the formats of the Date header")
    func httpDate() {
        for text in ["Sun, 30 Aug 2015 12:36:00 GMT", "30 Aug 2015 12:36:00 GMT", "Sun, 30 Aug 2015 12:36:00 -0000",
                     "Sun, 30 Aug 2015 12:36:00 +0000", "20150830T123600Z"] {
            #expect(SigningTime(httpDate: text)?.seconds == 1_440_938_160, "\(text)")
        }
    }

    @Test("malformed times", arguments: [
        "", "2015-08-30T12:36:00Z", "20150830T123600", "20150830 123600Z", "20151330T123600Z", "20150230T123600Z",
        "20150830T243600Z", "2015083OT123600Z", "Sun, 30 Aug 2015 12:36:00 PST", "Sun, 30 Foo 2015 12:36:00 GMT",
    ])
    func malformed(text: String) {
        #expect(SigningTime(basic: text) == nil)
        #expect(SigningTime(httpDate: text) == nil)
    }
}
