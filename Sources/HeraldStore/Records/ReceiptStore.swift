import Foundation
import HeraldCore

/// What a receipt came to once matched against the deliveries.
public struct AppliedReceipt: Sendable, Hashable {
    public var deliveryID: Int64?
    public var residentID: Int64?
    public var committeeID: Int64?
    public var broadcastID: Int64?
    public var broadcastKind: BroadcastKind?
    public var activityID: Int64?
    /// The delivery's state after the receipt (unchanged when the receipt
    /// would move it backwards, e.g. a late "reached the SMSC").
    public var state: DeliveryState?
    /// No delivery matched: recorded as an orphan event, not an error.
    public var isOrphan: Bool { deliveryID == nil }
}

/// Receipts and sends into the delivery records and the append-only event log.
public enum ReceiptStore {
    /// Matches a receipt to its delivery (by Herald's delivery id, the
    /// gateway's id, or for an SMS reply the sender's latest SMS delivery),
    /// appends it to the event log with the gateway's fields (numbers masked)
    /// and moves the delivery's state forward where the receipt says so.
    /// An unknown id is kept as an orphan event.
    @discardableResult
    public static func apply(_ receipt: Receipt, at now: Int64, db: Database) throws -> AppliedReceipt {
        var applied = try match(receipt.reference, db: db)
        if let delivery = applied.deliveryID, let current = applied.state, let next = target(of: receipt.event),
           current.canMove(to: next) {
            try db.cached("UPDATE deliveries SET state = ?, updated_at = ? WHERE id = ?").execute([next.rawValue, now, delivery])
            applied.state = next
        }
        try appendEvent(delivery: applied.deliveryID, kind: receipt.event.name, channel: receipt.channel,
                        gateway: receipt.gateway, detail: detail(receipt), at: now, db: db)
        return applied
    }

