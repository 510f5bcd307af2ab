import HeraldCore

/// A way to reach a resident: one gateway API, configured for one queue.
///
/// An adapter turns a delivery and its rendered message into one gateway
/// request and the gateway's answer into a `SendOutcome`. Adapters keep the
/// mapping from gateway codes to outcomes in one `OutcomeTable`, so every
/// row can be read and tested on its own.
///
/// `send` must not block: it starts the exchange on the shared `HTTPClient`
/// and calls `completion` exactly once, on the client's event-loop thread,
/// so the completion must be quick (hand the outcome to a queue).
public protocol Channel: AnyObject, Sendable {
    /// Which kind of channel this is (push, SMS, voice, webhook).
    var kind: ChannelKind { get }
    /// The adapter's name as written in `Queues/*.json` (e.g. "alibaba-sms").
    var adapter: String { get }

    func send(_ message: OutboundMessage, completion: @escaping @Sendable (SendOutcome) -> Void)
}

extension Channel {
    /// `send` for async callers (tests, the CLI).
    public func send(_ message: OutboundMessage) async -> SendOutcome {
        await withCheckedContinuation { continuation in
            send(message) { continuation.resume(returning: $0) }
        }
    }
}

/// The four kinds of channel a channel plan orders.
public enum ChannelKind: String, Sendable, Hashable, Codable, CaseIterable {
    case push
    case sms
    case voice
    case webhook
}
