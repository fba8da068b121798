internal import Foundation

extension ConfigurationDecoder {
    static let targetKeys = [
        "id", "log", "command", "webhook", "timeout", "input", "input_path", "input_transformer", "retry_policy",
    ]
    static let targetKindKeys = ["log", "command", "webhook"]
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
            throw error(.missingKey, "a target needs one of log: true, command: [PROGRAM, ARGUMENTS...] "
                        + "or webhook: URL", at: targetNode, path: fields.path)
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
