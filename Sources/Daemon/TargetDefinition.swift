import Foundation

/// Where a rule sends matching events, and how (stored as JSON in the rule's row).
public struct TargetDefinition: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case log, command, webhook }

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
    /// EventBridge's RetryPolicy: attempts after the first, and the age after which to give up.
    public var maximumRetryAttempts: Int
    public var maximumEventAgeInSeconds: Int

    public init(id: String, kind: Kind, argv: [String]? = nil, url: String? = nil, timeoutSeconds: Double = 30,
                input: String? = nil, inputPath: String? = nil, inputTransformer: InputTransformer? = nil,
                maximumRetryAttempts: Int = 185, maximumEventAgeInSeconds: Int = 86_400) {
        self.id = id
        self.kind = kind
        self.argv = argv
        self.url = url
        self.timeoutSeconds = timeoutSeconds
        self.input = input
        self.inputPath = inputPath
        self.inputTransformer = inputTransformer
        self.maximumRetryAttempts = maximumRetryAttempts
        self.maximumEventAgeInSeconds = maximumEventAgeInSeconds
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
