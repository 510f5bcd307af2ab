import HeraldCore

/// Residents as stored, for lists and the API.
public struct StoredResident: Sendable, Hashable {
    public var id: Int64
    public var committeeID: Int64
    public var name: String
    public var phone: PhoneNumber?
    public var openID: String?
    public var building: String?
    public var tags: [String]
    public var voiceOK: Bool
    public var externalID: String?
}

/// Residents: the roster upsert (CSV import and the API share it) and lists.
public enum ResidentStore {
    /// What one upsert did.
    public struct Summary: Sendable, Hashable {
        /// A record whose phone and external id name two different stored
        /// residents: not written, reported with where it came from.
        public struct Conflict: Sendable, Hashable {
            public var source: RosterLocation
            public var message: String
        }

        public var inserted = 0
        public var updated = 0
        public var conflicts: [Conflict] = []
    }

    /// Inserts new residents and updates known ones (matched by phone, then
    /// by external id), in the caller's transaction. Tags are replaced by the
    /// record's.
    public static func upsert(_ records: [ResidentRecord], committee: Int64, at now: Int64,
                              db: Database) throws -> Summary {
        guard try CommitteeStore.find(id: committee, db: db) != nil else {
            throw RecordError(.notFound, field: "committee", "committee \(committee) does not exist")
        }
        var summary = Summary()
        let byPhone = try db.cached("SELECT id FROM residents WHERE committee_id = ? AND phone = ?")
        let byExternal = try db.cached("SELECT id FROM residents WHERE committee_id = ? AND external_id = ?")
        let insert = try db.cached("""
            INSERT INTO residents (committee_id, external_id, name, phone, openid, building, unit, room, preferred_channel,
                                   voice_ok, quiet_start, quiet_end, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let update = try db.cached("""
            UPDATE residents SET external_id = coalesce(?, external_id), name = ?, phone = coalesce(?, phone),
                   openid = coalesce(?, openid), building = ?, unit = ?, room = ?, preferred_channel = ?, voice_ok = ?,
                   quiet_start = ?, quiet_end = ?, updated_at = ?
            WHERE id = ?
            """)
        let clearTags = try db.cached("DELETE FROM resident_tags WHERE resident_id = ?")
        let addTag = try db.cached("INSERT OR IGNORE INTO resident_tags (committee_id, tag, resident_id) VALUES (?, ?, ?)")
        for record in records {
            let phoneMatch = try record.phone.flatMap { try byPhone.firstRow([committee, $0.e164]) { $0.int64(0) } }
            let externalMatch = try record.externalID.flatMap { try byExternal.firstRow([committee, $0]) { $0.int64(0) } }
            if let phoneMatch, let externalMatch, phoneMatch != externalMatch {
                summary.conflicts.append(Summary.Conflict(source: record.source, message: "the phone belongs to resident \(phoneMatch) and external id "
                                          + "'\(record.externalID ?? "")' to resident \(externalMatch); fix one of them"))
                continue
            }
            let fields: [(any DatabaseBindable)?] = [
                record.externalID, record.name, record.phone?.e164, record.openID, record.building, record.unit, record.room,
                record.preferredChannel?.rawValue, record.voiceOK,
                record.quietHours.map { Int64($0.startMinute) }, record.quietHours.map { Int64($0.endMinute) },
            ]
            let id: Int64
            if let existing = phoneMatch ?? externalMatch {
                try update.execute(fields + [now, existing])
                id = existing
                summary.updated += 1
            } else {
                try insert.execute([committee] + fields + [now, now])
                id = db.lastInsertRowID
                summary.inserted += 1
            }
            try clearTags.execute([id])
            for tag in record.tags { try addTag.execute([committee, tag, id]) }
        }
        return summary
    }

    /// A committee's residents by id, `limit` after `after`.
    public static func list(committee: Int64, after: Int64 = 0, limit: Int = 100, db: Database) throws -> [StoredResident] {
        try db.cached("""
            SELECT r.id, r.committee_id, r.name, r.phone, r.openid, r.building, r.voice_ok, r.external_id,
                   (SELECT group_concat(t.tag, '|') FROM resident_tags t WHERE t.resident_id = r.id)
            FROM residents r WHERE r.committee_id = ? AND r.id > ? ORDER BY r.id LIMIT ?
            """).rows([committee, after, limit]) { row in
            StoredResident(id: row.int64(0), committeeID: row.int64(1), name: row.string(2),
                           phone: row.optionalString(3).flatMap { try? PhoneNumber(parsing: $0) },
                           openID: row.optionalString(4), building: row.optionalString(5),
                           tags: (row.optionalString(8) ?? "").split(separator: "|").map(String.init),
                           voiceOK: row.bool(6), externalID: row.optionalString(7))
        }
    }
}
