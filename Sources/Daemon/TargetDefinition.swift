import Foundation

/// Where a rule sends matching events, and how (stored as JSON in the rule's row).
public struct TargetDefinition: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case log, command, webhook, automation }

    /// An automation target: which runbook, and (a schedulerd extension of the configuration
    /// file) the rate control its execution runs with.
    public struct Automation: Codable, Sendable, Equatable {
        public struct Target: Codable, Sendable, Equatable {
            public var key: String
            public var values: [String]
            public init(key: String, values: [String]) {
                self.key = key
                self.values = values
            }
        }

        /// The automation definition ARN the target is listed with
        /// (`arn:aws:ssm:REGION:ACCOUNT:automation-definition/NAME:VERSION`).
        public var arn: String
        public var documentName: String
        /// `$DEFAULT`, `$LATEST` or a number; nil is `$DEFAULT`.
        public var documentVersion: String?
        public var targetParameterName: String?
        public var targets: [Target]?
        public var maxConcurrency: String?
        public var maxErrors: String?

        public init(arn: String, documentName: String, documentVersion: String?, targetParameterName: String? = nil,
                    targets: [Target]? = nil, maxConcurrency: String? = nil, maxErrors: String? = nil) {
            self.arn = arn
            self.documentName = documentName
            self.documentVersion = documentVersion
            self.targetParameterName = targetParameterName
            self.targets = targets
            self.maxConcurrency = maxConcurrency
            self.maxErrors = maxErrors
        }

        /// `NAME` and `VERSION` out of an automation definition ARN; nil when it is not one.
        public static func parse(arn: String) -> (name: String, version: String?)? {
            let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            guard parts.count == 6, parts[0] == "arn", parts[2] == "ssm", parts[5].hasPrefix("automation-definition/") else { return nil }
            let resource = parts[5].dropFirst("automation-definition/".count)
            let pieces = resource.split(separator: ":", omittingEmptySubsequences: false)
            guard let name = pieces.first, !name.isEmpty, pieces.count <= 2 else { return nil }
            let version = pieces.count == 2 ? String(pieces[1]) : nil
            if let version, !(version == "$DEFAULT" || version == "$LATEST" || (Int(version).map { $0 > 0 } ?? false)) { return nil }
            return (String(name), version)
        }
    }

    public struct InputTransformer: Codable, Sendable, Equatable {
        public var inputPathsMap: [String: String]
        public var inputTemplate: String
        public init(inputPathsMap: [String: String], inputTemplate: String) {
            self.inputPathsMap = inputPathsMap
            self.inputTemplate = inputTemplate
        }
    }

    public var id: String
    public var kind: Kind
    public var argv: [String]?
    public var url: String?
    public var timeoutSeconds: Double
    public var input: String?
    public var inputPath: String?
    public var inputTransformer: InputTransformer?
    /// For `automation` targets.
    public var automation: Automation?
    /// EventBridge's RetryPolicy: attempts after the first, and the age after which to give up.
    public var maximumRetryAttempts: Int
    public var maximumEventAgeInSeconds: Int

    public init(id: String, kind: Kind, argv: [String]? = nil, url: String? = nil, timeoutSeconds: Double = 30,
                input: String? = nil, inputPath: String? = nil, inputTransformer: InputTransformer? = nil,
                automation: Automation? = nil, maximumRetryAttempts: Int = 185, maximumEventAgeInSeconds: Int = 86_400) {
        self.id = id
        self.kind = kind
        self.argv = argv
        self.url = url
        self.timeoutSeconds = timeoutSeconds
        self.input = input
        self.inputPath = inputPath
        self.inputTransformer = inputTransformer
        self.automation = automation
        self.maximumRetryAttempts = maximumRetryAttempts
        self.maximumEventAgeInSeconds = maximumEventAgeInSeconds
    }

    /// An http or https URL with a host: what a webhook target may name. `PutTargets` checks
    /// it, and so does every delivery (a stored target may predate a check). The configuration
    /// file applies the same rule in its own module, with its line and column.
    public static func isWebhookAddress(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host else { return false }
        return (scheme == "http" || scheme == "https") && !host.isEmpty
    }

    public static func encodeList(_ targets: [TargetDefinition]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(targets)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    public static func decodeList(_ json: String) throws -> [TargetDefinition] {
        try JSONDecoder().decode([TargetDefinition].self, from: Data(json.utf8))
    }
}
