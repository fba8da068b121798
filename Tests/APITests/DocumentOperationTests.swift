import EventBus
import Foundation
import Testing

@Suite("SSM documents over HTTP")
struct DocumentOperationTests {
    @Test("a calendar created through the API is stored, versioned and scheduled at once")
    func lifecycle() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        let created = try await server.call("AmazonSSM.CreateDocument", [
            "Name": "freeze", "Content": .string(Fixtures.nightly), "DocumentType": "ChangeCalendar", "DocumentFormat": "TEXT",
            "Tags": [["Key": "team", "Value": "ops"]],
        ])
        #expect(created.status == 200)
        let description = try #require(created.body["DocumentDescription"])
        #expect(description["Name"] == "freeze")
        #expect(description["DocumentVersion"] == "1")
        #expect(description["Status"] == "Active")
        #expect(description["HashType"] == "Sha256")
        #expect(description["Hash"]?.stringValue?.count == 64)
        #expect(description["Description"] == "Fleet stopped at night")
        #expect(description["CreatedDate"]?.numberValue != nil)
        #expect(created.headers["x-amzn-requestid"]?.count == 36)
        #expect(server.state.calendars["freeze"] != nil, "scheduled without a reload")

        let state = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": ["freeze"], "AtTime": "2026-12-01T23:00:00Z"])
        #expect(state.body["State"] == "CLOSED")

        // A second version: DEFAULT_CLOSED, so the calendar is now open at night only.
        let updated = try await server.call("AmazonSSM.UpdateDocument", [
            "Name": "freeze", "Content": .string(Fixtures.nightly.replacingOccurrences(of: "DEFAULT_OPEN", with: "DEFAULT_CLOSED")),
            "DocumentVersion": "$LATEST", "VersionName": "v2",
        ])
        #expect(updated.status == 200)
        #expect(updated.body["DocumentDescription"]?["DocumentVersion"] == "2")
        #expect(updated.body["DocumentDescription"]?["DefaultVersion"] == "1", "the default version stays until moved")

        let versions = try await server.call("AmazonSSM.ListDocumentVersions", ["Name": "freeze"])
        let list = try #require(versions.body["DocumentVersions"]?.arrayValue)
        #expect(list.map { $0["DocumentVersion"] } == ["1", "2"])
        #expect(list.map { $0["IsDefaultVersion"] } == [true, false])
        #expect(list[1]["VersionName"] == "v2")

        let moved = try await server.call("AmazonSSM.UpdateDocumentDefaultVersion", ["Name": "freeze", "DocumentVersion": "2"])
        #expect(moved.body["Description"]?["DefaultVersion"] == "2")
        #expect(moved.body["Description"]?["DefaultVersionName"] == "v2")
        let after = try await server.call("AmazonSSM.GetCalendarState", ["CalendarNames": ["freeze"], "AtTime": "2026-12-01T23:00:00Z"])
        #expect(after.body["State"] == "OPEN", "the new default version is in force at once")

        let first = try await server.call("AmazonSSM.GetDocument", ["Name": "freeze", "DocumentVersion": "1"])
        #expect(first.body["Content"]?.stringValue == Fixtures.nightly)
        #expect(first.body["DocumentFormat"] == "TEXT")
        let byName = try await server.call("AmazonSSM.GetDocument", ["Name": "freeze", "VersionName": "v2"])
        #expect(byName.body["DocumentVersion"] == "2")

