extension ConfigurationDecoder {
    static let parametersKeys = ["key_file", "key_env", "kms_keys"]
    static let kmsKeyKeys = ["key_id", "aliases"]

    func parameters(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> ParametersConfiguration {
        let fields = try mapping(node, path: path, allowedKeys: Self.parametersKeys)
        var configuration = ParametersConfiguration.default
        if fields["key_file"] != nil, let envNode = fields["key_env"] {
            throw error(.conflict, "key_file and key_env both name where the master keys are; keep one", at: envNode,
                        path: fields.path("key_env"))
        }
        if let node = fields["key_file"] {
            let text = try text(node, path: fields.path("key_file"))
            guard !text.isEmpty else {
                throw error(.invalidValue, "the key file path cannot be empty; leave key_file out for <data_dir>/parameters.key",
                            at: node, path: fields.path("key_file"))
            }
            configuration.masterKeys = .file(try checked(node, path: fields.path("key_file")) { () throws(ValueProblem) in
                try FilePath.resolve(text, against: baseDirectory)
            })
        }
        if let node = fields["key_env"] {
            let name = try text(node, path: fields.path("key_env"))
            let valid = name.utf8.first.map { !($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) } ?? false
                && name.utf8.allSatisfy { Self.isWordByte($0) }
            guard valid else {
                throw error(.invalidValue, "'\(name)' is not an environment variable name: use letters, digits and _, not starting "
                            + "with a digit", at: node, path: fields.path("key_env"))
            }
            configuration.masterKeys = .environment(name)
        }
        if let listNode = fields["kms_keys"] {
            let listPath = fields.path("kms_keys")
            var names: [String: String] = ["alias/aws/ssm": "alias/aws/ssm (the default key)"]
            for (index, item) in try list(listNode, path: listPath).enumerated() {
                let itemPath = DocumentPath.index(listPath, index)
                let key = try kmsKey(item, path: itemPath)
                for (name, entryNode) in [(key.keyID, item["key_id"] ?? item)] + key.aliases.map({ ($0, item["aliases"] ?? item) }) {
                    if let earlier = names[name] {
                        throw error(.duplicate, "'\(name)' already names \(earlier)", at: entryNode, path: itemPath)
                    }
                    names[name] = "kms_keys[\(index)]"
                }
                configuration.kmsKeys.append(key)
            }
        }
        return configuration
    }

    private func kmsKey(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> ParametersConfiguration.KMSKey {
        let fields = try mapping(node, path: path, allowedKeys: Self.kmsKeyKeys)
        guard let idNode = fields["key_id"] else {
            throw error(.missingKey, "a KMS key needs key_id (and may have aliases)", at: node, path: fields.path("key_id"))
        }
        let keyID = try text(idNode, path: fields.path("key_id"))
        guard (1...128).contains(keyID.utf8.count), keyID.utf8.allSatisfy({ Self.isWordByte($0) || $0 == UInt8(ascii: "-") }) else {
            throw error(.invalidValue, "'\(keyID)' is not a key id: use 1 to 128 letters, digits, - and _ (a KMS key id is a UUID "
                        + "like 1234abcd-12ab-34cd-56ef-1234567890ab)", at: idNode, path: fields.path("key_id"))
        }
        var aliases: [String] = []
        if let aliasesNode = fields["aliases"] {
            let aliasesPath = fields.path("aliases")
            for (index, aliasNode) in try list(aliasesNode, path: aliasesPath).enumerated() {
                let alias = try text(aliasNode, path: DocumentPath.index(aliasesPath, index))
                let name = alias.hasPrefix("alias/") ? alias.dropFirst(6) : ""
                guard !name.isEmpty, name.count <= 250, !alias.hasPrefix("alias/aws/"),
                      name.utf8.allSatisfy({ Self.isWordByte($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") }) else {
                    throw error(.invalidValue, "'\(alias)' is not an alias: write alias/NAME with letters, digits, /, - and _ "
                                + "(alias/aws/ is AWS's own)", at: aliasNode, path: DocumentPath.index(aliasesPath, index))
                }
                aliases.append(alias)
            }
        }
        return ParametersConfiguration.KMSKey(keyID: keyID, aliases: aliases)
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }
}
