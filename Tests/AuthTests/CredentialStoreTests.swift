import Auth
import Foundation
import Store
import Testing

@Suite("Credential store")
struct CredentialStoreTests {
    /// A data directory with a database and the default key file path.
    struct Fixture {
        let directory = temporaryDirectory()
        var keyFile: String { directory + "/credentials.key" }
        var databasePath: String { directory + "/schedulerd.sqlite" }

        func database() throws -> SchedulerDatabase { try SchedulerDatabase.open(directory: directory) }

        func store(configured: [Credential] = [], refreshInterval: Duration = .seconds(1),
                   clock: ManualUptime = ManualUptime()) throws -> CredentialStore {
            try CredentialStore(database: database(), keyFile: keyFile, configured: configured,
                                refreshInterval: refreshInterval, clock: clock.now)
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    static func storeError(_ body: () throws -> Void) -> CredentialStoreError? {
        do {
            try body()
            return nil
        } catch let error as CredentialStoreError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test("create, look up, list and revoke")
    func roundTrip() throws {
        let fixture = Fixture()
        defer { fixture.remove() }
        let store = try fixture.store()
        let created = try store.create(name: "deploy-bot", role: .operator)
        #expect(created.accessKeyId.count == 20)
        #expect(created.accessKeyId.hasPrefix("AKIA"))
        #expect(created.accessKeyId.dropFirst(4).allSatisfy { ("A"..."Z").contains($0) || ("2"..."7").contains($0) })
        #expect(created.secretAccessKey.count == 40)
        #expect(created.secretAccessKey.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "/" || $0 == "+") })
        #expect(store.credential(accessKeyId: created.accessKeyId) == created)

        // Another instance over the same files (the CLI and the daemon) opens the same secret.
        let reopened = try fixture.store()
        #expect(reopened.credential(accessKeyId: created.accessKeyId) == created)

        let listed = try store.list()
        #expect(listed.count == 1)
        #expect(listed[0].accessKeyId == created.accessKeyId)
        #expect(listed[0].name == "deploy-bot")
        #expect(listed[0].role == .operator)
        #expect(listed[0].origin == .cli)
        #expect(listed[0].isActive)
        #expect(listed[0].createdAt != nil)

        let revoked = try store.revoke(accessKeyIdOrName: "deploy-bot")
        #expect(revoked.accessKeyId == created.accessKeyId)
        #expect(!revoked.isActive)
        #expect(store.credential(accessKeyId: created.accessKeyId) == nil)
        #expect(try store.list().map(\.isActive) == [false])

        // The name is free again once revoked.
        let again = try store.create(name: "deploy-bot", role: .readonly)
        #expect(again.accessKeyId != created.accessKeyId)
        #expect(try store.list().map(\.isActive) == [false, true])
    }

    @Test("refusals: bad name, duplicate active name, unknown key, revoking twice")
    func refusals() throws {
        let fixture = Fixture()
        defer { fixture.remove() }
        let store = try fixture.store()
        let first = try store.create(name: "ops", role: .admin)
        #expect(Self.storeError { try store.create(name: "ops", role: .readonly) }?.code == .duplicateName)
        for name in ["", "has space", "slash/name", String(repeating: "a", count: 65), "é"] {
            #expect(Self.storeError { try store.create(name: name, role: .readonly) }?.code == .invalidName, "\(name)")
        }
        #expect(throws: Never.self) { try store.create(name: "a.b@c,d+e=f_g-h", role: .readonly) }
        #expect(Self.storeError { try store.revoke(accessKeyIdOrName: "nobody") }?.code == .unknownCredential)
        try store.revoke(accessKeyIdOrName: first.accessKeyId)
        let twice = Self.storeError { try store.revoke(accessKeyIdOrName: first.accessKeyId) }
        #expect(twice?.code == .alreadyRevoked)
        #expect(twice?.message.contains("is already revoked at ") == true)
        #expect(Self.storeError { try store.revoke(accessKeyIdOrName: "ops") }?.code == .alreadyRevoked)
    }

    @Test("configured credentials: looked up, listed, never stored, not revocable here, names reserved")
    func configured() throws {
        let fixture = Fixture()
        defer { fixture.remove() }
        let ci = Credential(accessKeyId: "AKIACONFIGUREDCI0001", secretAccessKey: "configured-secret", name: "ci", role: .operator)
        let store = try fixture.store(configured: [ci])
        #expect(store.credential(accessKeyId: ci.accessKeyId) == ci)
        #expect(try store.list().map(\.origin) == [.configuration])
        #expect(try fixture.database().credentialRecords(activeOnly: false).isEmpty)
        #expect(Self.storeError { try store.revoke(accessKeyIdOrName: "ci") }?.code == .configuredCredential)
        #expect(Self.storeError { try store.create(name: "ci", role: .admin) }?.code == .duplicateName)
        #expect(try store.hasActiveCredentials())
    }

    @Test("a revocation by another process takes effect after the refresh interval, not before")
    func revocationFromAnotherProcess() throws {
        let fixture = Fixture()
        defer { fixture.remove() }
        let uptime = ManualUptime()
        let daemon = try fixture.store(refreshInterval: .seconds(1), clock: uptime)
        let cli = try fixture.store()
        let created = try cli.create(name: "temp", role: .readonly)
        // The daemon sees a credential created elsewhere once its copy is a second old.
        #expect(daemon.credential(accessKeyId: created.accessKeyId) == nil)
        uptime.advance(by: .seconds(1))
        #expect(daemon.credential(accessKeyId: created.accessKeyId) == created)

        try cli.revoke(accessKeyIdOrName: created.accessKeyId)
        uptime.advance(by: .milliseconds(999))
        #expect(daemon.credential(accessKeyId: created.accessKeyId) == created)   // still the cached copy
        uptime.advance(by: .milliseconds(1))
        #expect(daemon.credential(accessKeyId: created.accessKeyId) == nil)
    }

    @Test("the verifier refuses a revoked key")
    func verifierRefusesRevokedKey() throws {
        let fixture = Fixture()
        defer { fixture.remove() }
        let store = try fixture.store()
        let created = try store.create(name: "reader", role: .readonly)
        let now = Date(timeIntervalSince1970: 1_767_227_400)
        let verifier = SigV4Verifier(credentials: store, region: "us-east-1", now: { now })
        let request = signed(ssmRequest("GetParameter"), with: created, at: now)
        #expect(try verifier.verify(request) == Principal(accessKeyId: created.accessKeyId, name: "reader", role: .readonly))
        try store.revoke(accessKeyIdOrName: "reader")
        #expect(failure(verifier, request) == AuthFailure(code: "UnrecognizedClientException",
                                                         message: "The security token included in the request is invalid."))
    }

