import Foundation
import HeraldCore

extension ActivityStore {
    /// Takes a place for `resident` in `activity`, in one write transaction.
    ///
    /// Checked in this order: the activity and the resident exist, the
    /// resident belongs to the activity's committee, the resident is not
    /// already signed up (a repeated "1" changes nothing, even after the
    /// deadline or once full), sign-ups are open at `at` (at or before the
    /// deadline, else the start; a reply sent before the deadline and handled
    /// later still counts), and a place is free. A resident who cancelled may
    /// sign up again while places and time remain.
    ///
    /// - Parameters:
    ///   - source: how the "1" arrived; kept with the sign-up.
    ///   - deliveryID: the delivery it answered, if any.
    ///   - at: when the resident answered; `clock.now()` when nil.
    public func signUp(activity: Int64, resident: Int64, source: ReplySource, deliveryID: Int64? = nil,
                       at: Date? = nil) throws -> SignUpResult {
        let at = (at ?? clock.now()).unixMilliseconds
        return try writer.write { db in
            try Self.signUp(activity: activity, resident: resident, source: source, deliveryID: deliveryID, at: at,
                            db: db)
        }
    }

    /// Frees `resident`'s place in `activity`, in one write transaction.
    ///
    /// Idempotent: a resident with no active sign-up gets `.notSignedUp` and
    /// nothing changes. Allowed at any time, also after the deadline: the
    /// count then tells staff how many residents to expect. Clears `full_at`.
    /// Invitations cancelled when the activity filled stay cancelled.
    public func cancelSignUp(activity: Int64, resident: Int64, source: ReplySource, deliveryID: Int64? = nil,
                             at: Date? = nil) throws -> SignUpCancellation {
        let at = (at ?? clock.now()).unixMilliseconds
        return try writer.write { db in
            try Self.cancelSignUp(activity: activity, resident: resident, source: source, deliveryID: deliveryID,
                                  at: at, db: db)
        }
    }

    // MARK: Inside a write transaction

    /// The activity's fields a sign-up decision needs.
    private struct Places {
        var committee: Int64
        var capacity: Int
        var signedUp: Int
        var closesAt: Int64?
    }

    private static func places(of activity: Int64, db: Database) throws -> Places? {
        try db.cached("""
            SELECT committee_id, capacity, signed_up, COALESCE(signup_deadline, starts_at)
              FROM activities WHERE id = ?1
            """).firstRow([activity]) {
            Places(committee: $0.int64(0), capacity: $0.int(1), signedUp: $0.int(2), closesAt: $0.optionalInt64(3))
        }
    }

    static func signUp(activity: Int64, resident: Int64, source: ReplySource, deliveryID: Int64?, at: Int64,
                       db: Database) throws -> SignUpResult {
        precondition(db.isInTransaction, "signUp must run inside a write transaction")
        guard let places = try places(of: activity, db: db) else { return .unknownActivity }
        guard let committee = try db.cached("SELECT committee_id FROM residents WHERE id = ?1")
            .firstRow([resident], { $0.int64(0) })
        else { return .unknownResident }
        guard committee == places.committee else { return .wrongCommittee }
        let state = try db.cached("SELECT state FROM signups WHERE activity_id = ?1 AND resident_id = ?2")
            .firstRow([activity, resident]) { $0.int(0) }
        if state == 1 { return .alreadySignedUp(count: places.signedUp) }
        if let closesAt = places.closesAt, at > closesAt { return .closed }

        // The guard that keeps places from being given twice: the count only
        // grows while below capacity, checked by SQLite in the same statement.
        let take = try db.cached("""
            UPDATE activities
               SET signed_up = signed_up + 1,
                   full_at = CASE WHEN signed_up + 1 >= capacity THEN ?2 ELSE full_at END
             WHERE id = ?1 AND signed_up < capacity
            RETURNING signed_up, capacity
            """)
        guard let (count, capacity) = try take.firstRow([activity, at], { ($0.int(0), $0.int(1)) }) else {
            return .full
        }
        try db.cached("""
            INSERT INTO signups (activity_id, resident_id, state, source, delivery_id, created_at, updated_at)
            VALUES (?1, ?2, 1, ?3, ?4, ?5, ?5)
            ON CONFLICT (activity_id, resident_id) DO UPDATE
               SET state = 1, source = excluded.source, delivery_id = excluded.delivery_id,
                   updated_at = excluded.updated_at
             WHERE signups.state = 0
            """).execute([activity, resident, source.rawValue, deliveryID, at])
        guard db.changes == 1 else {
            throw RecordInconsistency("activity \(activity): the sign-up of resident \(resident) changed no row")
        }
        return .signedUp(count: count, becameFull: count == capacity)
    }

    static func cancelSignUp(activity: Int64, resident: Int64, source: ReplySource, deliveryID: Int64?, at: Int64,
                             db: Database) throws -> SignUpCancellation {
        precondition(db.isInTransaction, "cancelSignUp must run inside a write transaction")
        guard let places = try places(of: activity, db: db) else { return .unknownActivity }
        try db.cached("""
            UPDATE signups SET state = 0, source = ?3, delivery_id = COALESCE(?4, delivery_id), updated_at = ?5
             WHERE activity_id = ?1 AND resident_id = ?2 AND state = 1
            """).execute([activity, resident, source.rawValue, deliveryID, at])
        guard db.changes == 1 else { return .notSignedUp(count: places.signedUp) }
        let give = try db.cached("""
            UPDATE activities SET signed_up = signed_up - 1, full_at = NULL
             WHERE id = ?1 AND signed_up > 0
            RETURNING signed_up
            """)
        guard let count = try give.firstRow([activity], { $0.int(0) }) else {
            throw RecordInconsistency("activity \(activity) counts no sign-up, yet resident \(resident) had one")
        }
        return .cancelled(count: count, reopened: places.signedUp >= places.capacity)
    }
}
