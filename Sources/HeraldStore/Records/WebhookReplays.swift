/// The signatures of signed webhooks already accepted (`webhook_signatures`),
/// so a captured request cannot be sent twice within its timestamp window.
public enum WebhookReplays {
    /// Records `signature` as used at `now` (Unix ms); false when it was
    /// already used. Prunes signatures seen more than `window` ms ago: their
    /// timestamps are out of the window, so the age check refuses them first.
    /// Run inside a write transaction.
    public static func claim(_ signature: String, at now: Int64, window: Int64, db: Database) throws -> Bool {
        try db.cached("DELETE FROM webhook_signatures WHERE seen_at < ?1").execute([now - window])
        try db.cached("INSERT OR IGNORE INTO webhook_signatures (signature, seen_at) VALUES (?1, ?2)")
            .execute([signature, now])
        return db.changes == 1
    }

    /// Forgets a claimed signature: the request it came with was not
    /// recorded (Herald failed), so the sender's retry must be accepted.
    public static func release(_ signature: String, db: Database) throws {
        try db.cached("DELETE FROM webhook_signatures WHERE signature = ?1").execute([signature])
    }
}
