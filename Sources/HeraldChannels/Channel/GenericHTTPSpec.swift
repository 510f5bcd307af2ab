/// How the generic "http" adapter talks to a gateway nobody coded an adapter
/// for: the request template and the rules that say what the answer means.
/// It is the `gateway.http` object of a queue file; `Queues/README.md`
/// documents every key and `GenericHTTPChannel` validates it all when the
/// channel is built.
///
/// ```json
/// "http": {
///   "method": "POST",
///   "url": "/api/sms/send?key={{env:HERALD_ACME_KEY}}",
///   "headers": {"Authorization": "Bearer {{env:HERALD_ACME_TOKEN}}"},
///   "bodyEncoding": "json",
///   "body": "{\"to\":\"{{phone}}\",\"text\":\"{{text}}\",\"ref\":\"{{delivery_id}}\"}",
///   "success": {"status": [200, 202], "json": {"path": "code", "equals": "0"}},
///   "gatewayIdPath": "data.id",
///   "outcomes": [{"code": "1001", "outcome": "permanent", "reason": "bad number"},
///                {"status": 503, "outcome": "retry"}]
/// }
/// ```
public struct GenericHTTPSpec: Sendable, Codable, Hashable {
    /// How placeholder values are escaped in the body.
    public enum BodyEncoding: String, Sendable, Codable, Hashable, CaseIterable {
        /// JSON string content: the template supplies the quotes, the value
        /// is escaped (`"` → `\"`, newline → `\n`); the body is sent as
        /// `application/json; charset=utf-8`.
        case json
        /// `application/x-www-form-urlencoded`: each value percent-encoded.
        case form
        /// Inserted as is, sent as `text/plain; charset=utf-8`.
        case raw
    }

    /// Which answers are a success.
    public struct Success: Sendable, Codable, Hashable {
        /// HTTP statuses that can be a success.
        public var status: [Int]
        /// When set, the JSON value at `path` must also equal `equals`.
        public var json: JSONMatch?

        public init(status: [Int] = [200, 201, 202, 204], json: JSONMatch? = nil) {
            self.status = status
            self.json = json
        }
    }

    /// A JSON value that must equal a given text (numbers and booleans are
    /// compared as their JSON text: `0` equals `"0"`).
    public struct JSONMatch: Sendable, Codable, Hashable {
        /// Dot path into the response: `code`, `result.status`, `items.0.code`.
        public var path: String
        public var equals: String

        public init(path: String, equals: String) {
            self.path = path
            self.equals = equals
        }

        private enum CodingKeys: String, CodingKey { case path, equals }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            path = try container.decode(String.self, forKey: .path)
            equals = try GenericHTTPSpec.decodeScalarText(container, forKey: .equals)
        }
    }

    /// One answer that is not a success and what it means.
    public struct OutcomeRule: Sendable, Codable, Hashable {
        /// Matches this HTTP status…
        public var status: Int?
        /// …or this value at `codePath` (exactly one of the two).
        public var code: String?
        public var outcome: OutcomeTable.Verdict
        /// Words for the delivery history; defaults to the rule itself.
        public var reason: String?
        /// For `retry` and `rateLimited`: wait this long (else `Retry-After` or backoff).
        public var retryAfterSeconds: Int?

        public init(status: Int? = nil, code: String? = nil, outcome: OutcomeTable.Verdict, reason: String? = nil,
                    retryAfterSeconds: Int? = nil) {
            self.status = status
            self.code = code
            self.outcome = outcome
            self.reason = reason
            self.retryAfterSeconds = retryAfterSeconds
        }

        private enum CodingKeys: String, CodingKey { case status, code, outcome, reason, retryAfterSeconds }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = try container.decodeIfPresent(Int.self, forKey: .status)
            code = container.contains(.code) ? try GenericHTTPSpec.decodeScalarText(container, forKey: .code) : nil
            outcome = try container.decode(OutcomeTable.Verdict.self, forKey: .outcome)
            reason = try container.decodeIfPresent(String.self, forKey: .reason)
            retryAfterSeconds = try container.decodeIfPresent(Int.self, forKey: .retryAfterSeconds)
        }
    }

    /// `GET`, `POST` (default), `PUT` or `DELETE`.
    public var method: String
    /// Absolute (`https://…`) or a path appended to `gateway.endpoint`
    /// (`/api/send`); placeholders in it are percent-encoded.
    public var url: String
    /// Header values may hold `{{env:NAME}}`, `{{delivery_id}}`,
    /// `{{committee_id}}` and `{{attempt}}`, inserted as is.
    public var headers: [String: String]
    /// The body template; needs `bodyEncoding`.
    public var body: String?
    public var bodyEncoding: BodyEncoding?
    /// Overrides the content type `bodyEncoding` implies.
    public var contentType: String?
    /// Default: any of 200, 201, 202, 204, with no JSON condition.
    public var success: Success?
    /// Dot path to the gateway's message id in a successful answer.
    public var gatewayIdPath: String?
    /// Dot path to the answer code that `outcomes` rules with `code` match;
    /// defaults to `success.json.path`.
    public var codePath: String?
    public var outcomes: [OutcomeRule]

    public init(method: String = "POST", url: String, headers: [String: String] = [:], body: String? = nil,
                bodyEncoding: BodyEncoding? = nil, contentType: String? = nil, success: Success? = nil,
                gatewayIdPath: String? = nil, codePath: String? = nil, outcomes: [OutcomeRule] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.bodyEncoding = bodyEncoding
        self.contentType = contentType
        self.success = success
        self.gatewayIdPath = gatewayIdPath
        self.codePath = codePath
        self.outcomes = outcomes
    }

    private enum CodingKeys: String, CodingKey {
        case method, url, headers, body, bodyEncoding, contentType, success, gatewayIdPath, codePath, outcomes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        method = try container.decodeIfPresent(String.self, forKey: .method) ?? "POST"
        url = try container.decode(String.self, forKey: .url)
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        body = try container.decodeIfPresent(String.self, forKey: .body)
        bodyEncoding = try container.decodeIfPresent(BodyEncoding.self, forKey: .bodyEncoding)
        contentType = try container.decodeIfPresent(String.self, forKey: .contentType)
        success = try container.decodeIfPresent(Success.self, forKey: .success)
        gatewayIdPath = try container.decodeIfPresent(String.self, forKey: .gatewayIdPath)
        codePath = try container.decodeIfPresent(String.self, forKey: .codePath)
        outcomes = try container.decodeIfPresent([OutcomeRule].self, forKey: .outcomes) ?? []
    }

    /// A string, integer or boolean as text, so `"equals": 0` and
    /// `"equals": "0"` mean the same.
    fileprivate static func decodeScalarText<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>,
                                                            forKey key: Key) throws -> String {
        if let text = try? container.decode(String.self, forKey: key) { return text }
        if let number = try? container.decode(Int64.self, forKey: key) { return String(number) }
        if let flag = try? container.decode(Bool.self, forKey: key) { return flag ? "true" : "false" }
        throw DecodingError.typeMismatch(String.self, .init(codingPath: container.codingPath + [key],
                                                            debugDescription: "expected a string, integer or boolean"))
    }
}
