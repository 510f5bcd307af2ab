/// What one send attempt came to, as the dispatcher acts on it.
public enum SendOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The gateway took the message; receipts will refer to `gatewayID`
    /// (Alibaba BizId, Tencent SerialNo, call ids), when the gateway gives one.
    case accepted(gatewayID: String?)
    /// A transient failure: try again, after `after` when the gateway said so.
    case retry(after: Duration?, reason: String)
    /// The gateway is pacing us (HTTP 429, a frequency control code).
    case rateLimited(retryAfter: Duration?, reason: String)
    /// This message can never succeed as sent (bad number, no subscription,
    /// template error): do not retry; the channel plan escalates.
    case permanent(reason: String)
    /// Nothing will succeed on this gateway until someone acts (bad
    /// credentials, no balance): stop the queue and say why.
    case gatewayFailure(reason: String)

    public var description: String {
        switch self {
        case .accepted(let id): "accepted(\(id ?? "-"))"
        case .retry(let after, let reason): "retry(\(after.map { "\($0)" } ?? "backoff")): \(reason)"
        case .rateLimited(let after, let reason): "rate-limited(\(after.map { "\($0)" } ?? "backoff")): \(reason)"
        case .permanent(let reason): "permanent: \(reason)"
        case .gatewayFailure(let reason): "gateway failure: \(reason)"
        }
    }

    /// A short stable name for metrics labels and tests.
    public var name: String {
        switch self {
        case .accepted: "accepted"
        case .retry: "retry"
        case .rateLimited: "rate_limited"
        case .permanent: "permanent"
        case .gatewayFailure: "gateway_failure"
        }
    }
}
