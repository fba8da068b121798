/// An HTTP request as it arrived, with what SigV4 signs: method, path, query, headers and body.
public struct SignedRequest: Sendable {
    /// The method, such as `POST`.
    public var method: String
    /// The path exactly as received on the wire: percent-encoded, without the query (`/`).
    public var path: String
    /// The raw query string without `?`; empty when there is none.
    public var query: String
    /// The headers as received: names in any case, repeated names allowed, in order. `Host`
    /// must be among them (for HTTP/2, pass `:authority` as `Host`).
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a request.
    public init(method: String, path: String, query: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of the header named `lowercasedName` (compared without regard to case).
    func header(_ lowercasedName: String) -> String? {
        for header in headers where ASCII.equalsIgnoringCase(header.name, lowercasedName) {
            return header.value
        }
        return nil
    }
}
