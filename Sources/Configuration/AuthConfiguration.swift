/// How API requests are authenticated. Reserved for the AWS-compatible API: until it exists
/// the configuration only checks the shape and keeps the mapping as written.
public enum AuthConfiguration: Sendable, Equatable {
    /// `auth: none` (the default): requests are not authenticated.
    case none
    /// `auth:` with a mapping: credentials and roles, kept with their positions so the API can
    /// decode them and report mistakes at the right line.
    case mapping(ConfigurationNode)
}
