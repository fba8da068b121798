import Foundation
@testable import Actions
@testable import Automation
import Testing

/// The time texts events and descriptions carry, formatted without Foundation's Calendar.
@Suite("Event time formats")
struct EventTimeFormatTests {
    @Test func legacyTimeIsAWSsTwelveHourForm() {
        // 2026-12-01T00:05:09Z: midnight is 12 AM; a single-digit day has no leading zero.
        #expect(AutomationEvents.legacyTime(1_796_083_509) == "Dec 1, 2026 12:05:09 AM")
        // 2026-07-14T13:40:00Z
        #expect(AutomationEvents.legacyTime(1_784_036_400) == "Jul 14, 2026 1:40:00 PM")
        // 2027-01-31T12:00:59Z: noon is 12 PM.
        #expect(AutomationEvents.legacyTime(1_801_396_859) == "Jan 31, 2027 12:00:59 PM")
    }

    @Test func modelTimesKeepMillisecondsAndGMT() {
        #expect(ModelTime.format(Date(timeIntervalSince1970: 1_796_083_509.007)) == "2026-12-01T00:05:09.007Z")
        #expect(ModelTime.format(Date(timeIntervalSince1970: 1_796_083_509.25)) == "2026-12-01T00:05:09.250Z")
        #expect(ModelTime.reasonTime(Date(timeIntervalSince1970: 1_796_083_509.9)) == "2026-12-01 00:05:09 GMT")
        let instance = EC2Instance(id: "i-0123456789abcdef0", reservationId: "r-1", imageId: "ami-1", instanceType: "t3.micro",
                                   availabilityZone: "us-east-1a", privateIpAddress: "10.1.2.3", keyName: nil, launchIndex: 0,
                                   launchTime: Date(timeIntervalSince1970: 0), state: .running, stateTransitionReason: "",
                                   stateReason: nil, tags: [], clientToken: nil, transition: nil)
        #expect(instance.privateDnsName == "ip-10-1-2-3.ec2.internal")
    }
}
