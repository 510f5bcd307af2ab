import Foundation
import HeraldCore

/// Residents who asked for no more messages on a channel ("TD", "退订").
///
/// An opt-out is per resident and channel: "TD" by SMS stops SMS, not the
/// mini program or voice calls. Fan-out leaves opted-out residents out, with
/// `optedOut(committee:channels:)` or `notOptedOutCondition` in its own query.
/// Every write is one BEGIN IMMEDIATE transaction on the writer.
///
/// Sendable: it holds only Sendable parts (the writer serializes all writes,
/// the reader pool lends connections one thread at a time).
public final class OptOutStore: Sendable {
    public let writer: DatabaseWriter
    public let readers: DatabaseReaderPool
    public let clock: any WallClock

    public init(writer: DatabaseWriter, readers: DatabaseReaderPool, clock: any WallClock = SystemClock()) {
        self.writer = writer
        self.readers = readers
        self.clock = clock
    }

    /// Records that `resident` wants nothing more on `channel`. Idempotent.
    ///
    /// - Parameter at: when the resident asked; `clock.now()` when nil.
    @discardableResult
    public func optOut(resident: Int64, channel: OptOutChannel, source: ReplySource,
                       at: Date? = nil) throws -> OptOutResult {
        let at = (at ?? clock.now()).unixMilliseconds
        return try writer.write { db in
            guard let committee = try db.cached("SELECT committee_id FROM residents WHERE id = ?1")
                .firstRow([resident], { $0.int64(0) })
            else { return .unknownResident }
            try db.cached("""
                INSERT INTO opt_outs (resident_id, channel, committee_id, source, created_at)
                VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (resident_id, channel) DO NOTHING
                """).execute([resident, channel.rawValue, committee, source.rawValue, at])
            return db.changes == 1 ? .optedOut : .alreadyOptedOut
        }
    }

    /// Lets messages on `channel` reach `resident` again. For staff only, when
    /// the resident asked them (an SMS "TD" must not be undone otherwise).
    /// Returns false when the resident had not opted out.
    @discardableResult
    public func optIn(resident: Int64, channel: OptOutChannel) throws -> Bool {
        try writer.write { db in
            try db.cached("DELETE FROM opt_outs WHERE resident_id = ?1 AND channel = ?2")
                .execute([resident, channel.rawValue])
            return db.changes == 1
        }
    }

    public func isOptedOut(resident: Int64, channel: OptOutChannel) throws -> Bool {
        try readers.read { db in try Self.isOptedOut(resident: resident, channel: channel, db: db) }
    }

    /// The same, on a connection the caller holds (inside its transaction).
    public static func isOptedOut(resident: Int64, channel: OptOutChannel, db: Database) throws -> Bool {
        try db.cached("SELECT 1 FROM opt_outs WHERE resident_id = ?1 AND channel = ?2")
            .firstRow([resident, channel.rawValue]) { _ in true } ?? false
    }

    /// The residents of `committee` opted out of any of `channels`, each with
    /// the channels (among those) they opted out of: one query for a whole
    /// fan-out. A resident opted out of every channel of a plan gets nothing;
    /// one opted out of some skips those steps.
    public func optedOut(committee: Int64, channels: Set<OptOutChannel>) throws -> [Int64: Set<OptOutChannel>] {
        guard !channels.isEmpty else { return [:] }
        let names = channels.map(\.rawValue).sorted()
        let placeholders = (0..<names.count).map { "?\($0 + 2)" }.joined(separator: ", ")
        let rows = try readers.read { db in
            try db.cached("""
                SELECT resident_id, channel FROM opt_outs WHERE committee_id = ?1 AND channel IN (\(placeholders))
                """).rows([committee] + names) { ($0.int64(0), $0.string(1)) }
        }
        var result: [Int64: Set<OptOutChannel>] = [:]
        for (resident, name) in rows {
            guard let channel = OptOutChannel(rawValue: name) else {
                throw RecordInconsistency("resident \(resident) has an opt-out for no known channel")
            }
            result[resident, default: []].insert(channel)
        }
        return result
    }

    /// A condition for a fan-out query over `residents`: true when the resident
    /// has not opted out of the channel bound to `:opt_out_channel` (an
    /// `OptOutChannel` raw value). A primary-key lookup per resident, e.g.
    /// `SELECT id FROM residents WHERE committee_id = :committee AND \(OptOutStore.notOptedOutCondition)`.
    public static let notOptedOutCondition = """
        NOT EXISTS (SELECT 1 FROM opt_outs WHERE opt_outs.resident_id = residents.id \
        AND opt_outs.channel = :opt_out_channel)
        """
}
