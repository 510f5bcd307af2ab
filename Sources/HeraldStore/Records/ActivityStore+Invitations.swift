import Foundation
import HeraldCore

extension ActivityStore {
    /// Stops the invitations to a full activity that have not gone out yet.
    ///
    /// Call it when `signUp` answers `.signedUp(_, becameFull: true)`. In one
    /// write transaction, for every broadcast of kind `invitation` attached to
    /// the activity (`broadcasts.activity_id`):
    /// - its pending jobs (`jobs.group_id` = the broadcast, state 0) become
    ///   cancelled (state 4), as `JobQueue.cancel(group:)` does. A job already
    ///   running is left alone: its message is on its way;
    /// - its queued deliveries (state 0) become cancelled (state 5), each with
    ///   a `cancelled` delivery event whose detail says the activity was full.
    ///
    /// Reminders and other broadcasts about the activity are not touched, nor
    /// are deliveries already sent (a resident who answers one of those later
    /// gets `.full`). Nothing is done, and nil returned, when the activity does
    /// not exist or has a free place again (someone cancelled meanwhile).
    /// Cancelled invitations stay cancelled when a place frees up later.
    @discardableResult
    public func cancelPendingInvitations(activity: Int64, at: Date? = nil) throws -> InvitationCancellation? {
        let at = (at ?? clock.now()).unixMilliseconds
        return try writer.write { db in try Self.cancelPendingInvitations(activity: activity, at: at, db: db) }
    }

    /// The invitation broadcasts of an activity, as a subquery on ?1 (activity) and ?2 (kind).
    private static let invitationBroadcasts = "SELECT id FROM broadcasts WHERE activity_id = ?1 AND kind = ?2"

    static func cancelPendingInvitations(activity: Int64, at: Int64, db: Database) throws -> InvitationCancellation? {
        precondition(db.isInTransaction, "cancelPendingInvitations must run inside a write transaction")
        let full = try db.cached("SELECT signed_up >= capacity FROM activities WHERE id = ?1")
            .firstRow([activity]) { $0.bool(0) }
        guard full == true else { return nil }
        let kind = BroadcastKind.invitation.rawValue
        var cancellation = InvitationCancellation()
        cancellation.broadcasts = try db.cached(invitationBroadcasts + " ORDER BY id").rows([activity, kind]) {
            $0.int64(0)
        }
        guard !cancellation.broadcasts.isEmpty else { return cancellation }

        try db.cached("""
            UPDATE jobs SET state = 4, finished_at = ?3, lease_token = NULL, lease_expires_at = NULL
             WHERE group_id IN (\(invitationBroadcasts)) AND state = 0
            """).execute([activity, kind, at])
        cancellation.jobs = db.changes

        // The events first, while the rows to cancel are still told apart by state 0.
        let detail = #"{"reason":"activity full","activity_id":\#(activity)}"#
        try db.cached("""
            INSERT INTO delivery_events (delivery_id, at, kind, channel, detail)
            SELECT id, ?3, 'cancelled', channel, ?4 FROM deliveries
             WHERE broadcast_id IN (\(invitationBroadcasts)) AND state = 0
            """).execute([activity, kind, at, detail])
        let events = db.changes
        try db.cached("""
            UPDATE deliveries SET state = 5, updated_at = ?3
             WHERE broadcast_id IN (\(invitationBroadcasts)) AND state = 0
            """).execute([activity, kind, at])
        cancellation.deliveries = db.changes
        guard events == cancellation.deliveries else {
            throw RecordInconsistency("activity \(activity): \(events) cancellation events for "
                                      + "\(cancellation.deliveries) cancelled deliveries")
        }
        return cancellation
    }
}
