import Foundation
import HeraldCore

/// An activity that has not started yet (or has no start time), with its
/// committee, as `herald status` lists it.
public struct OpenActivity: Sendable, Hashable {
    public var activity: Activity
    public var committeeName: String
    /// The committee's IANA time zone, for showing times.
    public var committeeTimeZone: String
}

extension OpenActivity {
    /// Every activity starting after `now` (Unix ms) or without a start time,
    /// soonest first, undated ones last. Full ones and ones whose sign-up
    /// deadline has passed are included: the caller shows which.
    public static func list(now: Int64, db: Database) throws -> [OpenActivity] {
        try db.cached("""
            SELECT \(Activity.columns),
                   (SELECT name FROM committees WHERE id = activities.committee_id),
                   (SELECT time_zone FROM committees WHERE id = activities.committee_id)
              FROM activities
             WHERE starts_at IS NULL OR starts_at > ?1
             ORDER BY starts_at IS NULL, starts_at, id
            """).rows([now]) { row in
            OpenActivity(activity: Activity(row: row), committeeName: row.optionalString(10) ?? "",
                         committeeTimeZone: row.optionalString(11) ?? "Asia/Shanghai")
        }
    }
}
