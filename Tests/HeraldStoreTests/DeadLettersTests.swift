import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

@Suite struct DeadLettersTests {
    /// Enqueues `jobs`, claims them and completes each with `.dead`; returns their ids.
    private func kill(_ f: QueueFixture, _ jobs: [NewJob], error: String = "gateway refused: invalid number")
        throws -> [Int64] {
        let ids = try f.queue.enqueue(jobs).map(\.id)
        var claimed: [ClaimedJob] = []
        for queue in Set(jobs.map(\.queue)) {
            claimed += try f.queue.claim(queue: queue, limit: 100, leaseFor: 30)
        }
        try f.queue.complete(claimed.map { Completion($0.lease, .dead(error: error)) })
        return ids
    }

    @Test func listsDeadJobsNewestFirstAndShowsTheirHistory() throws {
        let f = try QueueFixture()
        let dead = DeadLetters(f.queue)
        let first = try kill(f, [f.job("a")])[0]
        f.clock.advance(by: 60)
        // A job that used up its attempts: retried once, then dead.
        let second = try f.queue.enqueue([f.job("b", queue: "voice", maxAttempts: 2)])[0].id
        let try1 = try f.queue.claim(queue: "voice", limit: 1, leaseFor: 30)
        try f.queue.complete([Completion(try1[0].lease, .retry(error: "busy", retryAfter: 1))])
        f.clock.advance(by: 5)
        let try2 = try f.queue.claim(queue: "voice", limit: 1, leaseFor: 30)
        try f.queue.complete([Completion(try2[0].lease, .retry(error: "no answer"))])
        let pending = try f.queue.enqueue([f.job("c")])[0].id

        #expect(try dead.list().map(\.id) == [second, first])
        #expect(try dead.list(queue: "sms").map(\.id) == [first])
        #expect(try dead.list(queue: "nowhere").isEmpty)
        #expect(try dead.count() == 2)
        #expect(try dead.count(queue: "voice") == 1)

        guard case .dead(let detail) = try dead.lookup(second) else {
            Issue.record("job \(second) should be dead")
            return
        }
        #expect(detail.job.queue == "voice")
        #expect(detail.job.attempts == 2 && detail.job.maxAttempts == 2)
        #expect(detail.job.lastError == "no answer")
        #expect(detail.history.map(\.outcome) == ["retry", "dead"])
        #expect(detail.history.map(\.error) == ["busy", "no answer"])
        #expect(detail.delivery == nil && detail.deliveryJob == nil, "the payload is not a send job")
        #expect(try dead.lookup(pending) == .notDead(.pending))
        #expect(try dead.lookup(999) == .notFound)
    }

    @Test func retryMakesAJobDueNowWithItsAttemptsReset() throws {
        let f = try QueueFixture()
        let dead = DeadLetters(f.queue)
        let id = try kill(f, [f.job("a")])[0]
        f.clock.advance(by: 3600)
        #expect(try dead.retry(id) == .retried)
        let row = try f.row(id)
        #expect(row.state == .pending)
        #expect(row.attempts == 0)
        #expect(row.runAt == f.clock.now().unixMilliseconds)
        #expect(try f.stats().available == 1 && f.stats().dead == 0)
        guard case .notDead(.pending) = try dead.lookup(id) else {
            Issue.record("a retried job is pending")
            return
        }
        // It runs again, with its full budget.
        let again = try f.queue.claim(queue: "sms", limit: 10, leaseFor: 30)
        #expect(again.map(\.id) == [id])
        #expect(again[0].attempt == 1)
        #expect(try dead.retry(id) == .notDead(.running))
        #expect(try dead.retry(424_242) == .notFound)
    }