    @Test("the key file is created with mode 0600 and 32 bytes, and reused")
    func keyFileCreated() throws {
        let fixture = Fixture()
        defer { fixture.remove() }
        _ = try fixture.store()
        #expect(try permissions(fixture.keyFile) == 0o600)
        let key = try Data(contentsOf: URL(fileURLWithPath: fixture.keyFile))
        #expect(key.count == 32)
        _ = try fixture.store()
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.keyFile)) == key)
    }

    @Test("a key file open to group or others is refused, with the fix", arguments: [0o640, 0o604, 0o644, 0o660, 0o700])
    func keyFileModes(mode: Int) throws {
        let fixture = Fixture()
        defer { fixture.remove() }
        _ = try fixture.store()
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: fixture.keyFile)
        let error = Self.storeError { _ = try fixture.store() }
        if mode & 0o077 == 0 {
            #expect(error == nil)
        } else {
            #expect(error?.code == .unsafeKeyFile)
            #expect(error?.message == "the credentials key file \(fixture.keyFile) is open to group or others (mode "
                    + "\(String(mode, radix: 8))); it must be readable by its owner only: chmod 600 \(fixture.keyFile)")
        }
    }

    @Test("a key file of the wrong size, another key, or a missing key while secrets are stored")
    func wrongKeys() throws {
        let fixture = Fixture()
        defer { fixture.remove() }
        try fixture.store().create(name: "kept", role: .admin)
        let original = try Data(contentsOf: URL(fileURLWithPath: fixture.keyFile))

        try Data(repeating: 7, count: 16).write(to: URL(fileURLWithPath: fixture.keyFile))
        #expect(Self.storeError { _ = try fixture.store() }?.code == .unsafeKeyFile)

        try Data(repeating: 7, count: 32).write(to: URL(fileURLWithPath: fixture.keyFile))
        let wrong = Self.storeError { _ = try fixture.store() }
        #expect(wrong?.code == .wrongKey)
        #expect(wrong?.message.contains("(kept)") == true)

        try FileManager.default.removeItem(atPath: fixture.keyFile)
        #expect(Self.storeError { _ = try fixture.store() }?.code == .wrongKey)
        #expect(!FileManager.default.fileExists(atPath: fixture.keyFile))

        try original.write(to: URL(fileURLWithPath: fixture.keyFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: fixture.keyFile)
        #expect(try fixture.store().list().map(\.name) == ["kept"])
    }

    @Test("the secret never reaches the database files in clear")
    func secretNotInDatabase() throws {
        let fixture = Fixture()
        defer { fixture.remove() }
        let store = try fixture.store()
        var credentials: [Credential] = []
        for index in 0..<5 { credentials.append(try store.create(name: "user\(index)", role: .readonly)) }
        try store.revoke(accessKeyIdOrName: "user0")
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.directory)
            .filter { $0.hasPrefix("schedulerd.sqlite") }
        #expect(files.contains("schedulerd.sqlite"))
        var bytes = Data()
        for file in files { bytes += try Data(contentsOf: URL(fileURLWithPath: fixture.directory + "/" + file)) }
        for credential in credentials {
            // The test can fail: the access key id is stored in clear, so the search works.
            #expect(bytes.range(of: Data(credential.accessKeyId.utf8)) != nil)
            #expect(bytes.range(of: Data(credential.secretAccessKey.utf8)) == nil)
            #expect(bytes.range(of: Data(credential.secretAccessKey.prefix(12).utf8)) == nil)
        }
    }
}
