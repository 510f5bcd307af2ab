/// How the generic "http" adapter talks to a gateway nobody coded an adapter
/// for: the request template and the rule that says what the answer means.
/// Filled in by the adapters work; see `Queues/README.md`.
public struct GenericHTTPSpec: Sendable, Codable, Hashable {
    public var method: String
    public var url: String
    public var headers: [String: String]
    public var body: String?

    public init(method: String = "POST", url: String, headers: [String: String] = [:], body: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