    @Test func retryAllTakesOneQueueOrEveryQueue() throws {
        let f = try QueueFixture()
        let dead = DeadLetters(f.queue)
        let sms = try kill(f, [f.job("a"), f.job("b")])
        let voice = try kill(f, [f.job("c", queue: "voice")])
        let report = try dead.retryAll(queue: "sms")
        #expect(report.retried == 2 && report.keyHeld.isEmpty)
        #expect(try sms.allSatisfy { try f.row($0).state == .pending })
        #expect(try f.row(voice[0]).state == .dead)
        #expect(try dead.retryAll().retried == 1)
        #expect(try f.row(voice[0]).state == .pending)
        #expect(try dead.retryAll().retried == 0)
    }

    @Test func aJobWhoseKeyIsTakenAgainStaysDead() throws {
        let f = try QueueFixture()
        let dead = DeadLetters(f.queue)
        let first = try kill(f, [f.job("a", uniqueKey: "delivery-7-step-0")])[0]
        let again = try f.queue.enqueue([f.job("a", uniqueKey: "delivery-7-step-0")])[0]
        #expect(again.inserted && again.id != first)
        #expect(try dead.retry(first) == .keyHeld(by: again.id))
        let report = try dead.retryAll()
        #expect(report.retried == 0)
        #expect(report.keyHeld == [.init(job: first, heldBy: again.id)])
        #expect(try f.row(first).state == .dead)
    }

    @Test func purgeDeletesByAgeAndQueueWithTheirHistory() throws {
        let f = try QueueFixture()
        let dead = DeadLetters(f.queue)
        let old = try kill(f, [f.job("a"), f.job("b", queue: "voice")])
        f.clock.advance(by: 10 * 86_400)
        let recent = try kill(f, [f.job("c")])
        let cutoff = f.clock.now() - 7 * 86_400
        #expect(try dead.purge(diedBefore: cutoff, queue: "sms") == 1)
        #expect(try dead.list().map(\.id).sorted() == [old[1], recent[0]])
        #expect(try dead.purge(diedBefore: cutoff) == 1)
        #expect(try dead.list().map(\.id) == recent)
        #expect(try dead.purge(diedBefore: nil) == 1)
        #expect(try dead.count() == 0)
        let history = try f.queue.readers.read { db in try db.scalarInt("SELECT count(*) FROM job_attempts") }
        #expect(history == 0)
    }

    @Test func aSendJobShowsItsDeliveryWithTheNumberMasked() throws {
        let f = try QueueFixture()
        let dead = DeadLetters(f.queue)
        let now = f.clock.now().unixMilliseconds
        let broadcast = try f.queue.writer.write { db in
            let committee = try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: now, db: db).id
            let roster = RosterImport.csv(Array("姓名,手机号\n王秀英,13800138000\n".utf8))
            _ = try ResidentStore.upsert(roster.records, committee: committee, at: now, db: db)
            let plan = ChannelPlan(steps: [.init(channel: "sms", queue: "kannel-sms")])
            return try BroadcastStore.create(NewBroadcast(committeeID: committee, kind: .notice, template: "notice",
                                                          audience: .all, plan: plan), at: now, db: db).broadcast.id
        }
        try Fanout(queue: f.queue).run(broadcast: broadcast)
        let claimed = try f.queue.claim(queue: "kannel-sms", limit: 1, leaseFor: 30)
        try f.queue.complete([Completion(claimed[0].lease, .dead(error: "invalid destination"))])

        guard case .dead(let detail) = try dead.lookup(claimed[0].id) else {
            Issue.record("the send job should be dead")
            return
        }
        let delivery = try #require(detail.delivery)
        #expect(delivery.broadcastID == broadcast)
        #expect(delivery.residentName == "王秀英")
        #expect(delivery.maskedPhone == PhoneNumber.parse("13800138000")?.masked)
        #expect(delivery.maskedPhone?.contains("00138000") == false)
        #expect(delivery.channel == "sms" && delivery.step == 0)
        #expect(detail.job.group == broadcast)
    }
}

private extension PhoneNumber {
    static func parse(_ text: String) -> PhoneNumber? { try? PhoneNumber(parsing: text) }
}
