import Actions
import API
import Foundation
import Testing

@Suite("EC2 and RDS over HTTP: the Query protocols, answered in XML")
struct ResourceQueryTests {
    static let fleet = FleetDeclaration(
        groups: [
            .init(name: "web", count: 2, tags: [Tag("Schedule", "office-hours"), Tag("Name", "web & <api>")]),
            .init(name: "bastion", count: 1, instanceType: "t3.nano"),
        ],
        databases: [.init(identifier: "orders-db", tags: [Tag("Schedule", "office-hours")])])
    static let web = FleetDeclaration.InstanceGroup.instanceId(group: "web", index: 0)
    static let ec2: [(String, String)] = [("Version", "2016-11-15")]
    static let rds: [(String, String)] = [("Version", "2014-10-31")]

    @Test("DescribeInstances: EC2's document (namespace, requestId, reservationSet/item/instancesSet/item), tag filter")
    func describeInstances() async throws {
        let server = try await APITestServer(fleet: Self.fleet)
        defer { server.stop() }
        let reply = try await server.form(Self.ec2 + [("Action", "DescribeInstances"), ("Filter.1.Name", "tag:Schedule"),
                                                      ("Filter.1.Value.1", "office-hours")])
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "text/xml;charset=UTF-8")
        let root = try XMLElementNode.parse(reply.text)
        #expect(root.name == "DescribeInstancesResponse")
        #expect(root.attributes["xmlns"] == "http://ec2.amazonaws.com/doc/2016-11-15/")
        #expect(root["requestId"]?.text == reply.headers["x-amzn-requestid"])
        let instances = root.at("reservationSet/item/instancesSet")?.all("item") ?? []
        #expect(instances.count == 2)
        let first = try #require(instances.first)
        #expect(first["instanceState"]?["code"]?.text == "16")
        #expect(first["instanceState"]?["name"]?.text == "running")
        #expect(first["instanceType"]?.text == "t3.micro")
        #expect(first["launchTime"]?.text == "2026-12-01T12:00:00.000Z")
        #expect(first["placement"]?["availabilityZone"]?.text == "us-east-1a")
        let tags = first["tagSet"]?.all("item").map { "\($0["key"]?.text ?? "")=\($0["value"]?.text ?? "")" }
        #expect(tags == ["Schedule=office-hours", "Name=web & <api>"], "escaped in XML, read back as written")
        #expect(root.at("reservationSet/item/ownerId")?.text == APITestServer.account)
    }

    @Test("StopInstances, StartInstances: instancesSet with currentState and previousState; CreateTags answers return true")
    func stopStart() async throws {
        let server = try await APITestServer(fleet: Self.fleet)
        defer { server.stop() }
        let stop = try XMLElementNode.parse(try await server.form(Self.ec2 + [("Action", "StopInstances"), ("InstanceId.1", Self.web)]).text)
        #expect(stop.name == "StopInstancesResponse")
        let item = try #require(stop.at("instancesSet/item"))
        #expect(item["instanceId"]?.text == Self.web)
        #expect(item.at("currentState/name")?.text == "stopping" && item.at("currentState/code")?.text == "64")
        #expect(item.at("previousState/name")?.text == "running" && item.at("previousState/code")?.text == "16")
        let start = try XMLElementNode.parse(try await server.form(Self.ec2 + [("Action", "StartInstances"), ("InstanceId.1", Self.web)]).text)
        #expect(start.at("instancesSet/item/previousState/name")?.text == "stopped", "a 0-second stop completed before the next call")
        let tagged = try XMLElementNode.parse(try await server.form(Self.ec2 + [
            ("Action", "CreateTags"), ("ResourceId.1", Self.web), ("Tag.1.Key", "Owner"), ("Tag.1.Value", "ops"),
        ]).text)
        #expect(tagged.name == "CreateTagsResponse" && tagged["return"]?.text == "true")
    }

    @Test("EC2 errors: <Response><Errors><Error><Code>, <Message>, <RequestID> (capital ID), HTTP 400")
    func ec2Errors() async throws {
        let server = try await APITestServer(fleet: Self.fleet)
        defer { server.stop() }
        let missing = try await server.form(Self.ec2 + [("Action", "StartInstances"), ("InstanceId.1", "i-0123456789abcdef0")])
        #expect(missing.status == 400)
        let root = try XMLElementNode.parse(missing.text)
        #expect(root.name == "Response")
        #expect(root.at("Errors/Error/Code")?.text == "InvalidInstanceID.NotFound")
        #expect(root.at("Errors/Error/Message")?.text == "The instance ID 'i-0123456789abcdef0' does not exist")
        #expect(root["RequestID"]?.text == missing.headers["x-amzn-requestid"])

        _ = try await server.form(Self.ec2 + [("Action", "StopInstances"), ("InstanceId.1", Self.web)])
        let bastion = FleetDeclaration.InstanceGroup.instanceId(group: "bastion", index: 0)
        _ = try await server.resources.terminateInstances([bastion])
        let wrong = try XMLElementNode.parse(try await server.form(Self.ec2 + [("Action", "StartInstances"), ("InstanceId.1", bastion)]).text)
        #expect(wrong.at("Errors/Error/Code")?.text == "IncorrectInstanceState")
        #expect(wrong.at("Errors/Error/Message")?.text == "The instance '\(bastion)' is not in a state from which it can be started.")

        let unknown = try await server.form(Self.ec2 + [("Action", "RebootInstances")])
        #expect(try XMLElementNode.parse(unknown.text).at("Errors/Error/Code")?.text == "InvalidAction")
        let noAction = try await server.form(Self.ec2)
        #expect(try XMLElementNode.parse(noAction.text).at("Errors/Error/Code")?.text == "MissingAction")
    }

    @Test("a throttle fault: RequestLimitExceeded with HTTP 503")
    func throttled() async throws {
        let server = try await APITestServer(fleet: Self.fleet)
        defer { server.stop() }
        _ = try server.database.addResourceFault(Fault(kind: .throttle, service: .ec2, remaining: 1).record(origin: "runtime", at: Date()))
        let reply = try await server.form(Self.ec2 + [("Action", "DescribeInstances")])
        #expect(reply.status == 503)
        #expect(try XMLElementNode.parse(reply.text).at("Errors/Error/Code")?.text == "RequestLimitExceeded")
        #expect(try await server.form(Self.ec2 + [("Action", "DescribeInstances")]).status == 200)
    }

    @Test("RDS: Result wrapper and ResponseMetadata; lists of DBInstance and Tag; no Result when the answer is empty")
    func rdsDocuments() async throws {
        let server = try await APITestServer(fleet: Self.fleet)
        defer { server.stop() }
        let reply = try await server.form(Self.rds + [("Action", "DescribeDBInstances")])
        #expect(reply.status == 200)
        let root = try XMLElementNode.parse(reply.text)
        #expect(root.name == "DescribeDBInstancesResponse")
        #expect(root.attributes["xmlns"] == "http://rds.amazonaws.com/doc/2014-10-31/")
        #expect(root.at("ResponseMetadata/RequestId")?.text == reply.headers["x-amzn-requestid"])
        let database = try #require(root.at("DescribeDBInstancesResult/DBInstances/DBInstance"))
        #expect(database["DBInstanceIdentifier"]?.text == "orders-db")
        #expect(database["DBInstanceStatus"]?.text == "available")
        #expect(database["DBInstanceArn"]?.text == "arn:aws:rds:us-east-1:123456789012:db:orders-db")
        #expect(database.at("TagList/Tag/Key")?.text == "Schedule")
        #expect(database.at("Endpoint/Port")?.text == "5432")

        let stop = try XMLElementNode.parse(try await server.form(Self.rds + [("Action", "StopDBInstance"), ("DBInstanceIdentifier", "orders-db")]).text)
        #expect(stop.at("StopDBInstanceResult/DBInstance/DBInstanceStatus")?.text == "stopping")
        let add = try XMLElementNode.parse(try await server.form(Self.rds + [
            ("Action", "AddTagsToResource"), ("ResourceName", "arn:aws:rds:us-east-1:123456789012:db:orders-db"),
            ("Tags.Tag.1.Key", "Owner"), ("Tags.Tag.1.Value", "dba"),
        ]).text)
        #expect(add.name == "AddTagsToResourceResponse" && add["AddTagsToResourceResult"] == nil && add.at("ResponseMetadata/RequestId") != nil)
    }

    @Test("RDS errors: <ErrorResponse><Error><Type>Sender, DBInstanceNotFound with HTTP 404, InvalidDBInstanceState with 400")
    func rdsErrors() async throws {
        let server = try await APITestServer(fleet: Self.fleet)
        defer { server.stop() }
        let missing = try await server.form(Self.rds + [("Action", "DescribeDBInstances"), ("DBInstanceIdentifier", "nope")])
        #expect(missing.status == 404)
        let root = try XMLElementNode.parse(missing.text)
        #expect(root.name == "ErrorResponse")
        #expect(root.at("Error/Type")?.text == "Sender")
        #expect(root.at("Error/Code")?.text == "DBInstanceNotFound")
        #expect(root.at("Error/Message")?.text == "DBInstance nope not found.")
        #expect(root["RequestId"]?.text == missing.headers["x-amzn-requestid"])
        let state = try await server.form(Self.rds + [("Action", "StartDBInstance"), ("DBInstanceIdentifier", "orders-db")])
        #expect(state.status == 400)
        #expect(try XMLElementNode.parse(state.text).at("Error/Code")?.text == "InvalidDBInstanceState")
        let required = try await server.form(Self.rds + [("Action", "StopDBInstance")])
        #expect(try XMLElementNode.parse(required.text).at("Error/Code")?.text == "MissingParameter")
    }

    @Test("unsigned (auth: none): the service comes from Version; without a known Version the request is refused")
    func serviceFromVersion() async throws {
        let server = try await APITestServer(fleet: Self.fleet)
        defer { server.stop() }
        let rds = try await server.form([("Action", "DescribeDBInstances"), ("Version", "2014-10-31")])
        #expect(try XMLElementNode.parse(rds.text).name == "DescribeDBInstancesResponse")
        let wrongService = try await server.form([("Action", "DescribeDBInstances"), ("Version", "2016-11-15")])
        #expect(try XMLElementNode.parse(wrongService.text).at("Errors/Error/Code")?.text == "InvalidAction", "EC2 has no such action")
        let none = try await server.form([("Action", "DescribeInstances")])
        #expect(none.status == 400)
        #expect(try XMLElementNode.parse(none.text).at("Errors/Error/Code")?.text == "MissingParameter")
    }

    @Test("signed: the verified credential scope decides the service, whatever the Version says")
    func serviceFromScope() async throws {
        let server = try await APITestServer(authenticator: ScopedAuthenticator(service: "rds"), fleet: Self.fleet)
        defer { server.stop() }
        let reply = try await server.form([("Action", "DescribeDBInstances"), ("Version", "2016-11-15")])
        #expect(try XMLElementNode.parse(reply.text).name == "DescribeDBInstancesResponse")
        let ec2Action = try await server.form([("Action", "DescribeInstances"), ("Version", "2016-11-15")])
        let error = try XMLElementNode.parse(ec2Action.text)
        #expect(error.name == "ErrorResponse", "an RDS error document: the request is signed for rds")
        #expect(error.at("Error/Code")?.text == "InvalidAction")

        let ssm = try await APITestServer(authenticator: ScopedAuthenticator(service: "ssm"), fleet: Self.fleet)
        defer { ssm.stop() }
        let refused = try await ssm.form(Self.ec2 + [("Action", "DescribeInstances")])
        #expect(refused.status == 400)
    }

    @Test("refused callers get the Query services' codes: UnauthorizedOperation (EC2), AccessDenied (RDS), HTTP 403")
    func authorization() async throws {
        let server = try await APITestServer(authenticator: ScopedAuthenticator(service: "ec2", denied: true), fleet: Self.fleet)
        defer { server.stop() }
        let ec2 = try await server.form(Self.ec2 + [("Action", "StopInstances"), ("InstanceId.1", Self.web)])
        #expect(ec2.status == 403)
        #expect(try XMLElementNode.parse(ec2.text).at("Errors/Error/Code")?.text == "UnauthorizedOperation")
        #expect(try await server.resources.describeInstances(InstanceQuery(ids: [Self.web]), page: .all).items.first?.state == .running)

        let rdsServer = try await APITestServer(authenticator: ScopedAuthenticator(service: "rds", denied: true), fleet: Self.fleet)
        defer { rdsServer.stop() }
        let rds = try await rdsServer.form(Self.rds + [("Action", "StopDBInstance"), ("DBInstanceIdentifier", "orders-db")])
        #expect(rds.status == 403)
        #expect(try XMLElementNode.parse(rds.text).at("Error/Code")?.text == "AccessDenied")
    }

    @Test("every EC2 and RDS action is registered, and known actions label the metrics")
    func tableAndMetrics() async throws {
        let server = try await APITestServer(fleet: Self.fleet)
        defer { server.stop() }
        _ = try await server.form(Self.ec2 + [("Action", "DescribeInstances")])
        _ = try await server.form(Self.ec2 + [("Action", "NoSuchAction")])
        let metrics = try await server.get("/metrics").text
        #expect(metrics.contains(#"schedulerd_api_requests_total{service="ec2",operation="DescribeInstances",status="200"} 1"#))
        #expect(metrics.contains(#"{service="ec2",operation="unknown",status="400"}"#))
        #expect(!metrics.contains("NoSuchAction"))
    }
}

/// Signs every request for one service (as a verified SigV4 scope would), and optionally
/// refuses every operation as a read-only role refuses writes.
struct ScopedAuthenticator: APIAuthenticator {
    let service: String
    var denied = false

    func authenticate(_ request: WireRequest) throws(APIError) -> Caller {
        Caller(name: "tester", accessKeyId: "AKIDEXAMPLE", role: denied ? "readonly" : "admin", signingService: service)
    }

    func authorize(_ caller: Caller, service: ServiceKind, operation: String) throws(APIError) {
        if denied {
            throw APIError("AccessDeniedException", "User: arn:aws:iam::123456789012:user/tester is not authorized to perform: "
                           + "\(service.rawValue):\(operation)", status: 400)
        }
    }
}
