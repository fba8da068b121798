import Auth
import Foundation
import Store
import Testing

@Suite("Bootstrap administrator")
struct BootstrapTests {
    @Test("with no credential at all, one admin is created and its file written once, mode 0600")
    func writesOnce() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CredentialStore(database: SchedulerDatabase.open(directory: directory),
                                        keyFile: directory + "/credentials.key")
        let url = try #require(try store.bootstrapAdminIfEmpty(dataDirectory: directory))
        #expect(url.path == directory + "/admin-credentials")
        #expect(try permissions(url.path) == 0o600)

        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("# ") == true)
        let values = Dictionary(uniqueKeysWithValues: lines.filter { !$0.hasPrefix("#") }.map { line in
            let parts = line.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), String(parts[1]))
        })
        #expect(Set(values.keys) == ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
        let credential = try #require(store.credential(accessKeyId: values["AWS_ACCESS_KEY_ID"]!))
        #expect(credential.secretAccessKey == values["AWS_SECRET_ACCESS_KEY"])
        #expect(credential.name == "admin")
        #expect(credential.role == .admin)
        #expect(try store.list().map(\.origin) == [.generated])

        // Not again: a credential is active now.
        #expect(try store.bootstrapAdminIfEmpty(dataDirectory: directory) == nil)
        #expect(try String(contentsOf: url, encoding: .utf8) == text)
    }

    @Test("an existing file is never overwritten; nothing is created then")
    func neverOverwrites() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CredentialStore(database: SchedulerDatabase.open(directory: directory),
                                        keyFile: directory + "/credentials.key")
        let url = try #require(try store.bootstrapAdminIfEmpty(dataDirectory: directory))
        let text = try String(contentsOf: url, encoding: .utf8)
        try store.revoke(accessKeyIdOrName: "admin")
        #expect(try store.bootstrapAdminIfEmpty(dataDirectory: directory) == nil)
        #expect(try String(contentsOf: url, encoding: .utf8) == text)
        #expect(try !store.hasActiveCredentials())
    }

    @Test("configured credentials count: nothing is bootstrapped")
    func configuredCount() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configured = Credential(accessKeyId: "AKIACONFIGUREDADMIN1", secretAccessKey: "s", name: "root", role: .admin)
        let store = try CredentialStore(database: SchedulerDatabase.open(directory: directory),
                                        keyFile: directory + "/credentials.key", configured: [configured])
        #expect(try store.bootstrapAdminIfEmpty(dataDirectory: directory) == nil)
        #expect(!FileManager.default.fileExists(atPath: directory + "/admin-credentials"))
    }
}
