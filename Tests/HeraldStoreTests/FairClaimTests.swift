import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

/// Claims share a queue fairly between committees (DESIGN.md, "Limits"):
/// priority first, then round-robin across committees within a priority.
@Suite struct FairClaimTests {
    func names(_ jobs: [ClaimedJob]) -> [String] { jobs.map { String(decoding: $0.payload, as: UTF8.self) } }

    @Test func aSmallCommitteesNoticeIsNotStuckBehindABigBroadcast() throws {
        let f = try QueueFixture()
        let broadcast = try f.queue.enqueue((0..<10_000).map { f.job("broadcast-\($0)", committee: 1) }).map(\.id)
        let first = try f.queue.claim(queue: "sms", limit: 100, leaseFor: 30)
        #expect(first.map(\.id) == Array(broadcast[0..<100]))
        try f.queue.enqueue((0..<10).map { f.job("urgent-\($0)", committee: 2) })
        let next = try f.queue.claim(queue: "sms", limit: 100, leaseFor: 30)
        #expect(next.count == 100)
        #expect(names(next.filter { $0.committee == 2 }) == (0..<10).map { "urgent-\($0)" },
                "all ten of committee 2 in the very next claim, in order")
        // Committee 1 was served last, so committee 2 leads, dealt out one by one.
        #expect(next.prefix(20).map(\.committee) == (0..<10).flatMap { _ in [Int64(2), 1] })
        #expect(next.filter { $0.committee == 1 }.map(\.id) == Array(broadcast[100..<190]),
                "the broadcast goes on where it stopped")
    }

    @Test func threeCommitteesTakeTurnsOverSuccessiveClaims() throws {
        let f = try QueueFixture()
        // Arrival order buys nothing: committee 3 enqueued first.
        for committee: Int64 in [3, 1, 2] {
            try f.queue.enqueue((0..<500).map { f.job("\(committee)-\($0)", committee: committee) })
        }
        let limit = 10
        let share = limit / 3
        var totals: [Int64: Int] = [:]
        for claimNumber in 1...30 {
            let claimed = try f.queue.claim(queue: "sms", limit: limit, leaseFor: 30)
            #expect(claimed.count == limit)
            for job in claimed { totals[job.committee, default: 0] += 1 }
            let counts = [1, 2, 3].map { totals[Int64($0)] ?? 0 }
            #expect(counts.max()! - counts.min()! <= share, "after claim \(claimNumber): \(counts)")
        }
        #expect(totals == [1: 100, 2: 100, 3: 100])
    }

    @Test func aCommitteeShortOfItsShareLeavesTheRestToTheOthers() throws {
        let f = try QueueFixture()
        try f.queue.enqueue((0..<50).map { f.job("a\($0)", committee: 1) } + (0..<5).map { f.job("b\($0)", committee: 2) }
            + (0..<20).map { f.job("c\($0)", committee: 3) })
        let claimed = try f.queue.claim(queue: "sms", limit: 60, leaseFor: 30)
        #expect(claimed.count == 60)
        #expect(Dictionary(grouping: claimed, by: \.committee).mapValues(\.count) == [1: 35, 2: 5, 3: 20])
        // Each committee's jobs in order, whatever the interleaving.
        for (prefix, count) in [("a", 35), ("b", 5), ("c", 20)] {
            #expect(names(claimed).filter { $0.hasPrefix(prefix) } == (0..<count).map { "\(prefix)\($0)" })
        }
    }

    @Test func emergencyOfAnyCommitteeComesBeforeNormalOfAnother() throws {
        let f = try QueueFixture()
        let now = f.clock.now()
        try f.queue.enqueue((0..<5).map { f.job("normal-\($0)", runAt: now - 60, committee: 2) })
        try f.queue.enqueue((0..<2).map { f.job("low-\($0)", priority: .low, runAt: now - 120, committee: 2) })
        try f.queue.enqueue((0..<3).map { f.job("emergency-\($0)", priority: .emergency, committee: 1) })
        let few = try f.queue.claim(queue: "sms", limit: 4, leaseFor: 30)
        #expect(names(few) == ["emergency-0", "emergency-1", "emergency-2", "normal-0"])
        #expect(few.map(\.priority) == [.emergency, .emergency, .emergency, .normal])
        let rest = try f.queue.claim(queue: "sms", limit: 10, leaseFor: 30)
        #expect(names(rest) == ["normal-1", "normal-2", "normal-3", "normal-4", "low-0", "low-1"])
    }

    @Test func withinACommitteeRunTimeThenID() throws {
        let f = try QueueFixture()
        let now = f.clock.now()
        try f.queue.enqueue([
            f.job("late", runAt: now - 10, committee: 1), f.job("early", runAt: now - 20, committee: 1),
            f.job("b-late", runAt: now - 5, committee: 2), f.job("early-2", runAt: now - 20, committee: 1),
            f.job("b-early", runAt: now - 30, committee: 2), f.job("now", committee: 1),
        ])
        let claimed = try f.queue.claim(queue: "sms", limit: 10, leaseFor: 30)
        // Shares of 5: committee 1's four and committee 2's two, dealt out in turn.
        #expect(names(claimed) == ["early", "b-early", "early-2", "b-late", "late", "now"])
    }

    @Test func futureJobsOfACommitteeTakeNoShare() throws {
        let f = try QueueFixture()
        let now = f.clock.now()
        try f.queue.enqueue((0..<2_000).map { f.job("later-\($0)", runAt: now + 3_600, committee: 1) })
        try f.queue.enqueue((0..<30).map { f.job("due-\($0)", committee: 2) })
        try f.queue.enqueue((0..<3).map { f.job("soon-due-\($0)", committee: 3) }
            + (0..<2).map { f.job("soon-\($0)", runAt: now + 60, committee: 3) })
        let first = try f.queue.claim(queue: "sms", limit: 20, leaseFor: 30)
        #expect(Dictionary(grouping: first, by: \.committee).mapValues(\.count) == [2: 17, 3: 3],
                "committee 1 has nothing due, so it takes no share of the twenty")
        #expect(try f.queue.claim(queue: "sms", limit: 20, leaseFor: 30).count == 13)
        #expect(try f.queue.claim(queue: "sms", limit: 20, leaseFor: 30).isEmpty)
        #expect(try f.queue.nextDue(queue: "sms") == now + 60)
        f.clock.advance(by: 60)
        #expect(names(try f.queue.claim(queue: "sms", limit: 20, leaseFor: 30)) == ["soon-0", "soon-1"])
        #expect(try f.queue.nextDue(queue: "sms") == now + 3_600)
        f.clock.advance(by: 3_540)
        #expect(try f.queue.claim(queue: "sms", limit: 2_000, leaseFor: 30).count == 2_000)
        #expect(try f.queue.nextDue(queue: "sms") == nil)
    }

    @Test func nextDueLooksAtEveryPriorityAndCommittee() throws {
        let f = try QueueFixture()
        let now = f.clock.now()
        #expect(try f.queue.nextDue(queue: "sms") == nil)
        try f.queue.enqueue([
            f.job(runAt: now + 50, committee: 1), f.job(runAt: now + 40, committee: 2),
            f.job(priority: .low, runAt: now + 30, committee: 3), f.job(priority: .emergency, runAt: now + 60, committee: 1),
        ])
        #expect(try f.queue.nextDue(queue: "sms") == now + 30)
    }

    @Test func aPausedQueueClaimsNothingAndKeepsTheTurn() throws {
        let f = try QueueFixture()
        try f.queue.enqueue((0..<3).map { f.job("a\($0)", committee: 1) } + (0..<3).map { f.job("b\($0)", committee: 2) })
        #expect(names(try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30)) == ["a0"])
        try f.queue.pause(queue: "sms", reason: "gateway maintenance")
        #expect(try f.queue.claim(queue: "sms", limit: 10, leaseFor: 30).isEmpty)
        try f.queue.resume(queue: "sms")
        #expect(names(try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30)) == ["b0"], "committee 2's turn")
        #expect(names(try f.queue.claim(queue: "sms", limit: 3, leaseFor: 30)) == ["a1", "b1", "a2"])
    }

    // MARK: Cost

    /// The claim's statements, as the writer connection has them prepared.
    func claimCounters(_ f: QueueFixture, reset: Bool = false) throws -> [Statement.Counters] {
        try f.queue.writer.withConnection { db in
            try [JobQueue.committeesSQL, JobQueue.claimShareSQL].map { sql in
                let statement = try db.cached(sql)
                if reset { statement.resetCounters() }
                return statement.counters
            }
        }
    }

    @Test func claimsAreIndexRangesOfJobsClaimWithNoSort() throws {
        let f = try QueueFixture()
        try f.queue.writer.withConnection { db throws in
            for sql in [JobQueue.committeesSQL, JobQueue.claimShareSQL] {
                let plan = try db.prepare("EXPLAIN QUERY PLAN " + sql).rows { $0.string(3) }
                let text = plan.joined(separator: "\n")
                #expect(plan.contains { $0.contains("INDEX jobs_claim (queue_id=? AND priority=? AND committee") },
                        "\(text)")
                #expect(!text.contains("SCAN jobs"), "\(text)")
                #expect(!text.contains("TEMP B-TREE"), "\(text)")
            }
        }
    }

    @Test func aCommitteeWithOnlyFutureJobsCostsTheSameWhateverItsSize() throws {
        func cost(futureJobs: Int) throws -> [Statement.Counters] {
            let f = try QueueFixture()
            try f.queue.enqueue((0..<futureJobs).map { _ in f.job(runAt: f.clock.now() + 3_600, committee: 1) })
            try f.queue.enqueue((0..<10).map { _ in f.job(committee: 2) })
            _ = try claimCounters(f, reset: true)
            #expect(try f.queue.claim(queue: "sms", limit: 5, leaseFor: 30).count == 5)
            return try claimCounters(f)
        }
        let small = try cost(futureJobs: 10)
        let large = try cost(futureJobs: 10_000)
        #expect(small == large, "the same work for 10 or 10,000 future jobs: seeks, not scans")
        #expect(large.allSatisfy { $0.fullScanSteps == 0 && $0.sorts == 0 }, "\(large)")
    }
}
