public import Runbooks

/// The documents AWS owns that schedulerd ships (owner `Amazon`): the four Start/Stop runbooks
/// and `AWS-RunShellScript`, the Command document `aws:runCommand` steps most often name.
public enum BuiltInDocuments {
    /// An AWS-owned document: always version 1, YAML.
    public struct Document: Sendable {
        public let name: String
        /// `Automation` or `Command`.
        public let type: String
        public let content: String
        public var format: String { "YAML" }
        public var version: Int { 1 }
        /// The creation date every AWS-owned document reports (the day schedulerd first shipped them).
        public var createdDate: Double { 1_764_547_200 }   // 2025-12-01T00:00:00Z
    }

    public static let all: [String: Document] = {
        var documents: [String: Document] = [:]
        for (name, content) in BuiltInRunbooks.all { documents[name] = Document(name: name, type: "Automation", content: content) }
        documents["AWS-RunShellScript"] = Document(name: "AWS-RunShellScript", type: "Command", content: runShellScript)
        return documents
    }()

    /// The AWS-owned runbooks' names, sorted.
    public static var runbookNames: [String] { all.values.filter { $0.type == "Automation" }.map(\.name).sorted() }

    /// AWS-RunShellScript as AWS publishes it, less the platform precondition (it always runs here).
    static let runShellScript = """
        schemaVersion: '2.2'
        description: Run a shell script.
        parameters:
          commands:
            type: StringList
            description: (Required) Specify a shell script or a command to run.
            minItems: 1
            displayType: textarea
          workingDirectory:
            type: String
            default: ''
            description: (Optional) The path to the working directory on your instance.
            maxChars: 4096
          executionTimeout:
            type: String
            default: '3600'
            description: (Optional) The time in seconds for a command to complete before it is considered to have failed. Default is 3600 (1 hour). Maximum is 172800 (48 hours).
            allowedPattern: '([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)'
        mainSteps:
          - action: aws:runShellScript
            name: runShellScript
            inputs:
              runCommand:
                - '{{ commands }}'
              workingDirectory: '{{ workingDirectory }}'
              timeoutSeconds: '{{ executionTimeout }}'

        """
}
