import AsyncHTTPClient
import Foundation

/// Which HTTP proxy a webhook goes through, read from the variables curl reads, so a daemon
/// behind a proxy keeps working as it did when webhooks went through libcurl:
/// - `http_proxy` for http:// addresses (lower case only: curl ignores `HTTP_PROXY`, which a
///   CGI request can set through its `Proxy:` header);
/// - `https_proxy` or `HTTPS_PROXY` for https:// addresses;
/// - `all_proxy` or `ALL_PROXY` for either, when the specific one is not set;
/// - `no_proxy` or `NO_PROXY`: hosts that go direct, comma-separated; an entry matches the
///   host itself and every name under it (`example.com` and `.example.com` both cover
///   `hooks.example.com`); `*` alone sends everything direct.
///
/// Proxies are HTTP proxies (`http://[user:password@]host[:port]`, port 1080 when absent, as
/// curl); the connection to the host is tunnelled with CONNECT for http and https alike.
struct WebhookProxySettings: Sendable, Equatable {
    /// A proxy value that cannot be used; every webhook that would go through it fails with this.
    struct Unusable: Error, Equatable {
        let reason: String
    }

    private var httpProxy: Result<HTTPClient.Configuration.Proxy, Unusable>?
    private var httpsProxy: Result<HTTPClient.Configuration.Proxy, Unusable>?
    private var directHosts: [String]

    init(environment: [String: String]) {
        func value(_ names: String...) -> (name: String, text: String)? {
            for name in names {
                if let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty { return (name, text) }
            }
            return nil
        }
        httpProxy = value("http_proxy", "all_proxy", "ALL_PROXY").map(Self.parse)
        httpsProxy = value("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY").map(Self.parse)
        directHosts = (value("no_proxy", "NO_PROXY")?.text ?? "").split(separator: ",").map {
            var entry = $0.trimmingCharacters(in: .whitespaces).lowercased()
            if entry.hasPrefix(".") { entry.removeFirst() }
            return entry
        }.filter { !$0.isEmpty }
    }

    /// The process's own variables, read once.
    static let process = WebhookProxySettings(environment: ProcessInfo.processInfo.environment)

    /// The proxy for `address` (an http or https URL), nil to go direct.
    func proxy(for address: String) -> Result<HTTPClient.Configuration.Proxy, Unusable>? {
        guard let components = URLComponents(string: address), let scheme = components.scheme?.lowercased() else { return nil }
        let chosen = scheme == "https" ? httpsProxy : scheme == "http" ? httpProxy : nil
        guard chosen != nil, let host = components.host?.lowercased() else { return nil }
        if directHosts.contains(where: { $0 == "*" || host == $0 || host.hasSuffix("." + $0) }) { return nil }
        return chosen
    }

    private static func parse(_ variable: (name: String, text: String)) -> Result<HTTPClient.Configuration.Proxy, Unusable> {
        let text = variable.text.contains("://") ? variable.text : "http://" + variable.text
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            return .failure(Unusable(reason: "\(variable.name) '\(variable.text)' is not a proxy address like http://proxy.example.com:3128"))
        }
        guard components.scheme?.lowercased() == "http" else {
            return .failure(Unusable(reason: "\(variable.name) '\(variable.text)': only http:// proxies are supported"))
        }
        let authorization = components.user.map { HTTPClient.Authorization.basic(username: $0, password: components.password ?? "") }
        return .success(.server(host: host, port: components.port ?? 1080, authorization: authorization))
    }
}
