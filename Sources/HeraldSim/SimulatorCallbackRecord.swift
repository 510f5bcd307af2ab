import Foundation

/// One callback the simulator sent (or tried to send) to Herald.
public struct SimulatorCallbackRecord: Sendable, Hashable, Encodable {
    /// The gateway request it follows.
    public var requestSequence: Int
    public var kind: SimulatorCallbackKind
    /// The URL without its query string.
    public var url: String
    public var deliveryID: String?
    /// 1 for the first try; Alibaba tries again after 1, 5 and 10 minutes.
    public var attempt: Int
    /// Herald's HTTP status; nil when the exchange failed.
    public var status: Int?
    /// The transport error's kind (`refused`, `timeout`…), when it failed.
    public var error: String?
    /// The simulator clock's time when it was sent.
    public var time: Date

    /// `2xx`-style result label for stats: the status, or `error.` and the kind.
    public var resultLabel: String {
        if let status { return String(status) }
        return "error." + (error ?? "unknown")
    }

    public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }

    private enum CodingKeys: String, CodingKey {
        case requestSequence = "request_sequence", kind, url, deliveryID = "delivery_id", attempt, status, error, time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestSequence, forKey: .requestSequence)
        try container.encode(kind, forKey: .kind)
        try container.encode(url, forKey: .url)
        try container.encodeIfPresent(deliveryID, forKey: .deliveryID)
        try container.encode(attempt, forKey: .attempt)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encode(SimulatorTime.iso8601Milliseconds(time), forKey: .time)
    }
}
