import Foundation

/// The dispatcher's live status per queue (`queue_runtime`), written by the
/// running dispatcher and read by `herald status` in any process.
public enum RuntimeStore {
    /// Replaces the snapshots of these queues (JSON text each).
    public static func save(_ snapshots: [(queue: String, json: String)], at now: Int64, db: Database) throws {
        let upsert = try db.cached("""
            INSERT INTO queue_runtime (queue, updated_at, snapshot) VALUES (?1, ?2, ?3)
            ON CONFLICT (queue) DO UPDATE SET updated_at = excluded.updated_at, snapshot = excluded.snapshot
            """)
        for snapshot in snapshots { try upsert.execute([snapshot.queue, now, snapshot.json]) }
    }

    /// Every queue's last snapshot: (queue, written at (Unix ms), JSON).
    public static func load(db: Database) throws -> [(queue: String, updatedAt: Int64, json: String)] {
        try db.cached("SELECT queue, updated_at, snapshot FROM queue_runtime ORDER BY queue").rows([]) {
            ($0.string(0), $0.int64(1), $0.string(2))
        }
    }
}
