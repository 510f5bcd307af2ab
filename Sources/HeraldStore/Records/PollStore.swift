import Foundation
import HeraldCore

/// Residents' answers to polls: one per resident and poll, the latest wins.
///
/// Every write is one BEGIN IMMEDIATE transaction on the writer.
///
/// Sendable: it holds only Sendable parts (the writer serializes all writes,
/// the reader pool lends connections one thread at a time).
public final class PollStore: Sendable {
    public let writer: DatabaseWriter
    public let readers: DatabaseReaderPool
    public let clock: any WallClock

    public init(writer: DatabaseWriter, readers: DatabaseReaderPool, clock: any WallClock = SystemClock()) {
        self.writer = writer
        self.readers = readers
        self.clock = clock
    }

    /// Stores `resident`'s answer to the poll `broadcast`.
    ///
    /// A resident has one answer per poll. A new answer replaces the stored
    /// one unless that one was given later (`at` decides, not arrival: a key
    /// press handled after a later SMS does not overwrite it); at the same
    /// time the one handled last wins. The broadcast must be a poll and the
    /// resident must belong to its committee.
    ///
    /// - Parameter at: when the resident answered; `clock.now()` when nil.
    public func recordAnswer(broadcast: Int64, resident: Int64, choice: PollChoice, source: ReplySource,
                             at: Date? = nil) throws -> PollAnswerResult {
        let at = (at ?? clock.now()).unixMilliseconds
        return try writer.write { db in
            guard let (committee, kind) = try db.cached("SELECT committee_id, kind FROM broadcasts WHERE id = ?1")
                .firstRow([broadcast], { ($0.int64(0), $0.string(1)) })
            else { return .unknownBroadcast }
            guard kind == BroadcastKind.poll.rawValue else { return .notAPoll }
            guard let residentCommittee = try db.cached("SELECT committee_id FROM residents WHERE id = ?1")
                .firstRow([resident], { $0.int64(0) })
            else { return .unknownResident }
            guard residentCommittee == committee else { return .wrongCommittee }
            let stored = try db.cached("SELECT choice, at FROM poll_answers WHERE broadcast_id = ?1 AND resident_id = ?2")
                .firstRow([broadcast, resident]) { ($0.string(0), $0.int64(1)) }
            let previous = try stored.map { text, _ in try Self.choice(text, broadcast: broadcast) }
            if let stored, let previous, stored.1 > at { return .outdated(current: previous) }
            try db.cached("""
                INSERT INTO poll_answers (broadcast_id, resident_id, choice, source, at) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (broadcast_id, resident_id) DO UPDATE
                   SET choice = excluded.choice, source = excluded.source, at = excluded.at
                """).execute([broadcast, resident, choice.rawValue, source.rawValue, at])
            return .recorded(replaced: previous)
        }
    }

    /// `resident`'s current answer to the poll `broadcast`, if any.
    public func answer(broadcast: Int64, resident: Int64) throws -> PollChoice? {
        try readers.read { db in
            try db.cached("SELECT choice FROM poll_answers WHERE broadcast_id = ?1 AND resident_id = ?2")
                .firstRow([broadcast, resident]) { try Self.choice($0.string(0), broadcast: broadcast) }
        }
    }

    /// How many residents picked each choice of the poll `broadcast`.
    public func tally(broadcast: Int64) throws -> PollTally {
        let rows = try readers.read { db in
            try db.cached("SELECT choice, count(*) FROM poll_answers WHERE broadcast_id = ?1 GROUP BY choice")
                .rows([broadcast]) { (try Self.choice($0.string(0), broadcast: broadcast), $0.int(1)) }
        }
        return PollTally(broadcastID: broadcast, counts: Dictionary(uniqueKeysWithValues: rows))
    }

    private static func choice(_ text: String, broadcast: Int64) throws -> PollChoice {
        guard let choice = PollChoice(rawValue: text) else {
            throw RecordInconsistency("poll \(broadcast) has a stored answer that is no poll choice")
        }
        return choice
    }
}
