/// A failure the simulator can answer a gateway request with instead of
/// the gateway's own answer.
///
/// `status5xx` and `status429` are answered before the gateway looks at
/// the request: nothing is sent and no receipt follows. `timeout`,
/// `dropConnection` and `malformedBody` happen after the gateway has
/// processed the request: the message goes out and its receipts follow,
/// only the answer is lost or unreadable. That is what makes a retry after
/// them a duplicate send, as with the real, non-idempotent gateways.
public enum SimulatorFault: Sendable, Hashable {
    /// HTTP 500, 502 or 503 with an nginx-style HTML page, and a
    /// `Retry-After` of that many seconds when given.
    case status5xx(status: Int = 503, retryAfter: Int? = nil)
    /// HTTP 429, with `Retry-After` seconds when given; the body is the
    /// gateway's own throttling answer.
    case status429(retryAfter: Int? = nil)
    /// Holds the answer for `hold`, then sends it; nil holds it until the
    /// simulator stops. A client with a shorter timeout sees `.timeout`.
    case timeout(hold: Duration? = nil)
    /// Closes the connection without an answer: the client sees `.connectionLost`.
    case dropConnection
    /// A 2xx answer whose body the client cannot read.
    case malformedBody(MalformedBody = .truncatedJSON)

    /// How `malformedBody` spoils the answer.
    public enum MalformedBody: String, Sendable, Hashable, Codable {
        /// The gateway's answer cut off half way, status and headers kept.
        case truncatedJSON = "truncated"
        /// An HTML error page with status 200, as a captive portal or a
        /// misconfigured proxy sends.
        case htmlErrorPage = "html"
    }

    /// Whether the gateway processes the request before this fault hits.
    public var afterProcessing: Bool {
        switch self {
        case .status5xx, .status429: false
        case .timeout, .dropConnection, .malformedBody: true
        }
    }

    /// A short stable name for stats and the request log: `5xx`, `429`,
    /// `timeout`, `drop`, `malformed`.
    public var label: String {
        switch self {
        case .status5xx: "5xx"
        case .status429: "429"
        case .timeout: "timeout"
        case .dropConnection: "drop"
        case .malformedBody: "malformed"
        }
    }
}

extension SimulatorFault: CustomStringConvertible {
    public var description: String {
        switch self {
        case .status5xx(let status, let retryAfter):
            "\(status)" + (retryAfter.map { " Retry-After: \($0)" } ?? "")
        case .status429(let retryAfter):
            "429" + (retryAfter.map { " Retry-After: \($0)" } ?? "")
        case .timeout(let hold):
            "timeout (" + (hold.map { "held \($0)" } ?? "held until stop") + ")"
        case .dropConnection:
            "connection dropped"
        case .malformedBody(let kind):
            "malformed body (\(kind.rawValue))"
        }
    }
}
