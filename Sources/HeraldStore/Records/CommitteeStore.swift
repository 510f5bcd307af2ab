import Foundation
import HeraldCore

/// Committees: create, look up, list.
///
/// Functions take the connection they run on (`db`); writes expect to run
/// inside the caller's transaction (`DatabaseWriter.write`), so they compose
/// with other records' writes into one unit of work.
public enum CommitteeStore {
    /// Creates a committee; the slug must be new.
    public static func create(slug: String, name: String, timeZone: String = "Asia/Shanghai",
                              at now: Int64, db: Database) throws -> Committee {
        let slug = slug.trimmingCharacters(in: .whitespaces)
        let name = name.trimmingCharacters(in: .whitespaces)
        guard (2...40).contains(slug.count),
              slug.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw RecordError(.invalid, field: "slug",
                              "'\(slug)' must be 2–40 characters of a–z, 0–9 and '-', e.g. \"yangguang\"")
        }
        guard !name.isEmpty, name.count <= 50 else {
            throw RecordError(.invalid, field: "name", "must be 1–50 characters")
        }
        guard TimeZone(identifier: timeZone) != nil else {
            throw RecordError(.invalid, field: "time_zone", "'\(timeZone)' is not an IANA time zone (e.g. Asia/Shanghai)")
        }
        if try find(slug: slug, db: db) != nil {
            throw RecordError(.conflict, field: "slug", "a committee named '\(slug)' already exists")
        }
        try db.cached("INSERT INTO committees (slug, name, time_zone, created_at) VALUES (?, ?, ?, ?)")
            .execute([slug, name, timeZone, now])
        return Committee(id: db.lastInsertRowID, slug: slug, name: name, timeZone: timeZone, createdAt: now)
    }

    public static func find(id: Int64, db: Database) throws -> Committee? {
        try db.cached("SELECT id, slug, name, time_zone, created_at FROM committees WHERE id = ?")
            .firstRow([id], Self.committee)
    }

    public static func find(slug: String, db: Database) throws -> Committee? {
        try db.cached("SELECT id, slug, name, time_zone, created_at FROM committees WHERE slug = ?")
            .firstRow([slug], Self.committee)
    }

    public static func list(db: Database) throws -> [Committee] {
        try db.cached("SELECT id, slug, name, time_zone, created_at FROM committees ORDER BY id").rows([], Self.committee)
    }

    private static func committee(_ row: Statement) -> Committee {
        Committee(id: row.int64(0), slug: row.string(1), name: row.string(2), timeZone: row.string(3),
                  createdAt: row.int64(4))
    }
}
