import Foundation
import HeraldCore

/// Writes what sends came to into the delivery records, inside the group
/// commit's transaction (`GroupCommitter.submit(results:)`), and returns the
/// jobs' completions for the same transaction.
///
/// A result whose lease was lost (the job was rescued and claimed again, or
/// cancelled) changes nothing: its completion is stale and the queue ignores
/// it, so a slow worker cannot overwrite a newer attempt's record.
enum SendLedger {
    static func apply(_ results: [SendResult], queue: JobQueue, now: Int64, db: Database) throws -> [Completion] {
        let held = try db.cached("SELECT 1 FROM jobs WHERE id = ?1 AND lease_token = ?2 AND state = 1")
        var completions: [Completion] = []
        completions.reserveCapacity(results.count)
        for result in results {
            completions.append(result.completion)
            let lease = result.send.job.lease
            guard try held.firstRow([lease.jobID, lease.token], { _ in true }) == true else { continue }
            let context = result.send.context
            let step = result.send.delivery.step
            if case .accepted = result.outcome {} else {
                // The gateway did not take it: the resident was not
                // contacted, so the attempt does not count against their caps.
                try db.cached("""
                    DELETE FROM contacts WHERE rowid = (
                        SELECT rowid FROM contacts WHERE resident_id = ?1 AND channel = ?2 AND delivery_id = ?3
                         ORDER BY at DESC LIMIT 1)
                    """).execute([context.residentID, context.channel, context.deliveryID])
            }
            switch result.outcome {
            case .accepted(let gatewayID):
                try db.cached("""
                    UPDATE deliveries SET state = CASE WHEN state IN (4, 5) THEN state ELSE 1 END, step = ?1,
                                          channel = ?2, gateway_id = coalesce(?3, gateway_id), updated_at = ?4
                     WHERE id = ?5
                    """).execute([step, context.channel, gatewayID, now, context.deliveryID])
                try ReceiptStore.applyEarlyReports(delivery: context.deliveryID, channel: context.channel,
                                                   since: result.send.job.claimedAt.unixMilliseconds, at: now, db: db)
                try ReceiptStore.appendEvent(
                    delivery: context.deliveryID, kind: "sent", channel: context.channel, gateway: result.gateway,
                    detail: "{\"step\":\(step + 1),\"attempt\":\(lease.attempt)"
                        + (gatewayID.map { ",\"gateway_id\":" + ReceiptStore.jsonString($0) } ?? "") + "}",
                    at: now, db: db)
                if let window = context.plan.steps[step].escalateAfterSeconds, step + 1 < context.plan.steps.count {
                    try DeliverySteps.schedule(
                        DeliverySteps.Target(delivery: context.deliveryID, step: step + 1,
                                             queue: context.plan.steps[step + 1].queue, priority: result.send.job.priority,
                                             committee: context.committeeID, broadcast: context.broadcastID),
                        at: now + Int64(window) * 1000, queue: queue, db: db)
                }
            case .retry(let error, _):
                try ReceiptStore.appendEvent(
                    delivery: context.deliveryID, kind: "retry", channel: context.channel, gateway: result.gateway,
                    detail: "{\"attempt\":\(lease.attempt),\"error\":\(ReceiptStore.jsonString(error))}", at: now, db: db)
            case .snooze:
                break
            case .failed(let reason):
                try ReceiptStore.appendEvent(
                    delivery: context.deliveryID, kind: "step_failed", channel: context.channel, gateway: result.gateway,
                    detail: "{\"step\":\(step + 1),\"reason\":\(ReceiptStore.jsonString(reason))}", at: now, db: db)
                try DeliverySteps.advance(context: context, priority: result.send.job.priority, after: step,
                                          reason: reason, at: now, queue: queue, db: db)
            }
        }
        return completions
    }
}
