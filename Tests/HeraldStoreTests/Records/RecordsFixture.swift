import Foundation
import HeraldCore
@testable import HeraldStore

/// A migrated database with the record stores on it, a clock that only moves
/// when told, and committees, residents and broadcasts inserted with plain
/// SQL (their own stores are written elsewhere).
struct RecordsFixture {
    let directory = TemporaryDirectory()
    let clock = ManualClock()
    let path: String
    let writer: DatabaseWriter
    let readers: DatabaseReaderPool
    let activities: ActivityStore
    let polls: PollStore
    let optOuts: OptOutStore

    init() throws {
        path = directory.file("records.db")
        writer = try DatabaseWriter(path: path)
        _ = try writer.withConnection { try Schema.migrator.migrate($0) }
        readers = DatabaseReaderPool(path: path)
        activities = ActivityStore(writer: writer, readers: readers, clock: clock)
        polls = PollStore(writer: writer, readers: readers, clock: clock)
        optOuts = OptOutStore(writer: writer, readers: readers, clock: clock)
    }

    var now: Date { clock.now() }

    // MARK: Rows other stores own

    func committee(_ slug: String = "gubei") throws -> Int64 {
        try writer.write { db in
            try db.cached("INSERT INTO committees (slug, name, created_at) VALUES (?1, ?2, ?3)")
                .execute([slug, "\(slug)居委会", now.unixMilliseconds])
            return db.lastInsertRowID
        }
    }

    /// `count` residents of `committee` with made-up mobile numbers.
    func residents(_ count: Int, committee: Int64) throws -> [Int64] {
        try writer.write { db in
            let base = try db.scalarInt("SELECT count(*) FROM residents") ?? 0
            let insert = try db.cached("""
                INSERT INTO residents (committee_id, name, phone, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
                """)
            return try (0..<count).map { index in
                let n = base + Int64(index)
                try insert.execute([committee, "居民\(n)", "+86\(13_900_000_000 + n)", now.unixMilliseconds])
                return db.lastInsertRowID
            }
        }
    }

    func resident(committee: Int64) throws -> Int64 { try residents(1, committee: committee)[0] }

    func broadcast(committee: Int64, kind: BroadcastKind, activity: Int64? = nil) throws -> Int64 {
        try writer.write { db in
            try db.cached("""
                INSERT INTO broadcasts (committee_id, kind, template, variables, audience, plan, activity_id, priority,
                                        scheduled_at, state, created_at)
                VALUES (?1, ?2, 'activity-invitation', '{}', '{}', '[]', ?3, 1, ?4, 'sending', ?4)
                """).execute([committee, kind.rawValue, activity, now.unixMilliseconds])
            return db.lastInsertRowID
        }
    }

    /// An activity starting in a week, sign-ups until the day before.
    func activity(committee: Int64, capacity: Int, title: String = "灭火器免费更换") throws -> Activity {
        try activities.create(NewActivity(committee: committee, title: title, place: "3号楼门口",
                                          startsAt: now + 7 * 86_400, signupDeadline: now + 6 * 86_400,
                                          capacity: capacity))
    }

    // MARK: Reading back

    /// `signed_up` as stored and the number of active sign-ups, counted.
    func counts(activity: Int64) throws -> (stored: Int, active: Int, fullAt: Int64?) {
        try readers.read { db in
            let stored = try db.scalarInt("SELECT signed_up FROM activities WHERE id = ?1", [activity]) ?? -1
            let active = try db.scalarInt("SELECT count(*) FROM signups WHERE activity_id = ?1 AND state = 1",
                                          [activity]) ?? -1
            let fullAt = try db.scalarInt("SELECT full_at FROM activities WHERE id = ?1", [activity])
            return (Int(stored), Int(active), fullAt)
        }
    }
}
