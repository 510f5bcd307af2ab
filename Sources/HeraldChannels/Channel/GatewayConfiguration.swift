import Foundation

/// The `gateway` object of a `Queues/<name>.json` file: what an adapter
/// needs to reach its gateway.
///
/// Secrets never live in the file: `credentials` maps each credential an
/// adapter needs (e.g. "accessKeySecret") to the *name* of an environment
/// variable, read when the adapter is built.
public struct GatewayConfiguration: Sendable, Codable, Hashable {
    /// Base URL of the gateway API (the simulator's address in tests and the demo).
    public var endpoint: String
    /// Credential role → environment variable name.
    public var credentials: [String: String]
    /// Adapter-specific, non-secret settings (sign name, app ids, caller
    /// number, callback URL), as strings.
    public var settings: [String: String]
    /// Total timeout for one send, in seconds.
    public var timeoutSeconds: Double?
    /// For the "http" adapter: the request and the success rule.
    public var http: GenericHTTPSpec?

    public init(endpoint: String, credentials: [String: String] = [:], settings: [String: String] = [:],
                timeoutSeconds: Double? = nil, http: GenericHTTPSpec? = nil) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.settings = settings
        self.timeoutSeconds = timeoutSeconds
        self.http = http
    }
}
