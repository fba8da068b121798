import Foundation
import Parameters
import Testing

@Suite("SecureString envelope encryption and master keys")
struct EncryptionTests {
    @Test("the same value sealed twice differs, and opens to the value")
    func roundTrip() throws {
        let ring = Fixture.keyRing()
        let first = try ring.seal("s3cr3t", keyId: "alias/aws/ssm", context: "app/db\u{0}1")
        let second = try ring.seal("s3cr3t", keyId: "alias/aws/ssm", context: "app/db\u{0}1")
        #expect(first != second)
        #expect(!String(decoding: first, as: UTF8.self).contains("s3cr3t"))
        #expect(try ring.open(first, context: "app/db\u{0}1", label: "x").plaintext == "s3cr3t")
        #expect(try ring.open(second, context: "app/db\u{0}1", label: "x").resealed == nil, "sealed under the current key")
    }

    @Test("key ids as KMS names them; an unknown one resolves to nothing")
    func keyIds() {
        let ring = Fixture.keyRing()
        #expect(ring.resolve("alias/aws/ssm") == "alias/aws/ssm")
        #expect(ring.resolve("arn:aws:kms:us-east-1:123456789012:alias/aws/ssm") == "alias/aws/ssm")
        #expect(ring.resolve("alias/app") == "1234abcd-12ab-34cd-56ef-1234567890ab")
        #expect(ring.resolve("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab") == "1234abcd-12ab-34cd-56ef-1234567890ab")
        #expect(ring.resolve("arn:aws:kms:us-east-1:123456789012:alias/app") == "1234abcd-12ab-34cd-56ef-1234567890ab")
        #expect(ring.resolve("alias/other") == nil)
        #expect(ring.resolve("arn:aws:kms:eu-west-1:123456789012:alias/app") == nil)
    }

    @Test("every flipped byte, a copied ciphertext, or a key removed fails clearly, never with wrong data")
    func tampering() throws {
        let ring = Fixture.keyRing()
        let sealed = try ring.seal("value", keyId: "1234abcd-12ab-34cd-56ef-1234567890ab", context: "p\u{0}1")
        for index in sealed.indices {
            var bad = sealed
            bad[index] ^= 0x01
            let error = parameterError { _ = try ring.open(bad, context: "p\u{0}1", label: "parameter p version 1") }
            #expect(error?.code == "InternalServerError" || error?.code == "InvalidKeyId", "byte \(index): \(String(describing: error))")
            #expect(error?.message.contains("parameter p version 1") == true)
        }
        #expect(parameterError { _ = try ring.open(sealed, context: "p\u{0}2", label: "v2") }?.code == "InternalServerError",
                "a ciphertext moved to another version does not open")
        #expect(parameterError { _ = try ring.open(Array(sealed.prefix(20)), context: "p\u{0}1", label: "x") }?.code == "InternalServerError")
        let withoutCustomerKey = ParameterKeyRing(master: Fixture.master(), customerKeys: [], region: Fixture.region, account: Fixture.account)
        let missing = parameterError { _ = try withoutCustomerKey.open(sealed, context: "p\u{0}1", label: "parameter p version 1") }
        #expect(missing?.code == "InvalidKeyId")
        #expect(missing?.message.contains("1234abcd-12ab-34cd-56ef-1234567890ab") == true)
    }

    @Test("rotation: values sealed under an older master key open and come back resealed under the newest")
    func rotation() throws {
        let old = Fixture.keyRing([1])
        let sealed = try old.seal("before rotation", keyId: "alias/aws/ssm", context: "k\u{0}1")
        let rotated = Fixture.keyRing([1, 2])
        let opened = try rotated.open(sealed, context: "k\u{0}1", label: "x")
        #expect(opened.plaintext == "before rotation")
        let resealed = try #require(opened.resealed)
        #expect(resealed != sealed)
        #expect(try rotated.open(resealed, context: "k\u{0}1", label: "x").resealed == nil)
        #expect(try rotated.open(resealed, context: "k\u{0}1", label: "x").plaintext == "before rotation")
        let onlyNew = Fixture.keyRing([2])
        let lost = parameterError { _ = try onlyNew.open(sealed, context: "k\u{0}1", label: "x") }
        #expect(lost?.code == "InvalidKeyId")
        #expect(lost?.message.contains("Master key version 1") == true)
    }

    @Test("the key file: made 0600 on first use, refused when others may read it, kept when it exists")
    func keyFile() throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/parameters.key"
        let source = MasterKeySource.file(path)
        let created = try source.load(mayCreate: true)
        #expect(created.current == 1)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try source.load(mayCreate: false).versions.keys.sorted() == [1])
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: ParameterKeyError.self) { _ = try source.load(mayCreate: false) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let (rotated, version) = try MasterKeys.rotatedFileText(text, source: "test")
        #expect(version == 2)
        #expect(try MasterKeys.parse(rotated, source: "test").current == 2)
        try FileManager.default.removeItem(atPath: path)
        let refused = #expect(throws: ParameterKeyError.self) { _ = try source.load(mayCreate: false) }
        #expect(refused?.message.contains("is missing") == true)
    }

    @Test("keys from an environment variable, and malformed key text")
    func environment() throws {
        let text = "1:" + Data(repeating: 9, count: 32).base64EncodedString() + ", 3:" + Data(repeating: 8, count: 32).base64EncodedString()
        let keys = try MasterKeySource.environment("KEYS").load(mayCreate: false, environment: ["KEYS": text])
        #expect(keys.versions.keys.sorted() == [1, 3])
        #expect(keys.current == 3)
        #expect(throws: ParameterKeyError.self) { _ = try MasterKeySource.environment("KEYS").load(mayCreate: false, environment: [:]) }
        for bad in ["1:short", "x:" + Data(count: 32).base64EncodedString(), "# only a comment", "0:" + Data(count: 32).base64EncodedString()] {
            #expect(throws: ParameterKeyError.self) { _ = try MasterKeys.parse(bad, source: "test") }
        }
    }
}
