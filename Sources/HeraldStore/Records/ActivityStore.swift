import Foundation
import HeraldCore

/// Activities and their sign-ups: who took a place, how many are left, when
/// the last one went.
///
/// `activities.signed_up` always equals the number of residents whose sign-up
/// is active (`signups.state = 1`): every change to one is written with the
/// other in the same BEGIN IMMEDIATE transaction, and the count only grows
/// through a conditional UPDATE (`signed_up < capacity`), so even several
/// processes writing the same file never give away more places than there
/// are. The table's CHECK (`signed_up BETWEEN 0 AND capacity`) is the second
/// guard. Times are Unix milliseconds, from `clock` unless a time is given.
///
/// Sendable: it holds only Sendable parts (the writer serializes all writes,
/// the reader pool lends connections one thread at a time).
public final class ActivityStore: Sendable {
    public let writer: DatabaseWriter
    public let readers: DatabaseReaderPool
    public let clock: any WallClock

    public init(writer: DatabaseWriter, readers: DatabaseReaderPool, clock: any WallClock = SystemClock()) {
        self.writer = writer
        self.readers = readers
        self.clock = clock
    }

    // MARK: Activities

    /// Validates and stores a new activity with no one signed up yet.
    ///
    /// Throws `ActivityError` listing every problem: an empty title, fewer
    /// than 1 place, a start or deadline already past, a deadline after the
    /// start, a committee that does not exist.
    public func create(_ activity: NewActivity, now: Date? = nil) throws -> Activity {
        let now = now ?? clock.now()
        var problems = activity.problems(now: now)
        return try writer.write { db in
            let committee = try db.cached("SELECT 1 FROM committees WHERE id = ?1")
                .firstRow([activity.committee]) { _ in true }
            if committee == nil {
                problems.append(.init(.unknownCommittee, field: "committee",
                                      "committee \(activity.committee) does not exist"))
            }
            guard problems.isEmpty else { throw ActivityError(problems: problems) }
            let insert = try db.cached("""
                INSERT INTO activities (committee_id, title, place, starts_at, signup_deadline, capacity, created_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                RETURNING \(Activity.columns)
                """)
            let values: [(any DatabaseBindable)?] = [
                activity.committee, activity.trimmedTitle, activity.trimmedPlace,
                activity.startsAt.unixMilliseconds, activity.signupDeadline?.unixMilliseconds,
                activity.capacity, now.unixMilliseconds,
            ]
            guard let created = try insert.firstRow(values, Activity.init(row:)) else {
                throw RecordInconsistency("INSERT INTO activities returned no row")
            }
            return created
        }
    }

    /// The activity with `id`, or nil.
    public func activity(_ id: Int64) throws -> Activity? {
        try readers.read { db in try Self.find(id: id, db: db) }
    }

    /// The activity with `id`, read through `db` (inside the caller's transaction).
    public static func find(id: Int64, db: Database) throws -> Activity? {
        try db.cached("SELECT \(Activity.columns) FROM activities WHERE id = ?1").firstRow([id], Activity.init(row:))
    }

    /// A committee's activities, soonest first.
    public func activities(committee: Int64) throws -> [Activity] {
        try readers.read { db in
            try db.cached("""
                SELECT \(Activity.columns) FROM activities WHERE committee_id = ?1 ORDER BY starts_at, id
                """).rows([committee], Activity.init(row:))
        }
    }

    /// The residents signed up now, in the order they signed up.
    public func residentsSignedUp(activity: Int64) throws -> [Int64] {
        try readers.read { db in
            try db.cached("""
                SELECT resident_id FROM signups WHERE activity_id = ?1 AND state = 1 ORDER BY updated_at, resident_id
                """).rows([activity]) { $0.int64(0) }
        }
    }
}
