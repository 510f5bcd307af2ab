import Foundation
import HeraldCore

/// Broadcasts: create (idempotent by key), look up, list, cancel.
public enum BroadcastStore {
    /// Creates a broadcast, or returns the one created earlier with the same
    /// Idempotency-Key (`created` false), so a retried API call sends nothing twice.
    public static func create(_ new: NewBroadcast, at now: Int64, db: Database) throws -> (broadcast: Broadcast, created: Bool) {
        if let key = new.idempotencyKey {
            guard !key.isEmpty, key.utf8.count <= 200 else {
                throw RecordError(.invalid, field: "idempotency_key", "must be 1–200 bytes")
            }
            if let existing = try find(committee: new.committeeID, idempotencyKey: key, db: db) {
                return (existing, false)
            }
        }
        guard try CommitteeStore.find(id: new.committeeID, db: db) != nil else {
            throw RecordError(.notFound, field: "committee", "committee \(new.committeeID) does not exist")
        }
        guard !new.template.isEmpty else { throw RecordError(.invalid, field: "template", "name a template") }
        if let problem = new.audience.problem { throw RecordError(.invalid, field: "audience", problem) }
        if let problem = new.plan.problem { throw RecordError(.invalid, field: "plan", problem) }
        if new.kind == .invitation, new.activityID == nil {
            throw RecordError(.invalid, field: "activity_id", "an invitation needs the activity it invites to")
        }
        if let activity = new.activityID {
            let owner = try db.scalarInt("SELECT committee_id FROM activities WHERE id = ?", [activity])
            guard owner == new.committeeID else {
                throw RecordError(.notFound, field: "activity_id", "activity \(activity) does not exist in this committee")
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let variables = String(decoding: try encoder.encode(new.variables), as: UTF8.self)
        let audience = String(decoding: try encoder.encode(new.audience), as: UTF8.self)
        let plan = String(decoding: try encoder.encode(new.plan), as: UTF8.self)
        try db.cached("""
            INSERT INTO broadcasts (committee_id, kind, template, variables, audience, plan, activity_id, priority,
                                    scheduled_at, idempotency_key, state, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?)
            """).execute([new.committeeID, new.kind.rawValue, new.template, variables, audience, plan, new.activityID,
                          new.priority.jobPriority.rawValue, new.scheduledAt ?? now, new.idempotencyKey, now])
        guard let made = try find(id: db.lastInsertRowID, db: db) else {
            throw RecordError(.notFound, "the new broadcast could not be read back")
        }
        return (made, true)
    }

    static let columns = """
        id, committee_id, kind, template, variables, audience, plan, activity_id, priority, scheduled_at,
        idempotency_key, state, recipients, created_at, cancelled_at
        """

    public static func find(id: Int64, db: Database) throws -> Broadcast? {
        try db.cached("SELECT \(columns) FROM broadcasts WHERE id = ?").firstRow([id], broadcast)
    }

    public static func find(committee: Int64, idempotencyKey: String, db: Database) throws -> Broadcast? {
        try db.cached("SELECT \(columns) FROM broadcasts WHERE committee_id = ? AND idempotency_key = ?")
            .firstRow([committee, idempotencyKey], broadcast)
    }

    /// A committee's broadcasts, newest first.
    public static func list(committee: Int64, limit: Int = 50, db: Database) throws -> [Broadcast] {
        try db.cached("SELECT \(columns) FROM broadcasts WHERE committee_id = ? ORDER BY id DESC LIMIT ?")
            .rows([committee, limit], broadcast)
    }

    /// Deliveries per state, for progress.
    public static func progress(of broadcast: Int64, db: Database) throws -> [DeliveryState: Int] {
        var counts: [DeliveryState: Int] = [:]
        for (state, count) in try db.cached("SELECT state, count(*) FROM deliveries WHERE broadcast_id = ? GROUP BY state")
            .rows([broadcast], { ($0.int(0), $0.int(1)) }) {
            if let state = DeliveryState(rawValue: state) { counts[state] = count }
        }
        return counts
    }

    /// Cancels a broadcast: deliveries not yet sent become cancelled (with an
    /// event each), and the caller cancels the queued jobs
    /// (`JobQueue.cancel(group:)`). Cancelling twice is harmless.
    @discardableResult
    public static func cancel(_ id: Int64, at now: Int64, db: Database) throws -> Int {
        guard let broadcast = try find(id: id, db: db) else {
            throw RecordError(.notFound, field: "broadcast", "broadcast \(id) does not exist")
        }
        guard broadcast.state != .cancelled else { return 0 }
        try db.cached("UPDATE broadcasts SET state = 'cancelled', cancelled_at = ? WHERE id = ?").execute([now, id])
        try db.cached("""
            INSERT INTO delivery_events (delivery_id, at, kind, channel, detail)
            SELECT id, ?, 'cancelled', channel, 'broadcast cancelled' FROM deliveries WHERE broadcast_id = ? AND state = 0
            """).execute([now, id])
        try db.cached("UPDATE deliveries SET state = 5, updated_at = ? WHERE broadcast_id = ? AND state = 0")
            .execute([now, id])
        return db.changes
    }

    static func broadcast(_ row: Statement) throws -> Broadcast {
        let decoder = JSONDecoder()
        return Broadcast(
            id: row.int64(0), committeeID: row.int64(1), kind: BroadcastKind(rawValue: row.string(2)) ?? .notice,
            template: row.string(3),
            variables: try decoder.decode([String: String].self, from: Data(row.string(4).utf8)),
            audience: try decoder.decode(Audience.self, from: Data(row.string(5).utf8)),
            plan: try decoder.decode(ChannelPlan.self, from: Data(row.string(6).utf8)),
            activityID: row.optionalInt64(7), priority: JobPriority(rawValue: row.int(8)).map(BroadcastPriority.init) ?? .normal,
            scheduledAt: row.int64(9), idempotencyKey: row.optionalString(10),
            state: Broadcast.State(rawValue: row.string(11)) ?? .scheduled, recipients: row.int(12),
            createdAt: row.int64(13), cancelledAt: row.optionalInt64(14))
    }
}
