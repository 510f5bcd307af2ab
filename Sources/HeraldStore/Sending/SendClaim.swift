import Foundation
import HeraldCore

/// What the dispatcher's per-resident checks (quiet hours, frequency caps)
/// say about one prepared send, inside the claim's transaction.
public enum SendCheck: Sendable, Hashable {
    case send
    /// Not now: the job waits until `until` (Unix ms) without using an attempt.
    case later(until: Int64, because: DeferReason)
    /// This step can never reach the resident: the plan moves on.
    case fail(reason: String)
}

/// Why a send was put off.
public enum DeferReason: String, Sendable, Hashable, CaseIterable {
    case quietHours = "quiet_hours"
    case frequencyCap = "frequency_cap"
}

/// One claim cycle's sends, and what happened to the jobs that were not sent.
public struct ClaimedSends: Sendable {
    public var sends: [ClaimedSend] = []
    /// Jobs claimed in all.
    public var claimed = 0
    /// Nothing to send (confirmed, cancelled, activity full): done.
    public var skipped = 0
    /// Moved to the plan's next step (opted out of, or unreachable on, this one).
    public var movedOn = 0
    public var deferred: [DeferReason: Int] = [:]
    /// Steps that can never reach the resident (the plan moves on).
    public var failed = 0
    /// Payloads that are not send jobs (dead at once).
    public var unreadable = 0

    public init() {}
}

extension GroupCommitter {
    /// Claims up to `limit` send jobs of `queue` and, in the same
    /// transaction, makes the send-time checks for each (`SendPreparation`,
    /// then `check` for the resident's quiet hours and frequency caps), so
    /// that one claim cycle is one commit. Jobs that are not sent are
    /// completed there and then: skipped ones succeed, deferred ones are
    /// snoozed (no attempt used), impossible ones move the plan on.
    public func claimSends(queue name: String, limit: Int, leaseFor: TimeInterval,
                           check: (SendContext, Database, Int64) throws -> SendCheck) throws -> ClaimedSends {
        try claim(queue: name, limit: limit, leaseFor: leaseFor) { db, jobs, now in
            var result = ClaimedSends()
            result.claimed = jobs.count
            var completions: [Completion] = []
            for job in jobs {
                guard let delivery = DeliveryJob(payload: job.payload) else {
                    completions.append(Completion(job.lease, .dead(error: "the payload is not a delivery send job")))
                    result.unreadable += 1
                    continue
                }
                switch try SendPreparation.prepare(delivery, db: db) {
                case .skip(let reason, let nextStep):
                    try skip(job, delivery, reason: reason, nextStep: nextStep, now: now, db: db)
                    completions.append(Completion(job.lease, .succeeded))
                    if nextStep != nil { result.movedOn += 1 } else { result.skipped += 1 }
                case .send(let context):
                    switch try check(context, db, now) {
                    case .send:
                        result.sends.append(ClaimedSend(job: job, delivery: delivery, context: context))
                    case .later(let until, let reason):
                        completions.append(Completion(job.lease, .snooze(until: Date(unixMilliseconds: until))))
                        result.deferred[reason, default: 0] += 1
                    case .fail(let reason):
                        try ReceiptStore.appendEvent(
                            delivery: context.deliveryID, kind: "step_failed", channel: context.channel, gateway: nil,
                            detail: "{\"step\":\(delivery.step + 1),\"reason\":\(ReceiptStore.jsonString(reason))}",
                            at: now, db: db)
                        try DeliverySteps.advance(context: context, priority: job.priority, after: delivery.step,
                                                  reason: reason, at: now, queue: queue, db: db)
                        completions.append(Completion(job.lease, .dead(error: reason)))
                        result.failed += 1
                    }
                }
            }
            _ = try queue.apply(completions, now: now, db: db)
            return result
        }
    }

    /// A job with nothing to send: record why, and move the plan on when a
    /// later step can still reach the resident.
    private func skip(_ job: ClaimedJob, _ delivery: DeliveryJob, reason: String, nextStep: Int?, now: Int64,
                      db: Database) throws {
        try ReceiptStore.appendEvent(delivery: delivery.deliveryID, kind: "skipped", channel: nil, gateway: nil,
                                     detail: "{\"step\":\(delivery.step + 1),\"reason\":\(ReceiptStore.jsonString(reason))}",
                                     at: now, db: db)
        if let nextStep {
            try DeliverySteps.repeatStep(delivery: delivery.deliveryID, step: nextStep, at: now, queue: queue, db: db)
        } else if reason == SendPreparation.activityFullReason || reason == SendPreparation.cancelledReason {
            try db.cached("UPDATE deliveries SET state = 5, updated_at = ?1 WHERE id = ?2 AND state = 0")
                .execute([now, delivery.deliveryID])
        } else {
            // Nothing left to reach the resident with, and nothing confirmed it.
            try db.cached("UPDATE deliveries SET state = 3, updated_at = ?1 WHERE id = ?2 AND state = 0")
                .execute([now, delivery.deliveryID])
        }
    }
}
