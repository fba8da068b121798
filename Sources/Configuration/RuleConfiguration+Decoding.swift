extension ConfigurationDecoder {
    static let ruleKeys = ["name", "description", "state", "event_pattern", "schedule_expression", "targets"]

    /// The `rules` list, with names unique across it.
    func rules(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> [RuleConfiguration] {
        var rules: [RuleConfiguration] = []
        var firstUse: [String: (path: String, line: Int)] = [:]
        for (index, item) in try list(node, path: path).enumerated() {
            let itemPath = DocumentPath.index(path, index)
            let rule = try rule(item, path: itemPath)
            let nameNode = item["name"] ?? item
            if let earlier = firstUse[rule.name] {
                throw error(.duplicate, "the rule name '\(rule.name)' is already used by \(earlier.path) "
                            + "(line \(earlier.line)); rule names must be unique",
                            at: nameNode, path: DocumentPath.key(itemPath, "name"))
            }
            firstUse[rule.name] = (itemPath, nameNode.line)
            rules.append(rule)
        }
        return rules
    }

    private func rule(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> RuleConfiguration {
        let fields = try mapping(node, path: path, allowedKeys: Self.ruleKeys)

        guard let nameNode = fields["name"] else {
            throw error(.missingKey, "a rule needs a name", at: node, path: fields.path("name"))
        }
        let name = try text(nameNode, path: fields.path("name"))
        try checked(nameNode, path: fields.path("name")) { () throws(ValueProblem) in
            try EventBridgeNames.checkIdentifier(name, what: "a rule name")
        }

        var description = ""
        if let node = fields["description"] {
            description = try text(node, path: fields.path("description"))
            guard description.count <= RuleConfiguration.maximumDescriptionLength else {
                throw error(.invalidValue, "a description has at most \(RuleConfiguration.maximumDescriptionLength) "
                            + "characters; this one has \(description.count)", at: node, path: fields.path("description"))
            }
        }

        var state = RuleConfiguration.State.enabled
        if let node = fields["state"] {
            let text = try text(node, path: fields.path("state"))
            guard let value = RuleConfiguration.State(rawValue: text) else {
                throw error(.invalidValue, "'\(text)' is not a rule state; use ENABLED or DISABLED",
                            at: node, path: fields.path("state"))
            }
            state = value
        }

        let (trigger, triggerEntry) = try trigger(fields, ruleNode: node)

        var targets: [TargetConfiguration] = []
        if let node = fields["targets"] {
            targets = try self.targets(node, path: fields.path("targets"))
        }

        return RuleConfiguration(name: name, description: description, state: state, trigger: trigger,
                                 targets: targets, patternLine: triggerEntry.line, patternColumn: triggerEntry.column)
    }

    /// Exactly one of `event_pattern` and `schedule_expression`, with the entry it came from.
    private func trigger(_ fields: Fields, ruleNode: ConfigurationNode)
        throws(ConfigurationError) -> (RuleConfiguration.Trigger, ConfigurationNode.Entry) {
        let given = fields.entries.filter { ["event_pattern", "schedule_expression"].contains($0.key) && !$0.value.isNull }
        guard let entry = given.first else {
            throw error(.missingKey, "a rule needs an event_pattern (to match events) or a schedule_expression "
                        + "(to run on a schedule)", at: ruleNode, path: fields.path)
        }
        if given.count > 1 {
            let second = given[1]
            throw error(.conflict, "a rule has an event_pattern or a schedule_expression, not both; "
                        + "make two rules to do both", path: fields.path(second.key),
                        line: second.line, column: second.column)
        }
        let path = fields.path(entry.key)
        if entry.key == "event_pattern" {
            return (.eventPattern(try json(entry.value, path: path, what: "an event pattern", objectOnly: true)), entry)
        }
        return (.scheduleExpression(try nonEmptyText(entry.value, path: path)), entry)
    }

    /// At most five targets, with ids unique within the rule.
    private func targets(_ node: ConfigurationNode, path: String) throws(ConfigurationError) -> [TargetConfiguration] {
        let items = try list(node, path: path)
        if items.count > RuleConfiguration.maximumTargets {
            let extra = items[RuleConfiguration.maximumTargets]
            throw error(.tooMany, "a rule has at most \(RuleConfiguration.maximumTargets) targets (as in EventBridge); "
                        + "this one has \(items.count). Split them over several rules with the same pattern",
                        at: extra, path: DocumentPath.index(path, RuleConfiguration.maximumTargets))
        }
        var targets: [TargetConfiguration] = []
        var firstUse: [String: String] = [:]
        for (index, item) in items.enumerated() {
            let itemPath = DocumentPath.index(path, index)
            let target = try target(item, path: itemPath)
            if let earlier = firstUse[target.id] {
                throw error(.duplicate, "the target id '\(target.id)' is already used by \(earlier) in this rule; "
                            + "target ids must be unique within a rule",
                            at: item["id"] ?? item, path: DocumentPath.key(itemPath, "id"))
            }
            firstUse[target.id] = itemPath
            targets.append(target)
        }
        return targets
    }
}
