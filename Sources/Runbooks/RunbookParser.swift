import EventBus
import Foundation
import SchedulerConfiguration

extension Runbook {
    /// Reads and checks a runbook written in YAML or JSON (`DocumentFormat`). Every problem is
    /// reported with its path and line: the first one found.
    public static func parse(_ content: String, format: String) throws(RunbookError) -> Runbook {
        let root = try documentRoot(content, format: format)
        var parser = RunbookParser()
        return try parser.runbook(root)
    }
}

/// The document's root node, with a YAML or JSON syntax error reported at its line. JSON is
/// read by the YAML parser too (flow style), which keeps the line numbers.
func documentRoot(_ content: String, format: String) throws(RunbookError) -> ConfigurationNode {
    let root: ConfigurationNode?
    do {
        root = try ConfigurationNode.parse(yaml: content, file: "document")
    } catch {
        throw RunbookError(path: "", line: error.line, message: "not valid \(format == "JSON" ? "JSON" : "YAML"): \(error.message)")
    }
    guard let root else { throw RunbookError(path: "", line: 0, message: "the document is empty") }
    return root
}

/// Walks the document's nodes into a `Runbook`, checking as it goes.
struct RunbookParser {
    static let topLevelKeys: Set<String> = ["schemaVersion", "description", "assumeRole", "parameters", "mainSteps", "outputs", "files"]
    static let parameterKeys: Set<String> = ["type", "description", "default", "allowedValues", "allowedPattern", "displayType",
                                             "minItems", "maxItems", "minChars", "maxChars"]
    static let stepKeys: Set<String> = ["name", "action", "inputs", "maxAttempts", "timeoutSeconds", "onFailure", "onCancel",
                                        "isEnd", "nextStep", "isCritical", "description", "outputs"]

    func fail(_ path: String, _ node: ConfigurationNode?, _ message: String) -> RunbookError {
        RunbookError(path: path, line: node?.line ?? 0, message: message)
    }

    mutating func runbook(_ root: ConfigurationNode) throws(RunbookError) -> Runbook {
        guard let entries = root.entries else { throw fail("", root, "a runbook is a mapping with schemaVersion and mainSteps") }
        for entry in entries where !Self.topLevelKeys.contains(entry.key) {
            throw RunbookError(path: entry.key, line: entry.line, message: "unknown key; a runbook has \(Self.topLevelKeys.sorted().joined(separator: ", "))")
        }
        guard let schema = root["schemaVersion"] else { throw fail("schemaVersion", root, "required; Automation runbooks use \"0.3\"") }
        guard schema.text == "0.3" else {
            throw fail("schemaVersion", schema, "must be \"0.3\" for an Automation runbook, not \(schema.text ?? schema.shapeName)")
        }
        var runbook = Runbook(description: try text(root["description"], "description"), assumeRole: try text(root["assumeRole"], "assumeRole"),
                              parameters: [], mainSteps: [], outputs: [])
        if let parameters = root["parameters"], !parameters.isNull {
            guard let entries = parameters.entries else { throw fail("parameters", parameters, "must be a mapping of parameter names to definitions") }
            for entry in entries { runbook.parameters.append(try parameter(entry)) }
        }
        guard let steps = root["mainSteps"], let items = steps.items, !items.isEmpty else {
            throw fail("mainSteps", root["mainSteps"] ?? root, "required: a non-empty list of steps")
        }
        for (index, item) in items.enumerated() { runbook.mainSteps.append(try step(item, index: index)) }
        if let outputs = root["outputs"], !outputs.isNull {
            guard let list = outputs.items else { throw fail("outputs", outputs, "must be a list of \"stepName.OutputName\"") }
            for (index, item) in list.enumerated() {
                guard let value = item.text else { throw fail("outputs[\(index)]", item, "must be text \"stepName.OutputName\"") }
                runbook.outputs.append(value)
            }
        }
        try RunbookChecks(runbook: runbook, root: root).check()
        return runbook
    }

