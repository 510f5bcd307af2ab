import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

@Suite struct ContactLogTests {
    /// Contacts of residents 1 and 2 (and one of resident 3 by voice) at minute offsets from `base`.
    func seed(_ f: RecordsFixture, base: Int64) throws {
        try f.writer.write { db in
            // Out of time order on purpose: `recent` sorts.
            for (resident, channel, minute, delivery) in [(Int64(1), "sms", Int64(30), Int64(11)), (1, "sms", 0, 10),
                                                         (1, "voice", 5, 12), (1, "sms", 59, 13), (2, "sms", 1, 20),
                                                         (3, "voice", 2, 30)] {
                try ContactLog.record(resident: resident, channel: channel, delivery: delivery,
                                      at: base + minute * 60_000, db: db)
            }
        }
    }

    @Test func recentIsOneResidentsContactsOnOneChannelOldestFirst() throws {
        let f = try RecordsFixture()
        let base = f.now.unixMilliseconds
        try seed(f, base: base)
        try f.readers.read { db throws in
            #expect(try ContactLog.recent(resident: 1, channel: "sms", since: base, db: db)
                    == [base, base + 30 * 60_000, base + 59 * 60_000])
            #expect(try ContactLog.recent(resident: 1, channel: "sms", since: base + 30 * 60_000, db: db)
                    == [base + 30 * 60_000, base + 59 * 60_000], "since is inclusive")
            #expect(try ContactLog.recent(resident: 1, channel: "voice", since: base, db: db) == [base + 5 * 60_000])
            #expect(try ContactLog.recent(resident: 1, channel: "push", since: base, db: db).isEmpty)
            #expect(try ContactLog.recent(resident: 4, channel: "sms", since: base, db: db).isEmpty)
        }
    }

    @Test func recentForManyResidentsIsOneQueryWithTheIDsBound() throws {
        let f = try RecordsFixture()
        let base = f.now.unixMilliseconds
        try seed(f, base: base)
        try f.readers.read { db throws in
            let times = try ContactLog.recent(residents: [1, 2, 3, 4, 1], channel: "sms", since: base + 60_000, db: db)
            #expect(times == [1: [base + 30 * 60_000, base + 59 * 60_000], 2: [base + 60_000]],
                    "residents without a contact on the channel since then are absent; a repeated id counts once")
            #expect(try ContactLog.recent(residents: [], channel: "sms", since: 0, db: db).isEmpty)
            #expect(try ContactLog.recent(residents: [3], channel: "voice", since: 0, db: db) == [3: [base + 2 * 60_000]])
        }
    }

    @Test func lookupsAreIndexRanges() throws {
        let f = try RecordsFixture()
        try f.readers.read { db throws in
            for sql in [
                "SELECT at FROM contacts WHERE resident_id = ?1 AND channel = ?2 AND at >= ?3 ORDER BY at",
                """
                SELECT resident_id, at FROM contacts
                 WHERE resident_id IN (SELECT value FROM json_each(?1)) AND channel = ?2 AND at >= ?3
                 ORDER BY resident_id, at
                """,
            ] {
                let plan = try db.prepare("EXPLAIN QUERY PLAN " + sql).rows { $0.string(3) }.joined(separator: "\n")
                #expect(plan.contains("USING COVERING INDEX contacts_resident (resident_id=? AND channel=? AND at>?)"),
                        "\(plan)")
                #expect(!plan.contains("SCAN contacts"), "\(plan)")
            }
        }
    }

    @Test func pruneDeletesOnlyOlderContacts() throws {
        let f = try RecordsFixture()
        let base = f.now.unixMilliseconds
        try seed(f, base: base)
        let removed = try f.writer.write { db in try ContactLog.prune(before: base + 5 * 60_000, db: db) }
        #expect(removed == 3, "minutes 0, 1 and 2 go; minute 5 stays")
        try f.readers.read { db throws in
            #expect(try db.scalarInt("SELECT count(*) FROM contacts") == 3)
            #expect(try ContactLog.recent(residents: [1, 2, 3], channel: "sms", since: 0, db: db)
                    == [1: [base + 30 * 60_000, base + 59 * 60_000]])
        }
        // In chunks: at most `limit` rows a call.
        #expect(try f.writer.write { db in try ContactLog.prune(before: base + 60 * 60_000, limit: 2, db: db) } == 2)
        #expect(try f.writer.write { db in try ContactLog.prune(before: base + 60 * 60_000, limit: 2, db: db) } == 1)
        #expect(try f.writer.write { db in try ContactLog.prune(before: base + 60 * 60_000, limit: 2, db: db) } == 0)
    }

    @Test func pruningSucceededJobsAlsoPrunesContactsADayOlder() throws {
        let f = try QueueFixture()
        let cutoff = f.clock.now() - 3_600
        let day: Int64 = 24 * 3_600_000
        let times = [cutoff.unixMilliseconds - day - 1, cutoff.unixMilliseconds - day, cutoff.unixMilliseconds - 1]
        try f.queue.writer.write { db in
            for (index, at) in times.enumerated() {
                try ContactLog.record(resident: 7, channel: "voice", delivery: Int64(index), at: at, db: db)
            }
        }
        // Three chunks' worth of old contacts, to see the chunked loop finish.
        try f.queue.writer.write { db in
            for index in 0..<5 {
                try ContactLog.record(resident: 8, channel: "sms", delivery: Int64(index), at: 0, db: db)
            }
        }
        #expect(try f.queue.pruneSucceeded(finishedBefore: cutoff, chunk: 2) == 0, "the count is of job rows")
        try f.queue.readers.read { db throws in
            #expect(try ContactLog.recent(resident: 7, channel: "voice", since: 0, db: db) == Array(times.dropFirst()))
            #expect(try ContactLog.recent(resident: 8, channel: "sms", since: 0, db: db).isEmpty)
        }
    }
}
