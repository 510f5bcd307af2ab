import Foundation

/// The contact log behind per-resident frequency caps (DESIGN.md, "Limits":
/// by default 1 a minute, 5 an hour, 20 a day per channel).
///
/// One row per send attempt started to a resident on a channel, whatever its
/// outcome: a call that rang unanswered still disturbed the resident. Times are
/// Unix milliseconds. A worker records the contact in the transaction that
/// starts the send and asks `recent` before it; a capped job is snoozed, never
/// dropped. Rows older than `retention` count for no cap and are pruned
/// (`JobQueue.pruneSucceeded` does it).
public enum ContactLog {
    /// How long a contact counts for a cap: a day, the longest cap window.
    public static let retention: TimeInterval = 24 * 3600

    /// Records that a send to `resident` on `channel` started at `at`, for `delivery`.
    public static func record(resident: Int64, channel: String, delivery: Int64, at: Int64, db: Database) throws {
        try db.cached("INSERT INTO contacts (resident_id, channel, at, delivery_id) VALUES (?1, ?2, ?3, ?4)")
            .execute([resident, channel, at, delivery])
    }

    /// The times `resident` was contacted on `channel` at or after `since`,
    /// oldest first. An index range of `contacts_resident`.
    public static func recent(resident: Int64, channel: String, since: Int64, db: Database) throws -> [Int64] {
        try db.cached("""
            SELECT at FROM contacts WHERE resident_id = ?1 AND channel = ?2 AND at >= ?3 ORDER BY at
            """).rows([resident, channel, since]) { $0.int64(0) }
    }

    /// `recent` for many residents in one query (a claimed batch): each
    /// resident's contact times on `channel` at or after `since`, oldest
    /// first. Residents with none are absent from the result. The ids travel
    /// as one bound JSON array read with json_each, never spliced into the SQL.
    public static func recent(residents: [Int64], channel: String, since: Int64,
                              db: Database) throws -> [Int64: [Int64]] {
        guard !residents.isEmpty else { return [:] }
        let ids = "[" + residents.map(String.init).joined(separator: ",") + "]"
        var times: [Int64: [Int64]] = [:]
        let rows = try db.cached("""
            SELECT resident_id, at FROM contacts
             WHERE resident_id IN (SELECT value FROM json_each(?1)) AND channel = ?2 AND at >= ?3
             ORDER BY resident_id, at
            """).rows([ids, channel, since]) { ($0.int64(0), $0.int64(1)) }
        for (resident, at) in rows { times[resident, default: []].append(at) }
        return times
    }

    /// Deletes contacts from before `before`; returns how many went.
    @discardableResult
    public static func prune(before: Int64, db: Database) throws -> Int {
        try db.cached("DELETE FROM contacts WHERE at < ?1").execute([before])
        return db.changes
    }

    /// Deletes at most `limit` contacts from before `before`, so a caller can
    /// prune in short transactions; returns how many went. Rows go in
    /// insertion order, which is about time order, so each chunk finds its
    /// rows at the front of the table.
    static func prune(before: Int64, limit: Int, db: Database) throws -> Int {
        try db.cached("""
            DELETE FROM contacts WHERE rowid IN (SELECT rowid FROM contacts WHERE at < ?1 LIMIT ?2)
            """).execute([before, limit])
        return db.changes
    }
}
