import Foundation
import HeraldCore

/// Turns a broadcast into deliveries and first-step send jobs.
///
/// Streams the audience in resident-id order, `chunk` residents per BEGIN
/// IMMEDIATE transaction: each chunk's deliveries and their jobs commit
/// together, so a crash leaves no delivery without its job, and memory holds
/// one chunk whatever the audience size. A rerun after a crash resumes after
/// the last resident that has a delivery (deliveries are unique per
/// broadcast and resident).
///
/// Lives in HeraldStore, not HeraldDispatch (DESIGN.md), because deliveries
/// and jobs must share a transaction; the dispatcher calls it.
public struct Fanout {
    public struct Result: Sendable, Hashable {
        /// Deliveries written, with a job each.
        public var queued = 0
        /// Residents in the audience no step of the plan can reach (no
        /// openid for a push-only plan, …): written as failed, with an event.
        public var unreachable = 0
        /// Residents left out because they opted out of every channel in the plan.
        public var optedOut = 0
        /// The queues that got jobs.
        var queues: Set<String> = []
    }

    public let queue: JobQueue
    public var chunk = 2_000

    public init(queue: JobQueue, chunk: Int = 2_000) {
        self.queue = queue
        self.chunk = chunk
    }

    /// Fans a scheduled (or half-done) broadcast out; returns what it wrote this run.
    @discardableResult
    public func run(broadcast id: Int64) throws -> Result {
        var total = Result()
        while true {
            let (result, more) = try queue.writer.write { db in try step(broadcast: id, db: db) }
            total.queued += result.queued
            total.unreachable += result.unreachable
            total.optedOut += result.optedOut
            // Claim loops start on the first chunk rather than after the last.
            for name in result.queues { queue.signal.notify(name) }
            guard more else { break }
        }
        return total
    }

    /// One chunk in the caller's transaction; `more` is false when the audience is done.
    func step(broadcast id: Int64, db: Database) throws -> (Result, more: Bool) {
        guard let broadcast = try BroadcastStore.find(id: id, db: db) else {
            throw RecordError(.notFound, field: "broadcast", "broadcast \(id) does not exist")
        }
        guard broadcast.state == .scheduled || broadcast.state == .fanningOut else { return (Result(), false) }
        let now = queue.clock.now().unixMilliseconds
        let after = try db.scalarInt("SELECT max(resident_id) FROM deliveries WHERE broadcast_id = ?", [id]) ?? 0
        let (sql, filter) = Self.audienceQuery(broadcast.audience)
        let candidates = try db.cached(sql).rows([broadcast.committeeID, after, filter, chunk] as [(any DatabaseBindable)?]) { row in
            Candidate(id: row.int64(0), hasPhone: row.bool(1), hasOpenID: row.bool(2), voiceOK: row.bool(3),
                      optedOut: Set((row.optionalString(4) ?? "").split(separator: ",").map(String.init)))
        }
        var result = Result()
        let planChannels = broadcast.plan.channelSet
        let insert = try db.cached("""
            INSERT INTO deliveries (broadcast_id, committee_id, resident_id, state, step, channel, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let event = try db.cached("INSERT INTO delivery_events (delivery_id, at, kind, channel, detail) VALUES (?, ?, ?, ?, ?)")
        var jobs: [NewJob] = []
        jobs.reserveCapacity(candidates.count)
        for candidate in candidates {
            if planChannels.isSubset(of: candidate.optedOut) {
                result.optedOut += 1
                continue
            }
            guard let first = broadcast.plan.firstStep(hasPhone: candidate.hasPhone, hasOpenID: candidate.hasOpenID,
                                                       voiceOK: candidate.voiceOK, optedOut: candidate.optedOut) else {
                try insert.execute([id, broadcast.committeeID, candidate.id, DeliveryState.failed.rawValue, 0, nil, now])
                try event.execute([db.lastInsertRowID, now, "unreachable", nil,
                                   "no step of the plan reaches this resident (phone, openid, voice_ok, opt-outs)"])
                result.unreachable += 1
                continue
            }
            let step = broadcast.plan.steps[first]
            try insert.execute([id, broadcast.committeeID, candidate.id, DeliveryState.queued.rawValue, first, step.channel, now])
            let job = DeliveryJob(deliveryID: db.lastInsertRowID, step: first)
            jobs.append(NewJob(queue: step.queue, payload: job.payload, priority: broadcast.priority.jobPriority,
                               runAt: Date(timeIntervalSince1970: Double(broadcast.scheduledAt) / 1000),
                               uniqueKey: job.uniqueKey, committee: broadcast.committeeID, group: id))
            result.queued += 1
            result.queues.insert(step.queue)
        }
        _ = try queue.insert(jobs, now: now, db: db)
        let more = candidates.count == chunk
        try db.cached("UPDATE broadcasts SET state = ?, recipients = recipients + ? WHERE id = ?")
            .execute([more ? Broadcast.State.fanningOut.rawValue : Broadcast.State.sending.rawValue,
                      result.queued + result.unreachable, id])
        return (result, more)
    }

    private struct Candidate {
        var id: Int64
        var hasPhone: Bool
        var hasOpenID: Bool
        var voiceOK: Bool
        var optedOut: Set<String>
    }

    /// The chunk query for an audience: parameters committee, after-id,
    /// the audience's JSON list (or NULL), limit. Lists travel as one bound
    /// JSON array read with json_each, never spliced into the SQL.
    static func audienceQuery(_ audience: Audience) -> (String, String?) {
        let head = """
            SELECT r.id, r.phone IS NOT NULL, r.openid IS NOT NULL, r.voice_ok,
                   (SELECT group_concat(o.channel) FROM opt_outs o WHERE o.resident_id = r.id)
            FROM residents r WHERE r.committee_id = ?1 AND r.id > ?2
            """
        let tail = " ORDER BY r.id LIMIT ?4"
        func json(_ values: some Encodable) -> String {
            String(decoding: (try? JSONEncoder().encode(values)) ?? Data("[]".utf8), as: UTF8.self)
        }
        switch audience {
        case .all:
            return (head + " AND ?3 IS NULL" + tail, nil)
        case .buildings(let names):
            return (head + " AND r.building IN (SELECT value FROM json_each(?3))" + tail, json(names))
        case .tags(let tags):
            return (head + """
                 AND r.id IN (SELECT t.resident_id FROM resident_tags t
                              WHERE t.committee_id = ?1 AND t.tag IN (SELECT value FROM json_each(?3)))
                """ + tail, json(tags))
        case .residents(let ids):
            return (head + " AND r.id IN (SELECT value FROM json_each(?3))" + tail, json(ids))
        }
    }
}