    /// A send the gateway accepted: the delivery is sent, under the gateway's id.
    public static func recordAccepted(delivery: Int64, channel: String, gateway: String, gatewayID: String?,
                                      at now: Int64, db: Database) throws {
        try db.cached("""
            UPDATE deliveries SET state = CASE WHEN state = 0 THEN 1 ELSE state END,
                                  gateway_id = coalesce(?, gateway_id), channel = ?, updated_at = ?
            WHERE id = ?
            """).execute([gatewayID, channel, now, delivery])
        try appendEvent(delivery: delivery, kind: "sent", channel: channel, gateway: gateway,
                        detail: gatewayID.map { #"{"gateway_id":\#(jsonString($0))}"# }, at: now, db: db)
    }

    /// The reports that beat a send's commit. A gateway may report on a send
    /// (Kannel's DLR, a call's result) before the group commit has recorded
    /// that it accepted it; `apply` then found the delivery still queued, or
    /// in the previous step's state, and could not move it. Called by
    /// `SendLedger` right after it marks the send sent: the reports on this
    /// channel since the attempt was claimed move the delivery now, a
    /// success winning over a failure as in `DeliveryState.canMove`.
    static func applyEarlyReports(delivery: Int64, channel: String, since: Int64, at now: Int64,
                                  db: Database) throws {
        let kinds = try db.cached("""
            SELECT kind FROM delivery_events
             WHERE delivery_id = ?1 AND channel = ?2 AND at >= ?3 AND kind IN (?4, ?5, ?6, ?7)
            """).rows([delivery, channel, since, Self.delivered, Self.answered, Self.failed, Self.notAnswered]) {
            $0.string(0)
        }
        guard !kinds.isEmpty else { return }
        let reached = kinds.contains(Self.delivered) || kinds.contains(Self.answered)
        let state: DeliveryState = reached ? .delivered : .failed
        try db.cached("UPDATE deliveries SET state = ?1, updated_at = ?2 WHERE id = ?3 AND state = ?4")
            .execute([state.rawValue, now, delivery, DeliveryState.sent.rawValue])
    }

    private static let delivered = Receipt.Event.delivered.name
    private static let answered = Receipt.Event.answered.name
    private static let failed = Receipt.Event.failed("").name
    private static let notAnswered = Receipt.Event.notAnswered("").name

    /// A delivery's events, oldest first: (kind, channel, detail).
    public static func events(of delivery: Int64, db: Database) throws -> [(kind: String, channel: String?, detail: String?)] {
        try db.cached("SELECT kind, channel, detail FROM delivery_events WHERE delivery_id = ? ORDER BY id")
            .rows([delivery]) { ($0.string(0), $0.optionalString(1), $0.optionalString(2)) }
    }

    static func appendEvent(delivery: Int64?, kind: String, channel: String?, gateway: String?, detail: String?,
                            at now: Int64, db: Database) throws {
        try db.cached("INSERT INTO delivery_events (delivery_id, at, kind, channel, gateway, detail) VALUES (?, ?, ?, ?, ?, ?)")
            .execute([delivery, now, kind, channel, gateway, detail])
    }

    /// The state a receipt moves a delivery to, if any.
    static func target(of event: Receipt.Event) -> DeliveryState? {
        switch event {
        case .acceptedBySMSC: .sent
        case .delivered, .answered: .delivered
        case .failed, .notAnswered: .failed
        case .keyPress, .reply, .signUp, .cancelSignUp: nil
        }
    }

    private static let selection = """
        SELECT d.id, d.resident_id, d.committee_id, d.broadcast_id, b.kind, b.activity_id, d.state
        FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id
        """

    private static func match(_ reference: Receipt.Reference, db: Database) throws -> AppliedReceipt {
        let row: (Statement) -> AppliedReceipt = { row in
            AppliedReceipt(deliveryID: row.int64(0), residentID: row.int64(1), committeeID: row.int64(2),
                           broadcastID: row.int64(3), broadcastKind: BroadcastKind(rawValue: row.string(4)),
                           activityID: row.optionalInt64(5), state: DeliveryState(rawValue: row.int(6)))
        }
        switch reference {
        case .delivery(let id):
            return try db.cached(selection + " WHERE d.id = ?").firstRow([id], row) ?? AppliedReceipt()
        case .gatewayID(let id):
            return try db.cached(selection + " WHERE d.gateway_id = ? ORDER BY d.id DESC LIMIT 1").firstRow([id], row)
                ?? AppliedReceipt()
        case .sender(let phone):
            // A reply carries no id: it answers the latest SMS this number was sent.
            if let found = try db.cached(selection + """
                 JOIN residents r ON r.id = d.resident_id
                 WHERE r.phone = ? AND d.channel = 'sms' AND d.state <> 0 ORDER BY d.id DESC LIMIT 1
                """).firstRow([phone.e164], row) {
                return found
            }
            let resident = try db.cached("SELECT id, committee_id FROM residents WHERE phone = ? ORDER BY id DESC LIMIT 1")
                .firstRow([phone.e164]) { ($0.int64(0), $0.int64(1)) }
            return AppliedReceipt(residentID: resident?.0, committeeID: resident?.1)
        }
    }

    private static func detail(_ receipt: Receipt) -> String {
        var fields = receipt.raw
        switch receipt.event {
        case .failed(let reason), .notAnswered(let reason): fields["herald_reason"] = reason
        case .keyPress(let key): fields["herald_key"] = key
        default: break
        }
        return "{" + fields.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            .joined(separator: ",") + "}"
    }

    static func jsonString(_ value: String) -> String {
        String(decoding: (try? JSONEncoder().encode(value)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}

extension ReceiptStore {
    /// The resident confirmed this delivery (signed up, answered a poll,
    /// acknowledged a notice): its state becomes confirmed and escalation stops.
    public static func confirm(delivery: Int64, reason: String, at now: Int64, db: Database) throws {
        guard let state = try db.cached("SELECT state FROM deliveries WHERE id = ?")
            .firstRow([delivery], { DeliveryState(rawValue: $0.int(0)) }) ?? nil,
            state.canMove(to: .confirmed) else { return }
        try db.cached("UPDATE deliveries SET state = 4, updated_at = ? WHERE id = ?").execute([now, delivery])
        try appendEvent(delivery: delivery, kind: "confirmed", channel: nil, gateway: nil,
                        detail: #"{"reason":\#(jsonString(reason))}"#, at: now, db: db)
    }
}
