import Foundation
import HeraldCore

/// A broadcast with its committee and how far its deliveries have got, as
/// `herald status` shows it. The counts are the ones `GET /v1/broadcasts/{id}`
/// shows (the same query: deliveries grouped by channel and state).
public struct BroadcastProgress: Sendable, Hashable {
    public var broadcast: Broadcast
    public var committeeName: String
    /// The committee's IANA time zone, for showing times.
    public var committeeTimeZone: String
    /// Deliveries per state; every state is present (0 when none).
    public var byState: [DeliveryState: Int]
    /// Deliveries per channel they are on (or ended on), then per state;
    /// "none" for deliveries no channel has taken yet.
    public var byChannel: [String: [DeliveryState: Int]]
    /// Deliveries written so far.
    public var total: Int
    /// When a finished broadcast last changed (Unix ms): its cancellation,
    /// or its latest delivery update for a done one; nil while it runs.
    public var lastChangedAt: Int64?
}

extension BroadcastProgress {
    /// How far back `current` looks for broadcasts that are done: only those
    /// scheduled within this many milliseconds are checked, so the look-up
    /// never reads the deliveries of the whole history.
    public static let doneLookback: Int64 = 7 * 86_400_000

    /// The broadcasts under way (scheduled, fanning out, sending) and those
    /// that finished or changed within `recent` milliseconds before `now`
    /// (cancelled then, or done with a delivery updated then, e.g. by a late
    /// receipt), oldest first. Call inside a transaction for one snapshot.
    public static func current(now: Int64, recent: Int64, db: Database) throws -> [BroadcastProgress] {
        let since = now - recent
        // Done broadcasts have no end time of their own: their latest
        // delivery update stands in (one index range per broadcast, and only
        // for those scheduled within the lookback), or, for one that reached
        // nobody (everyone opted out), the time it was due.
        let found = try db.cached("""
            SELECT * FROM (
                SELECT \(BroadcastStore.columns),
                       (SELECT name FROM committees WHERE id = broadcasts.committee_id),
                       (SELECT time_zone FROM committees WHERE id = broadcasts.committee_id),
                       CASE state
                           WHEN 'cancelled' THEN cancelled_at
                           WHEN 'done' THEN coalesce((SELECT max(updated_at) FROM deliveries
                                                       WHERE broadcast_id = broadcasts.id), scheduled_at)
                       END AS last_changed
                  FROM broadcasts
                 WHERE state IN ('scheduled', 'fanning_out', 'sending', 'cancelled')
                    OR (state = 'done' AND scheduled_at >= ?2))
             WHERE state IN ('scheduled', 'fanning_out', 'sending') OR last_changed >= ?1
             ORDER BY id
            """).rows([since, now - doneLookback]) { row in
            (try BroadcastStore.broadcast(row), row.optionalString(15) ?? "", row.optionalString(16) ?? "Asia/Shanghai",
             row.optionalInt64(17))
        }
        return try found.map { broadcast, name, timeZone, lastChanged in
            var progress = BroadcastProgress(broadcast: broadcast, committeeName: name, committeeTimeZone: timeZone,
                                             byState: [:], byChannel: [:], total: 0, lastChangedAt: lastChanged)
            for state in DeliveryState.allCases { progress.byState[state] = 0 }
            let rows = try db.cached("""
                SELECT coalesce(channel, 'none'), state, count(*) FROM deliveries WHERE broadcast_id = ? GROUP BY 1, 2
                """).rows([broadcast.id]) { ($0.string(0), $0.int(1), $0.int(2)) }
            for (channel, stateValue, count) in rows {
                guard let state = DeliveryState(rawValue: stateValue) else { continue }
                progress.byState[state, default: 0] += count
                progress.byChannel[channel, default: [:]][state, default: 0] += count
                progress.total += count
            }
            return progress
        }
    }
}
