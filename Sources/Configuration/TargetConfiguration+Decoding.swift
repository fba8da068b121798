internal import Foundation

extension ConfigurationDecoder {
    static let targetKeys = [
        "id", "log", "command", "webhook", "automation", "timeout", "input", "input_path", "input_transformer", "retry_policy",
    ]
    static let targetKindKeys = ["log", "command", "webhook", "automation"]
    static let inputKeys = ["input", "input_path", "input_transformer"]

    func target(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> TargetConfiguration {
        let fields = try mapping(node, path: path, allowedKeys: Self.targetKeys)

        guard let idNode = fields["id"] else {
            throw error(.missingKey, "a target needs an id", at: node, path: fields.path("id"))
        }
        let id = try text(idNode, path: fields.path("id"))
        try checked(idNode, path: fields.path("id")) { () throws(ValueProblem) in
            try EventBridgeNames.checkIdentifier(id, what: "a target id")
        }

        let kind = try targetKind(fields, targetNode: node)
        let input = try targetInput(fields)
        var retryPolicy = RetryPolicy.default
        if let node = fields["retry_policy"] {
            retryPolicy = try self.retryPolicy(node, path: fields.path("retry_policy"))
        }
        return TargetConfiguration(id: id, kind: kind, input: input, retryPolicy: retryPolicy)
    }

    private func targetKind(_ fields: Fields, targetNode: ConfigurationNode) throws(ConfigurationError) -> TargetKind {
        let given = fields.entries.filter { Self.targetKindKeys.contains($0.key) && !$0.value.isNull }
        guard let entry = given.first else {
            throw error(.missingKey, "a target needs one of log: true, command: [PROGRAM, ARGUMENTS...], "
                        + "webhook: URL or automation: RUNBOOK", at: targetNode, path: fields.path)
        }
        if given.count > 1 {
            let second = given[1]
            throw error(.conflict, "a target does one thing; this one has both '\(entry.key)' and '\(second.key)'. "
                        + "Make two targets", path: fields.path(second.key), line: second.line, column: second.column)
        }
        let path = fields.path(entry.key)
        switch entry.key {
        case "log":
            guard try boolean(entry.value, path: path) else {
                throw error(.invalidValue, "log: false sends the event nowhere; write log: true, or remove the target",
                            at: entry.value, path: path)
            }
            if fields["timeout"] != nil, let timeout = fields.entry("timeout") {
                throw error(.conflict, "timeout applies to command and webhook targets, not to the event log",
                            path: fields.path("timeout"), line: timeout.line, column: timeout.column)
            }
            return .log
        case "automation":
            if fields["timeout"] != nil, let timeout = fields.entry("timeout") {
                throw error(.conflict, "timeout applies to command and webhook targets; an automation's steps have their own timeoutSeconds",
                            path: fields.path("timeout"), line: timeout.line, column: timeout.column)
            }
            return .automation(try automation(entry.value, path: path))
        case "command":
            let argv = try command(entry.value, path: path)
            let timeout = try fields["timeout"].map { node throws(ConfigurationError) in
                try duration(node, path: fields.path("timeout"))
            } ?? TargetConfiguration.defaultCommandTimeout
            return .command(argv: argv, timeout: timeout)
        default:
            let url = try webhookURL(entry.value, path: path)
            let timeout = try fields["timeout"].map { node throws(ConfigurationError) in
                try duration(node, path: fields.path("timeout"))
            } ?? TargetConfiguration.defaultWebhookTimeout
            return .webhook(url: url, timeout: timeout)
        }
    }

    /// A non-empty argv list of text, program first.
    private func command(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> [String] {
        guard let items = node.items else {
            throw error(.wrongType, "expected the program and its arguments as a list, like "
                        + "[\"/bin/sh\", \"-c\", \"echo hello\"]; found \(node.shapeName). "
                        + "The command is not run through a shell", at: node, path: path)
        }
        guard !items.isEmpty else {
            throw error(.invalidValue, "the command list is empty; name the program to run first", at: node, path: path)
        }
        var argv: [String] = []
        for (index, item) in items.enumerated() {
            argv.append(try text(item, path: DocumentPath.index(path, index)))
        }
        if argv[0].isEmpty {
            throw error(.invalidValue, "the program name must not be empty", at: items[0], path: DocumentPath.index(path, 0))
        }
        return argv
    }

    /// `automation: ARN-or-NAME`, or a mapping: `document` (ARN or name), `version`, and the
    /// rate control `targets`, `target_parameter_name`, `max_concurrency`, `max_errors`.
    private func automation(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> AutomationTargetConfiguration {
        if node.entries == nil {
            return try runbookReference(node, path: path)
        }
        let fields = try mapping(node, path: path, allowedKeys: ["document", "version", "targets", "target_parameter_name",
                                                                 "max_concurrency", "max_errors"])
        guard let documentNode = fields["document"] else {
            throw error(.missingKey, "an automation target needs a document: a runbook name, such as AWS-StopEC2Instance, or "
                        + "an automation definition ARN", at: node, path: fields.path("document"))
        }
        var configuration = try runbookReference(documentNode, path: fields.path("document"))
        if let versionNode = fields["version"] {
            guard configuration.documentVersion == nil else {
                throw error(.conflict, "the document's ARN already names a version", at: versionNode, path: fields.path("version"))
            }
            let version = try text(versionNode, path: fields.path("version"))
            guard Self.isVersion(version) else {
                throw error(.invalidValue, "'\(version)' is not a version; write $DEFAULT, $LATEST or a number", at: versionNode,
                            path: fields.path("version"))
            }
            configuration.documentVersion = version
        }
        if let targetsNode = fields["targets"] {
            let targetsPath = fields.path("targets")
            for (index, item) in try list(targetsNode, path: targetsPath).enumerated() {
                let itemPath = DocumentPath.index(targetsPath, index)
                let selector = try mapping(item, path: itemPath, allowedKeys: ["key", "values"])
                guard let keyNode = selector["key"], let valuesNode = selector["values"] else {
                    throw error(.missingKey, "a target needs a key (tag:NAME, ParameterValues, InstanceIds) and values",
                                at: item, path: itemPath)
                }
                let key = try nonEmptyText(keyNode, path: selector.path("key"))
                guard key.hasPrefix("tag:") && key.count > 4 || ["ParameterValues", "InstanceIds", "AWS::EC2::Instance", "AWS::RDS::DBInstance"].contains(key) else {
                    throw error(.invalidValue, "'\(key)' is not a target key; use tag:NAME, ParameterValues, InstanceIds, "
                                + "AWS::EC2::Instance or AWS::RDS::DBInstance", at: keyNode, path: selector.path("key"))
                }
                var values: [String] = []
                for (valueIndex, value) in try list(valuesNode, path: selector.path("values")).enumerated() {
                    values.append(try nonEmptyText(value, path: DocumentPath.index(selector.path("values"), valueIndex)))
                }
                if values.isEmpty {
                    throw error(.invalidValue, "a target needs at least one value", at: valuesNode, path: selector.path("values"))
                }
                configuration.targets.append(.init(key: key, values: values))
            }
            if configuration.targets.count > 1 {
                throw error(.tooMany, "StartAutomationExecution takes one target; write one key with several values",
                            at: targetsNode, path: targetsPath)
            }
        }
        if let nameNode = fields["target_parameter_name"] {
            configuration.targetParameterName = try nonEmptyText(nameNode, path: fields.path("target_parameter_name"))
        }
        if configuration.targets.isEmpty != (configuration.targetParameterName == nil) {
            // Reported at the key that is there, naming the one that is missing.
            let (present, missing) = configuration.targets.isEmpty ? ("target_parameter_name", "targets") : ("targets", "target_parameter_name")
            let entry = fields.entry(present)
            throw error(.conflict, "targets and target_parameter_name go together (the targets' values fill that runbook parameter); "
                        + "add \(missing)", path: fields.path(present), line: entry?.line ?? node.line, column: entry?.column ?? node.column)
        }
        for (key, pattern) in [("max_concurrency", "a number such as 10 or a percentage such as 50%"),
                               ("max_errors", "a number such as 0 or a percentage such as 10%")] {
            guard let valueNode = fields[key] else { continue }
            let value = try text(valueNode, path: fields.path(key))
            guard Self.isRate(value, zeroAllowed: key == "max_errors") else {
                throw error(.invalidValue, "'\(value)' is not \(pattern)", at: valueNode, path: fields.path(key))
            }
            guard !configuration.targets.isEmpty else {
                throw error(.conflict, "\(key) applies to an automation with targets", at: valueNode, path: fields.path(key))
            }
            if key == "max_concurrency" { configuration.maxConcurrency = value } else { configuration.maxErrors = value }
        }
        return configuration
    }

    /// `arn:aws:ssm:REGION:ACCOUNT:automation-definition/NAME[:VERSION]`, or a document name.
    private func runbookReference(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> AutomationTargetConfiguration {
        let text = try nonEmptyText(node, path: path)
        if text.hasPrefix("arn:") {
            let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            guard parts.count == 6, parts[2] == "ssm", parts[5].hasPrefix("automation-definition/") else {
                throw error(.invalidValue, "'\(text)' is not an automation definition ARN; write "
                            + "arn:aws:ssm:REGION:ACCOUNT:automation-definition/NAME:$DEFAULT", at: node, path: path)
            }
            let pieces = parts[5].dropFirst("automation-definition/".count).split(separator: ":", omittingEmptySubsequences: false)
            let name = String(pieces[0])
            let version = pieces.count > 1 ? String(pieces[1]) : nil
            guard Self.isDocumentName(name), pieces.count <= 2, version.map(Self.isVersion) ?? true else {
                throw error(.invalidValue, "'\(text)' does not end in a runbook name and version such as AWS-StopEC2Instance:$DEFAULT",
                            at: node, path: path)
            }
            return AutomationTargetConfiguration(documentName: name, documentVersion: version, arn: text)
        }
        guard Self.isDocumentName(text) else {
            throw error(.invalidValue, "'\(text)' is not a runbook name (3 to 128 letters, digits, '_', '-', '.')", at: node, path: path)
        }
        return AutomationTargetConfiguration(documentName: text)
    }

    static func isDocumentName(_ text: String) -> Bool {
        (3...128).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }
    }

    static func isVersion(_ text: String) -> Bool {
        text == "$DEFAULT" || text == "$LATEST" || (Int(text).map { $0 > 0 } ?? false) && !text.hasPrefix("0")
    }

    static func isRate(_ text: String, zeroAllowed: Bool) -> Bool {
        let number = text.hasSuffix("%") ? String(text.dropLast()) : text
        guard let value = Int(number), String(value) == number else { return false }
        return text.hasSuffix("%") ? (zeroAllowed ? 0 : 1)...100 ~= value : value >= (zeroAllowed ? 0 : 1)
    }

    /// An absolute http or https URL with a host.
    private func webhookURL(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> String {
        let text = try text(node, path: path)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw error(.invalidValue, "'\(text)' is not an http or https URL; write one like "
                        + "https://hooks.example.com/schedulerd", at: node, path: path)
        }
        return text
    }

    /// At most one of `input`, `input_path` and `input_transformer`, as EventBridge allows.
    private func targetInput(_ fields: Fields) throws(ConfigurationError) -> TargetInput {
        let given = fields.entries.filter { Self.inputKeys.contains($0.key) && !$0.value.isNull }
        guard let entry = given.first else { return .matchedEvent }
        if given.count > 1 {
            let second = given[1]
            throw error(.conflict, "input, input_path and input_transformer exclude each other (as in EventBridge); "
                        + "'\(entry.key)' is already set, keep one", path: fields.path(second.key),
                        line: second.line, column: second.column)
        }
        let path = fields.path(entry.key)
        switch entry.key {
        case "input":
            return .constant(json: try json(entry.value, path: path, what: "the input", objectOnly: false))
        case "input_path":
            return .path(try jsonPath(entry.value, path: path))
        default:
            return .transformer(try inputTransformer(entry.value, path: path))
        }
    }

    /// A JSONPath into the event, such as `$.detail.state`. The event bus evaluates it; this only
    /// catches the common slip of leaving out the `$`.
    private func jsonPath(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> String {
        let text = try text(node, path: path)
        guard text.hasPrefix("$"), text.count <= 256 else {
            throw error(.invalidValue, "'\(text)' is not a JSONPath into the event; start it with $, like $.detail "
                        + "(at most 256 characters)", at: node, path: path)
        }
        return text
    }

    private func inputTransformer(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> InputTransformer {
        let fields = try mapping(node, path: path, allowedKeys: ["input_paths_map", "input_template"])
        guard let templateNode = fields["input_template"] else {
            throw error(.missingKey, "an input transformer needs an input_template", at: node,
                        path: fields.path("input_template"))
        }
        let template = try nonEmptyText(templateNode, path: fields.path("input_template"))
        guard template.count <= 8192 else {
            throw error(.invalidValue, "an input template has at most 8192 characters (as in EventBridge)",
                        at: templateNode, path: fields.path("input_template"))
        }
        var pathsMap: [String: String] = [:]
        if let mapNode = fields["input_paths_map"] {
            let mapPath = fields.path("input_paths_map")
            guard let entries = mapNode.entries else {
                throw error(.wrongType, "expected a mapping of placeholder names to JSONPaths, like "
                            + "state: $.detail.state; found \(mapNode.shapeName)", at: mapNode, path: mapPath)
            }
            guard entries.count <= 100 else {
                throw error(.tooMany, "an input paths map has at most 100 entries (as in EventBridge)",
                            at: mapNode, path: mapPath)
            }
            for entry in entries {
                let entryPath = DocumentPath.key(mapPath, entry.key)
                let isName = !entry.key.isEmpty && entry.key.count <= 256
                    && entry.key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
                guard isName else {
                    throw error(.invalidValue, "'\(entry.key)' cannot be a placeholder name; use letters, digits, "
                                + "'-' and '_'", path: entryPath, line: entry.line, column: entry.column)
                }
                pathsMap[entry.key] = try jsonPath(entry.value, path: entryPath)
            }
        }
        return InputTransformer(inputPathsMap: pathsMap, inputTemplate: template)
    }

    private func retryPolicy(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> RetryPolicy {
        let fields = try mapping(node, path: path,
                                 allowedKeys: ["maximum_retry_attempts", "maximum_event_age_in_seconds"])
        var attempts = RetryPolicy.default.maximumRetryAttempts
        if let node = fields["maximum_retry_attempts"] {
            attempts = try integer(node, path: fields.path("maximum_retry_attempts"), in: RetryPolicy.retryAttemptsRange)
        }
        var age = RetryPolicy.default.maximumEventAgeInSeconds
        if let node = fields["maximum_event_age_in_seconds"] {
            age = try integer(node, path: fields.path("maximum_event_age_in_seconds"), in: RetryPolicy.eventAgeRange)
        }
        return RetryPolicy(maximumRetryAttempts: attempts, maximumEventAgeInSeconds: age)
    }
}
