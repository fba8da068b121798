/// How API requests are authenticated: the `auth` section.
///
/// ```yaml
/// # absent: signed requests (AWS Signature Version 4), with the credentials stored in the
/// # database (schedulerd credentials create …)
///
/// auth: none            # no authentication; only with a loopback listen address
///
/// auth:                 # signed requests, with these settings
///   key_file: /etc/schedulerd/credentials.key
///   credentials:
///     - {name: ci, access_key_id: AKIAEXAMPLECI0000001, secret_access_key: "…", role: operator}
/// ```
public enum AuthConfiguration: Sendable, Equatable {
    /// `auth: none`: requests are not authenticated. Refused unless `listen` is a loopback
    /// address, so an open API never faces the network.
    case none
    /// Requests must be signed with AWS Signature Version 4 (the default).
    ///
    /// - `keyFile`: the file of the key that seals stored secrets; `nil` for
    ///   `<data_dir>/credentials.key`.
    /// - `credentials`: credentials from the file, accepted in addition to the stored ones and
    ///   held in memory only.
    case signatureV4(keyFile: String?, credentials: [ConfiguredCredential])

    /// Signed requests with the stored credentials and the default key file.
    public static let `default` = AuthConfiguration.signatureV4(keyFile: nil, credentials: [])
}
