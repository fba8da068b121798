extension DaemonConfiguration {
    static let keys = [
        "listen", "data_dir", "region", "account_id", "default_timezone", "log_level", "calendars_dir", "runbooks_dir",
        "max_event_age", "history_retention", "auth", "parameters", "rules", "fleet",
    ]

    /// Overwrites the defaults with what the document's root mapping sets.
    mutating func decode(_ root: ConfigurationNode, with decoder: ConfigurationDecoder) throws(ConfigurationError) {
        let fields = try decoder.mapping(root, path: "", allowedKeys: Self.keys)
        if let node = fields["listen"] {
            listen = try decoder.listenAddress(node, path: fields.path("listen"))
        }
        if let node = fields["data_dir"] {
            dataDirectory = try decoder.directory(node, path: fields.path("data_dir"))
        }
        if let node = fields["region"] {
            let text = try decoder.text(node, path: fields.path("region"))
            try decoder.checked(node, path: fields.path("region")) { () throws(ValueProblem) in
                try EventBridgeNames.checkRegion(text)
            }
            region = text
        }
        if let node = fields["account_id"] {
            let text = try decoder.text(node, path: fields.path("account_id"))
            try decoder.checked(node, path: fields.path("account_id")) { () throws(ValueProblem) in
                try EventBridgeNames.checkAccountID(text)
            }
            accountID = text
        }
        if let node = fields["default_timezone"] {
            defaultTimeZone = try decoder.nonEmptyText(node, path: fields.path("default_timezone"))
        }
        if let node = fields["log_level"] {
            let text = try decoder.text(node, path: fields.path("log_level"))
            guard let level = LogLevel(rawValue: text) else {
                let levels = LogLevel.allCases.map(\.rawValue).joined(separator: ", ")
                throw decoder.error(.invalidValue, "'\(text)' is not a log level; use one of \(levels)",
                                    at: node, path: fields.path("log_level"))
            }
            logLevel = level
        }
        if let node = fields["calendars_dir"] {
            calendarsDirectory = try decoder.directory(node, path: fields.path("calendars_dir"))
        }
        if let node = fields["runbooks_dir"] {
            runbooksDirectory = try decoder.directory(node, path: fields.path("runbooks_dir"))
        }
        if let node = fields["max_event_age"] {
            maxEventAge = try decoder.duration(node, path: fields.path("max_event_age"))
        }
        if let node = fields["history_retention"] {
            let path = fields.path("history_retention")
            let text = try decoder.text(node, path: path)
            historyRetention = text == "forever" ? nil : try decoder.checked(node, path: path) { () throws(ValueProblem) in
                do throws(ValueProblem) {
                    return try DurationText.parse(text)
                } catch {
                    throw ValueProblem(error.message + "; or forever, to keep everything")
                }
            }
        }
        if let node = fields["auth"] {
            auth = try decoder.auth(node, path: fields.path("auth"))
        }
        if let node = fields["parameters"] {
            parameters = try decoder.parameters(node, path: fields.path("parameters"))
        }
        if let node = fields["rules"] {
            rules = try decoder.rules(node, path: fields.path("rules"))
        }
        if let node = fields["fleet"] {
            fleet = try decoder.fleet(node, path: fields.path("fleet"))
        }
        if auth == .none, !listen.isLoopback, let node = fields["auth"] {
            throw decoder.error(.conflict, "auth: none lets anyone who can reach \(listen) use the API; it is allowed "
                                + "only with a loopback listen address (127.0.0.1, ::1, localhost). Leave auth out to "
                                + "require signed requests", at: node, path: fields.path("auth"))
        }
    }
}

extension ConfigurationDecoder {
    func listenAddress(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> ListenAddress {
        if node.items != nil {
            // `listen: [::1]:8750` unquoted reads as a YAML list.
            throw error(.wrongType, "expected HOST:PORT; an IPv6 address must be quoted in YAML, "
                        + "like listen: \"[::1]:8750\"", at: node, path: path)
        }
        let text = try text(node, path: path)
        return try checked(node, path: path) { () throws(ValueProblem) in try ListenAddress.parse(text) }
    }

    /// A directory, resolved against the configuration file's directory when relative.
    func directory(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> String {
        let text = try text(node, path: path)
        return try checked(node, path: path) { () throws(ValueProblem) in
            try FilePath.resolve(text, against: baseDirectory)
        }
    }
}
