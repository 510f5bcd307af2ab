import Foundation
import HeraldCore

/// Moving a delivery along its broadcast's channel plan: the next step's
/// send job, scheduled once (its unique key is the delivery and step), or
/// the end of the delivery when no step is left.
public enum DeliverySteps {
    /// A plan step of one delivery, with what its job needs.
    public struct Target: Sendable, Hashable {
        public var delivery: Int64
        public var step: Int
        public var queue: String
        public var priority: JobPriority
        public var committee: Int64
        public var broadcast: Int64
    }

    /// Schedules the step's send job at `at` (Unix ms). When one is already
    /// pending (a confirmation-window check scheduled at the last send), it
    /// is brought forward to `at` if that is sooner, never pushed back.
    static func schedule(_ target: Target, at: Int64, queue: JobQueue, db: Database) throws {
        let job = DeliveryJob(deliveryID: target.delivery, step: target.step)
        let results = try queue.insert([NewJob(queue: target.queue, payload: job.payload, priority: target.priority,
                                               runAt: Date(unixMilliseconds: at), uniqueKey: job.uniqueKey,
                                               committee: target.committee, group: target.broadcast)],
                                       now: at, db: db)
        if let existing = results.first, !existing.inserted {
            try db.cached("UPDATE jobs SET run_at = min(run_at, ?1) WHERE id = ?2 AND state = 0").execute([at, existing.id])
        }
        queue.signal.notify(target.queue)
    }

    /// The step after `step` failed for good: schedule the plan's next step
    /// now, or, when there is none, mark the delivery failed. Returns the
    /// step scheduled, if any.
    @discardableResult
    static func advance(context: SendContext, priority: JobPriority, after step: Int, reason: String, at now: Int64,
                        queue: JobQueue, db: Database) throws -> Int? {
        try moveOn(Stored(state: .queued, step: step, committee: context.committeeID, broadcast: context.broadcastID,
                          plan: context.plan, priority: priority),
                   delivery: context.deliveryID, reason: reason, at: now, queue: queue, db: db)
    }

    /// `advance` for a delivery known only by id (a receipt said the step
    /// failed, or a call went unanswered too often): reads its broadcast's
    /// plan. Returns the step scheduled, if any; nothing happens when the
    /// delivery is confirmed or cancelled, or has already moved past `step`.
    @discardableResult
    public static func advance(delivery: Int64, after step: Int, reason: String, at now: Int64, queue: JobQueue,
                               db: Database) throws -> Int? {
        guard let stored = try stored(delivery, db: db), !stored.state.isFinal, stored.step == step else { return nil }
        return try moveOn(stored, delivery: delivery, reason: reason, at: now, queue: queue, db: db)
    }

    /// Schedules `step` of a delivery again (a voice call retried after no
    /// answer) at `at`.
    public static func repeatStep(delivery: Int64, step: Int, at: Int64, queue: JobQueue, db: Database) throws {
        guard let stored = try stored(delivery, db: db), stored.plan.steps.indices.contains(step) else { return }
        try schedule(stored.target(delivery: delivery, step: step), at: at, queue: queue, db: db)
    }

    /// Where a delivery stands: its plan step, that step's queue and channel, and its state.
    public static func position(of delivery: Int64, db: Database) throws
        -> (step: Int, queue: String, channel: String, state: DeliveryState)? {
        guard let stored = try stored(delivery, db: db), stored.plan.steps.indices.contains(stored.step) else {
            return nil
        }
        let step = stored.plan.steps[stored.step]
        return (stored.step, step.queue, step.channel, stored.state)
    }

    /// How many sends through `channel` a delivery has had (calls placed, for voice).
    public static func sends(of delivery: Int64, channel: String, db: Database) throws -> Int {
        Int(try db.scalarInt("SELECT count(*) FROM delivery_events WHERE delivery_id = ? AND kind = 'sent' AND channel = ?",
                             [delivery, channel]) ?? 0)
    }

    /// A delivery and what its broadcast says about its steps.
    private struct Stored {
        var state: DeliveryState
        var step: Int
        var committee: Int64
        var broadcast: Int64
        var plan: ChannelPlan
        var priority: JobPriority

        func target(delivery: Int64, step: Int) -> Target {
            Target(delivery: delivery, step: step, queue: plan.steps[step].queue, priority: priority,
                   committee: committee, broadcast: broadcast)
        }
    }

    private static func stored(_ delivery: Int64, db: Database) throws -> Stored? {
        guard let row = try db.cached("""
            SELECT d.state, d.step, d.committee_id, d.broadcast_id, b.plan, b.priority
              FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id WHERE d.id = ?1
            """).firstRow([delivery], { ($0.int(0), $0.int(1), $0.int64(2), $0.int64(3), $0.string(4), $0.int(5)) }),
            let state = DeliveryState(rawValue: row.0) else { return nil }
        return Stored(state: state, step: row.1, committee: row.2, broadcast: row.3,
                      plan: try JSONValueDecoding.plan(row.4), priority: JobPriority(rawValue: row.5) ?? .normal)
    }

    /// The plan's step after `stored.step`, scheduled now; or the delivery failed when there is none.
    private static func moveOn(_ stored: Stored, delivery: Int64, reason: String, at now: Int64, queue: JobQueue,
                               db: Database) throws -> Int? {
        let next = stored.step + 1
        guard next < stored.plan.steps.count else {
            try fail(delivery: delivery, reason: reason, at: now, db: db)
            return nil
        }
        try schedule(stored.target(delivery: delivery, step: next), at: now, queue: queue, db: db)
        return next
    }

    /// No step of the plan is left: the delivery failed (unless it was
    /// delivered by an earlier step, the resident confirmed meanwhile, or it
    /// was cancelled).
    static func fail(delivery: Int64, reason: String, at now: Int64, db: Database) throws {
        try db.cached("UPDATE deliveries SET state = 3, updated_at = ?1 WHERE id = ?2 AND state IN (0, 1)")
            .execute([now, delivery])
        if db.changes > 0 {
            try ReceiptStore.appendEvent(delivery: delivery, kind: "failed", channel: nil, gateway: nil,
                                         detail: "{\"reason\":\(ReceiptStore.jsonString("no step left: " + reason))}",
                                         at: now, db: db)
        }
    }
}
