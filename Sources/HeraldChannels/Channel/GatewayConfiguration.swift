import Foundation

/// The `gateway` object of a `Queues/<name>.json` file: what an adapter
/// needs to reach its gateway.
///
/// Secrets never live in the file: `credentials` maps each credential an
/// adapter needs (e.g. "accessKeySecret") to the *name* of an environment
/// variable, read when the adapter is built.
public struct GatewayConfiguration: Sendable, Codable, Hashable {
    /// Base URL of the gateway API (the simulator's address in tests and the
    /// demo); the webhook adapter's full receiver URL.
    public var endpoint: String
    /// The real gateway's base URL, for the reader of the file: Herald sends
    /// to `endpoint` only (e.g. `https://dysmsapi.aliyuncs.com/`).
    public var realEndpoint: String?
    /// Credential role → environment variable name.
    public var credentials: [String: String]
    /// Adapter-specific, non-secret settings (sign name, app ids, caller
    /// number, callback URL), as strings. Each adapter rejects names it does
    /// not know, so a typo fails at start-up.
    public var settings: [String: String]
    /// Total timeout for one send, in seconds (default 10).
    public var timeoutSeconds: Double?
    /// For the "http" adapter: the request and the success rule.
    public var http: GenericHTTPSpec?

    public init(endpoint: String, realEndpoint: String? = nil, credentials: [String: String] = [:],
                settings: [String: String] = [:], timeoutSeconds: Double? = nil, http: GenericHTTPSpec? = nil) {
        self.endpoint = endpoint
        self.realEndpoint = realEndpoint
        self.credentials = credentials
        self.settings = settings
        self.timeoutSeconds = timeoutSeconds
        self.http = http
    }
}

extension GatewayConfiguration {
    private enum CodingKeys: String, CodingKey {
        case endpoint, realEndpoint, credentials, settings, timeoutSeconds, http
    }

    /// Decodes a queue file's `gateway` object; `credentials` and
    /// `settings` may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(endpoint: try container.decode(String.self, forKey: .endpoint),
                  realEndpoint: try container.decodeIfPresent(String.self, forKey: .realEndpoint),
                  credentials: try container.decodeIfPresent([String: String].self, forKey: .credentials) ?? [:],
                  settings: try container.decodeIfPresent([String: String].self, forKey: .settings) ?? [:],
                  timeoutSeconds: try container.decodeIfPresent(Double.self, forKey: .timeoutSeconds),
                  http: try container.decodeIfPresent(GenericHTTPSpec.self, forKey: .http))
    }
}