        let deleted = try await server.call("AmazonSSM.DeleteDocument", ["Name": "freeze"])
        #expect(deleted.status == 200)
        #expect(server.state.calendars["freeze"] == nil, "unscheduled at once")
        let gone = try await server.call("AmazonSSM.GetDocument", ["Name": "freeze"])
        #expect(gone.status == 400)
        #expect(gone.errorType == "InvalidDocument")
    }

    @Test("invalid ICS is refused with the engine's line and reason, and nothing is stored")
    func invalidContent() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        let broken = Fixtures.nightly.replacingOccurrences(of: "RRULE:FREQ=DAILY", with: "RRULE:FREQ=SOMETIMES")
        let reply = try await server.call("AmazonSSM.CreateDocument", [
            "Name": "broken", "Content": .string(broken), "DocumentType": "ChangeCalendar", "DocumentFormat": "TEXT",
        ])
        #expect(reply.status == 400)
        #expect(reply.errorType == "InvalidDocumentContent")
        #expect(reply.message?.contains("line 11") == true, "\(reply.message ?? "")")
        #expect(try server.database.document(name: "broken") == nil)

        let yaml = try await server.call("AmazonSSM.CreateDocument", [
            "Name": "yaml-cal", "Content": .string(Fixtures.nightly), "DocumentType": "ChangeCalendar", "DocumentFormat": "YAML",
        ])
        #expect(yaml.errorType == "InvalidDocumentContent")
        let policy = try await server.call("AmazonSSM.CreateDocument", ["Name": "pol", "Content": "{}", "DocumentType": "Policy"])
        #expect(policy.errorType == "InvalidDocumentType")
        let command = try await server.call("AmazonSSM.CreateDocument", ["Name": "cmd", "Content": "{}", "DocumentType": "Command"])
        #expect(command.errorType == "InvalidDocumentContent")
        #expect(command.message?.contains("schemaVersion") == true)
    }

    @Test("AWS's limits and conflicts: 64 KB, duplicate names, duplicate content, bad versions")
    func limitsAndConflicts() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        let padding = String(repeating: "X-PAD:\(String(repeating: "a", count: 60))\r\n", count: 1100)
        let big = Fixtures.nightly.replacingOccurrences(of: "X-CALENDAR-TYPE", with: padding + "X-CALENDAR-TYPE")
        let tooBig = try await server.call("AmazonSSM.CreateDocument", [
            "Name": "big", "Content": .string(big), "DocumentType": "ChangeCalendar", "DocumentFormat": "TEXT",
        ])
        #expect(tooBig.errorType == "MaxDocumentSizeExceeded")
        #expect(tooBig.message == "The size limit of a document is 64 KB.")

        let input: JSONValue = ["Name": "cal", "Content": .string(Fixtures.nightly), "DocumentType": "ChangeCalendar", "DocumentFormat": "TEXT"]
        #expect(try await server.call("AmazonSSM.CreateDocument", input).status == 200)
        let again = try await server.call("AmazonSSM.CreateDocument", input)
        #expect(again.errorType == "DocumentAlreadyExists")
        let same = try await server.call("AmazonSSM.UpdateDocument", ["Name": "cal", "Content": .string(Fixtures.nightly)])
        #expect(same.errorType == "DuplicateDocumentContent")
        let old = try await server.call("AmazonSSM.UpdateDocument", ["Name": "cal", "Content": .string(Fixtures.officeHours), "DocumentVersion": "7"])
        #expect(old.errorType == "InvalidDocumentVersion")
        let badName = try await server.call("AmazonSSM.CreateDocument", ["Name": "a b", "Content": "x", "DocumentType": "ChangeCalendar"])
        #expect(badName.errorType == "ValidationException")
        #expect(badName.message?.contains("at 'name' failed to satisfy constraint") == true)
        let reserved = try await server.call("AmazonSSM.CreateDocument", ["Name": "AWS-Mine", "Content": "x", "DocumentType": "ChangeCalendar"])
        #expect(reserved.errorType == "ValidationException")
        let deleteDefault = try await server.call("AmazonSSM.DeleteDocument", ["Name": "cal", "DocumentVersion": "1"])
        #expect(deleteDefault.errorType == "InvalidDocumentOperation")
    }

    @Test("configuration calendars are listed, tagged as managed, and cannot be changed through the API")
    func configurationManaged() async throws {
        let server = try await APITestServer(calendars: ["nightly": Fixtures.nightly])
        defer { server.stop() }
        let described = try await server.call("AmazonSSM.DescribeDocument", ["Name": "nightly"])
        let tags = try #require(described.body["Document"]?["Tags"]?.arrayValue)
        #expect(tags.contains(["Key": "schedulerd:managed-by", "Value": "configuration"]))
        #expect(tags.contains(["Key": "schedulerd:source", "Value": "/etc/schedulerd/calendars/nightly.ics"]))
        for (target, input) in [
            ("AmazonSSM.UpdateDocument", ["Name": "nightly", "Content": .string(Fixtures.officeHours)] as JSONValue),
            ("AmazonSSM.DeleteDocument", ["Name": "nightly"]),
            ("AmazonSSM.UpdateDocumentDefaultVersion", ["Name": "nightly", "DocumentVersion": "1"]),
        ] {
            let reply = try await server.call(target, input)
            #expect(reply.errorType == "InvalidDocumentOperation", "\(target)")
            #expect(reply.message?.contains("/etc/schedulerd/calendars/nightly.ics") == true, "\(target): \(reply.message ?? "")")
        }
        #expect(server.state.calendars["nightly"] != nil)
    }

    @Test("ListDocuments pages with NextToken and filters by name prefix, type and tag")
    func listing() async throws {
        let server = try await APITestServer(calendars: ["managed": Fixtures.never])
        defer { server.stop() }
        for index in 1...7 {
            let reply = try await server.call("AmazonSSM.CreateDocument", [
                "Name": .string("cal-\(index)"), "Content": .string(Fixtures.never), "DocumentType": "ChangeCalendar",
                "DocumentFormat": "TEXT", "Tags": index.isMultiple(of: 2) ? [["Key": "even", "Value": "yes"]] : [],
            ])
            #expect(reply.status == 200)
        }
        var names: [String] = []
        var token: JSONValue = .null
        var pages = 0
        repeat {
            let page = try await server.call("AmazonSSM.ListDocuments", ["MaxResults": 3, "NextToken": token,
                                                                       "Filters": [["Key": "Owner", "Values": ["Self"]]]])
            names += page.body["DocumentIdentifiers"]?.arrayValue?.compactMap { $0["Name"]?.stringValue } ?? []
            token = page.body["NextToken"] ?? .null
            pages += 1
        } while !token.isNull && pages < 10
        #expect(names == (1...7).map { "cal-\($0)" } + ["managed"])
        #expect(pages == 3)

        let prefixed = try await server.call("AmazonSSM.ListDocuments", ["Filters": [["Key": "Name", "Values": ["cal-1"]]]])
        #expect(prefixed.body["DocumentIdentifiers"]?.arrayValue?.count == 1)
        let tagged = try await server.call("AmazonSSM.ListDocuments", ["Filters": [["Key": "tag:even", "Values": ["yes"]]], "MaxResults": 2])
        let evens = tagged.body["DocumentIdentifiers"]?.arrayValue?.compactMap { $0["Name"]?.stringValue }
        #expect(evens == ["cal-2", "cal-4"])
        #expect(tagged.body["NextToken"] != nil)
        let managed = try await server.call("AmazonSSM.ListDocuments", ["Filters": [["Key": "tag:schedulerd:managed-by", "Values": []]]])
        #expect(managed.body["DocumentIdentifiers"]?.arrayValue?.compactMap { $0["Name"]?.stringValue } == ["managed"])
        let badToken = try await server.call("AmazonSSM.ListDocuments", ["NextToken": "bm9wZQ=="])
        #expect(badToken.errorType == "InvalidNextToken")
        let badKey = try await server.call("AmazonSSM.ListDocuments", ["Filters": [["Key": "Colour", "Values": ["x"]]]])
        #expect(badKey.errorType == "InvalidFilterKey")
    }

    @Test("Automation runbooks and Command documents are stored as versioned documents; a bad one is refused with the step, field and line")
    func runbooks() async throws {
        let server = try await APITestServer()
        defer { server.stop() }
        let runbook = """
            schemaVersion: '0.3'
            parameters:
              InstanceId: {type: StringList}
            mainSteps:
              - name: stop
                action: aws:changeInstanceState
                inputs: {InstanceIds: '{{ InstanceId }}', DesiredState: stopped}

            """
        let created = try await server.call("AmazonSSM.CreateDocument", [
            "Name": "StopFleet", "Content": .string(runbook), "DocumentType": "Automation", "DocumentFormat": "YAML",
        ])
        #expect(created.status == 200)
        #expect(created.body["DocumentDescription"]?["DocumentType"] == "Automation")
        #expect(server.state.calendars["StopFleet"] == nil, "a runbook is not a calendar")
        let broken = try await server.call("AmazonSSM.UpdateDocument", [
            "Name": "StopFleet", "Content": .string(runbook.replacingOccurrences(of: "DesiredState: stopped", with: "DesiredState: napping")),
        ])
        #expect(broken.errorType == "InvalidDocumentContent")
        #expect(broken.message?.contains("line 5: mainSteps[0] (stop).inputs.DesiredState") == true, "\(broken.message ?? "")")
        let shell = """
            {"schemaVersion": "2.2", "mainSteps": [{"name": "hello", "action": "aws:runShellScript", "inputs": {"runCommand": ["echo hi"]}}]}
            """
        let command = try await server.call("AmazonSSM.CreateDocument", [
            "Name": "SayHello", "Content": .string(shell), "DocumentType": "Command", "DocumentFormat": "JSON",
        ])
        #expect(command.status == 200)
    }
}
