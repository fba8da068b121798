extension ConfigurationDecoder {
    static let authKeys = ["key_file", "credentials"]
    static let credentialKeys = ["name", "access_key_id", "secret_access_key", "role"]

    func auth(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> AuthConfiguration {
        if node.entries != nil { return try signatureV4(node, path: path) }
        if node.text == "none" { return .none }
        let found = node.text.map { "'\($0)'" } ?? node.shapeName
        throw error(.wrongType, "expected 'none' or a mapping with key_file and credentials (or leave auth out to "
                    + "require signed requests); found \(found)", at: node, path: path)
    }

    private func signatureV4(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> AuthConfiguration {
        let fields = try mapping(node, path: path, allowedKeys: Self.authKeys)
        var keyFile: String?
        if let node = fields["key_file"] {
            let text = try text(node, path: fields.path("key_file"))
            guard !text.isEmpty else {
                throw error(.invalidValue, "the key file path cannot be empty; leave key_file out for "
                            + "<data_dir>/credentials.key", at: node, path: fields.path("key_file"))
            }
            keyFile = try checked(node, path: fields.path("key_file")) { () throws(ValueProblem) in
                try FilePath.resolve(text, against: baseDirectory)
            }
        }
        var credentials: [ConfiguredCredential] = []
        if let listNode = fields["credentials"] {
            let listPath = fields.path("credentials")
            for (index, item) in try list(listNode, path: listPath).enumerated() {
                let itemPath = DocumentPath.index(listPath, index)
                let credential = try configuredCredential(item, path: itemPath)
                if let earlier = credentials.firstIndex(where: { $0.name == credential.name }) {
                    throw error(.duplicate, "the name '\(credential.name)' is already used by credentials[\(earlier)]",
                                at: item["name"] ?? item, path: DocumentPath.key(itemPath, "name"))
                }
                if let earlier = credentials.firstIndex(where: { $0.accessKeyID == credential.accessKeyID }) {
                    throw error(.duplicate, "the access key id is already used by credentials[\(earlier)]",
                                at: item["access_key_id"] ?? item, path: DocumentPath.key(itemPath, "access_key_id"))
                }
                credentials.append(credential)
            }
        }
        return .signatureV4(keyFile: keyFile, credentials: credentials)
    }

    private func configuredCredential(_ node: ConfigurationNode, path: String) throws(ConfigurationError)
        -> ConfiguredCredential {
        let fields = try mapping(node, path: path, allowedKeys: Self.credentialKeys)
        func required(_ key: String) throws(ConfigurationError) -> (ConfigurationNode, String) {
            guard let value = fields[key] else {
                throw error(.missingKey, "a credential needs \(Self.credentialKeys.joined(separator: ", ")); "
                            + "\(key) is missing", at: node, path: fields.path(key))
            }
            return (value, try text(value, path: fields.path(key)))
        }
        let (nameNode, name) = try required("name")
        let nameAllowed = name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "+=,.@_-".utf8.contains(byte)
        }
        guard (1...64).contains(name.utf8.count), nameAllowed else {
            throw error(.invalidValue, "'\(name)' is not a credential name: use 1 to 64 letters, digits and "
                        + "+ = , . @ _ - (as an IAM user name)", at: nameNode, path: fields.path("name"))
        }
        let (keyNode, accessKeyID) = try required("access_key_id")
        let keyAllowed = accessKeyID.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        guard (16...128).contains(accessKeyID.utf8.count), keyAllowed else {
            throw error(.invalidValue, "an access key id is 16 to 128 upper-case letters and digits, like "
                        + "AKIAIOSFODNN7EXAMPLE; found \(accessKeyID.utf8.count) characters",
                        at: keyNode, path: fields.path("access_key_id"))
        }
        let (secretNode, secret) = try required("secret_access_key")
        guard !secret.isEmpty else {
            throw error(.invalidValue, "the secret access key must not be empty", at: secretNode,
                        path: fields.path("secret_access_key"))
        }
        let (roleNode, role) = try required("role")
        guard ConfiguredCredential.roles.contains(role) else {
            throw error(.invalidValue, "'\(role)' is not a role; use one of \(ConfiguredCredential.roles.joined(separator: ", "))",
                        at: roleNode, path: fields.path("role"))
        }
        return ConfiguredCredential(name: name, accessKeyID: accessKeyID, secretAccessKey: secret, role: role)
    }
}
