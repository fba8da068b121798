import SchedulerConfiguration

/// The file name and base directory the tests parse text under.
let testFile = "test.yaml"
let testBase = "/etc/schedulerd"

/// Parses configuration text as if it were `/etc/schedulerd/test.yaml`.
func parse(_ yaml: String) throws(ConfigurationError) -> DaemonConfiguration {
    try DaemonConfiguration.parse(yaml: yaml, file: testFile, baseDirectory: testBase)
}

/// The error that parsing `yaml` throws, or `nil` when it parses.
func parseError(_ yaml: String) -> ConfigurationError? {
    do {
        _ = try parse(yaml)
        return nil
    } catch {
        return error
    }
}

/// A rule with one log target around an event pattern written in `patternYAML`, which must be
/// indented by four spaces.
func ruleDocument(pattern patternYAML: String) -> String {
    """
    rules:
      - name: r
        event_pattern:\(patternYAML)
        targets:
          - {id: t, log: true}
    """
}