    func parameter(_ entry: ConfigurationNode.Entry) throws(RunbookError) -> ParameterSpec {
        let path = "parameters.\(entry.key)"
        let node = entry.value
        guard isName(entry.key) else { throw RunbookError(path: path, line: entry.line, message: "parameter names are letters, digits and _") }
        guard let entries = node.entries else { throw fail(path, node, "must be a mapping with at least `type`") }
        for field in entries where !Self.parameterKeys.contains(field.key) {
            throw RunbookError(path: "\(path).\(field.key)", line: field.line, message: "unknown key; a parameter has \(Self.parameterKeys.sorted().joined(separator: ", "))")
        }
        guard let typeNode = node["type"], let typeText = typeNode.text, let type = ValueType(rawValue: typeText) else {
            throw fail("\(path).type", node["type"] ?? node,
                       "required, one of \(ValueType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var spec = ParameterSpec(name: entry.key, type: type, description: try text(node["description"], "\(path).description"))
        if let allowed = node["allowedValues"], !allowed.isNull {
            guard let items = allowed.items, items.allSatisfy({ $0.text != nil }) else { throw fail("\(path).allowedValues", allowed, "must be a list of values") }
            spec.allowedValues = items.compactMap(\.text)
        }
        if let pattern = node["allowedPattern"], !pattern.isNull {
            guard let text = pattern.text, (try? NSRegularExpression(pattern: text)) != nil else {
                throw fail("\(path).allowedPattern", pattern, "is not a valid regular expression")
            }
            spec.allowedPattern = text
        }
        spec.minItems = try integer(node["minItems"], "\(path).minItems")
        spec.maxItems = try integer(node["maxItems"], "\(path).maxItems")
        spec.minChars = try integer(node["minChars"], "\(path).minChars")
        spec.maxChars = try integer(node["maxChars"], "\(path).maxChars")
        if let value = node["default"] {
            let json = Self.json(value)
            do {
                spec.defaultValue = try ParameterValues.check(json, against: spec)
            } catch {
                throw fail("\(path).default", value, error.message)
            }
        }
        return spec
    }

    func step(_ node: ConfigurationNode, index: Int) throws(RunbookError) -> Step {
        var path = "mainSteps[\(index)]"
        guard let entries = node.entries else { throw fail(path, node, "a step is a mapping with name, action and inputs") }
        guard let name = node["name"]?.text, isName(name) else {
            throw fail("\(path).name", node["name"] ?? node, "required: letters, digits and _ ([a-zA-Z0-9_]+)")
        }
        path += " (\(name))"
        for field in entries where !Self.stepKeys.contains(field.key) {
            throw RunbookError(path: "\(path).\(field.key)", line: field.line, message: "unknown key; a step has \(Self.stepKeys.sorted().joined(separator: ", "))")
        }
        guard let action = node["action"]?.text else { throw fail("\(path).action", node, "required, such as aws:executeAwsApi") }
        guard let inputsNode = node["inputs"], let inputs = Self.json(inputsNode).objectValue else {
            throw fail("\(path).inputs", node["inputs"] ?? node, "required: a mapping of the action's inputs")
        }
        let maxAttempts = try integer(node["maxAttempts"], "\(path).maxAttempts") ?? 1
        guard maxAttempts >= 1 else { throw fail("\(path).maxAttempts", node["maxAttempts"], "must be at least 1") }
        let timeout = try integer(node["timeoutSeconds"], "\(path).timeoutSeconds")
        if let timeout, timeout < 1 { throw fail("\(path).timeoutSeconds", node["timeoutSeconds"], "must be at least 1") }
        let onFailure = try failurePolicy(node["onFailure"], "\(path).onFailure")
        let onCancel: Step.CancelPolicy
        switch try failurePolicy(node["onCancel"], "\(path).onCancel") {
        case .abort: onCancel = .abort
        case .step(let target): onCancel = .step(target)
        case .continue: throw fail("\(path).onCancel", node["onCancel"], "must be Abort or step:<name>")
        }
        let critical = try boolean(node["isCritical"], "\(path).isCritical") ?? (onFailure != .continue)
        var outputs: [Step.Output] = []
        if let list = node["outputs"], !list.isNull {
            guard let items = list.items else { throw fail("\(path).outputs", list, "must be a list of {Name, Selector, Type}") }
            for (outputIndex, item) in items.enumerated() {
                let outputPath = "\(path).outputs[\(outputIndex)]"
                guard let outputName = item["Name"]?.text, isName(outputName) else { throw fail("\(outputPath).Name", item, "required: letters, digits and _") }
                guard let selector = item["Selector"]?.text, selector.hasPrefix("$") else {
                    throw fail("\(outputPath).Selector", item["Selector"] ?? item, "required: a JSONPath starting with $")
                }
                guard let typeText = item["Type"]?.text, let type = ValueType(rawValue: typeText) else {
                    throw fail("\(outputPath).Type", item["Type"] ?? item, "required, one of \(ValueType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                outputs.append(Step.Output(name: outputName, selector: selector, type: type))
            }
        }
        return Step(name: name, action: action, description: try text(node["description"], "\(path).description"), inputs: inputs,
                    maxAttempts: maxAttempts, timeoutSeconds: timeout, onFailure: onFailure, onCancel: onCancel, isCritical: critical,
                    isEnd: try boolean(node["isEnd"], "\(path).isEnd") ?? false, nextStep: try text(node["nextStep"], "\(path).nextStep"),
                    outputs: outputs, line: node.line)
    }

    // MARK: Scalars

    func text(_ node: ConfigurationNode?, _ path: String) throws(RunbookError) -> String? {
        guard let node, !node.isNull else { return nil }
        guard let text = node.text, node.items == nil, node.entries == nil else { throw fail(path, node, "must be text, not \(node.shapeName)") }
        return text
    }

    func integer(_ node: ConfigurationNode?, _ path: String) throws(RunbookError) -> Int? {
        guard let node, !node.isNull else { return nil }
        guard case .scalar(let text, let kind) = node.content, kind == .integer || kind == .string, let value = Int(text) else {
            throw fail(path, node, "must be a whole number")
        }
        return value
    }

    func boolean(_ node: ConfigurationNode?, _ path: String) throws(RunbookError) -> Bool? {
        guard let node, !node.isNull else { return nil }
        switch node.text?.lowercased() {
        case "true": return true
        case "false": return false
        default: throw fail(path, node, "must be true or false")
        }
    }

    func failurePolicy(_ node: ConfigurationNode?, _ path: String) throws(RunbookError) -> Step.FailurePolicy {
        guard let text = try self.text(node, path) else { return .abort }
        switch text {
        case "Abort": return .abort
        case "Continue": return .continue
        case let value where value.hasPrefix("step:") && value.count > 5: return .step(String(value.dropFirst(5)))
        default: throw fail(path, node, "must be Abort, Continue or step:<name>, not \(text)")
        }
    }

    func isName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
    }

    /// The node as JSON, scalars typed by the YAML core schema.
    static func json(_ node: ConfigurationNode) -> JSONValue {
        switch node.content {
        case .scalar(let text, .string): return .string(text)
        case .scalar(let text, .integer): return Int(text).map { .number(Double($0)) } ?? .string(text)
        case .scalar(let text, .float): return Double(text).map { .number($0) } ?? .string(text)
        case .scalar(let text, .boolean): return .bool(text.lowercased() == "true")
        case .scalar(_, .null): return .null
        case .sequence(let items): return .array(items.map(json))
        case .mapping(let entries): return .object(Dictionary(entries.map { ($0.key, json($0.value)) }, uniquingKeysWith: { $1 }))
        }
    }
}
