/// Where one resident's copy of a broadcast stands.
///
/// queued → sent → delivered | failed → confirmed, plus cancelled. A receipt
/// never moves a delivery backwards (Kannel can report "delivered" before
/// "reached the SMSC"); escalation to the plan's next step starts it over at
/// queued. Stored as the raw value.
public enum DeliveryState: Int, Sendable, Hashable, Codable, CaseIterable {
    case queued = 0
    case sent = 1
    case delivered = 2
    case failed = 3
    case confirmed = 4
    case cancelled = 5

    public var name: String {
        switch self {
        case .queued: "queued"
        case .sent: "sent"
        case .delivered: "delivered"
        case .failed: "failed"
        case .confirmed: "confirmed"
        case .cancelled: "cancelled"
        }
    }

    /// Confirmed and cancelled end a delivery; nothing moves it after.
    public var isFinal: Bool { self == .confirmed || self == .cancelled }

    /// Whether an event may move a delivery from this state to `next`.
    public func canMove(to next: DeliveryState, escalating: Bool = false) -> Bool {
        if escalating { return next == .queued && (self == .sent || self == .delivered || self == .failed) }
        switch (self, next) {
        case (.queued, .sent), (.queued, .failed), (.queued, .cancelled), (.queued, .confirmed): return true
        case (.sent, .delivered), (.sent, .failed), (.sent, .confirmed), (.sent, .cancelled): return true
        case (.delivered, .confirmed), (.failed, .confirmed): return true
        // A late failure report after "delivered" is noise: keep delivered.
        default: return false
        }
    }
}
