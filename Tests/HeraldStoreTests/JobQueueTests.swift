import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

/// A queue on a fresh database with a clock that only moves when told.
struct QueueFixture {
    let directory = TemporaryDirectory()
    let clock = ManualClock()
    let queue: JobQueue

    init(backoff: Backoff = Backoff(base: 10, cap: 600, maxAttempts: 8)) throws {
        queue = try JobQueue(path: directory.file("queue.db"), clock: clock, backoff: backoff, seed: 42)
    }

    func job(_ name: String = "d", queue: String = "sms", priority: JobPriority = .normal, runAt: Date? = nil,
             maxAttempts: Int = 3, uniqueKey: String? = nil, committee: Int64 = 1, group: Int64? = nil) -> NewJob {
        NewJob(queue: queue, payload: Data(name.utf8), priority: priority, runAt: runAt, maxAttempts: maxAttempts,
               uniqueKey: uniqueKey, committee: committee, group: group)
    }

    /// The stored state of one job.
    func row(_ id: Int64) throws -> (state: JobState, attempts: Int, runAt: Int64, lastError: String?) {
        try queue.readers.read { db in
            try db.prepare("SELECT state, attempts, run_at, last_error FROM jobs WHERE id = ?").firstRow([id]) {
                (JobState(rawValue: $0.int(0)) ?? .pending, $0.int(1), $0.int64(2), $0.optionalString(3))
            }
        }!
    }

    func stats(_ name: String = "sms") throws -> QueueStats {
        try queue.stats().first { $0.queue == name } ?? QueueStats(queue: name)
    }
}

@Suite struct JobQueueTests {
    @Test func enqueueClaimSucceed() throws {
        let f = try QueueFixture()
        let ids = try f.queue.enqueue([f.job("a"), f.job("b")]).map(\.id)
        #expect(try f.stats().available == 2)
        let claimed = try f.queue.claim(queue: "sms", limit: 10, leaseFor: 30)
        #expect(claimed.map(\.id) == ids)
        #expect(claimed.map(\.payload) == [Data("a".utf8), Data("b".utf8)])
        #expect(claimed.allSatisfy { $0.attempt == 1 })
        #expect(try f.row(ids[0]).state == .running)
        #expect(try f.queue.claim(queue: "sms", limit: 10, leaseFor: 30).isEmpty, "a running job is not claimed twice")
        let report = try f.queue.complete(claimed.map { Completion($0.lease, .succeeded) })
        #expect(report.succeeded == 2)
        #expect(try f.row(ids[0]).state == .succeeded)
        let stats = try f.stats()
        #expect(stats.succeeded == 2)
        #expect(stats.succeededLast.oneMinute == 2)
    }

    @Test func claimOrderIsPriorityThenRunAtThenId() throws {
        let f = try QueueFixture()
        let now = f.clock.now()
        let ids = try f.queue.enqueue([
            f.job("low", priority: .low),
            f.job("normal-late", runAt: now - 10),
            f.job("normal-early", runAt: now - 20),
            f.job("emergency", priority: .emergency),
            f.job("normal-early-2", runAt: now - 20),
        ]).map(\.id)
        let claimed = try f.queue.claim(queue: "sms", limit: 10, leaseFor: 30)
        #expect(claimed.map { String(decoding: $0.payload, as: UTF8.self) }
                == ["emergency", "normal-early", "normal-early-2", "normal-late", "low"])
        #expect(Set(claimed.map(\.id)) == Set(ids))
    }

    @Test func limitAndQueuesAreRespected() throws {
        let f = try QueueFixture()
        try f.queue.enqueue((0..<5).map { f.job("\($0)") } + [f.job("voice", queue: "voice")])
        #expect(try f.queue.claim(queue: "sms", limit: 3, leaseFor: 30).count == 3)
        #expect(try f.queue.claim(queue: "voice", limit: 10, leaseFor: 30).count == 1)
        #expect(try f.queue.claim(queue: "nobody", limit: 10, leaseFor: 30).isEmpty)
    }

    @Test func scheduledJobBecomesClaimableOnTime() throws {
        let f = try QueueFixture()
        let due = f.clock.now() + 3600
        let id = try f.queue.enqueue([f.job(runAt: due)])[0].id
        #expect(try f.stats().scheduled == 1)
        #expect(try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30).isEmpty)
        #expect(try f.queue.nextDue(queue: "sms") == due)
        f.clock.advance(by: 3599)
        #expect(try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30).isEmpty)
        f.clock.advance(by: 1)
        #expect(try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30).map(\.id) == [id])
    }

    @Test func retryWaitsOutItsBackoffThenDiesAfterMaxAttempts() throws {
        let f = try QueueFixture(backoff: Backoff(base: 10, cap: 600, maxAttempts: 3))
        let id = try f.queue.enqueue([f.job(maxAttempts: 3)])[0].id
        for attempt in 1...3 {
            let job = try #require(try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30).first)
            #expect(job.attempt == attempt)
            let report = try f.queue.complete([Completion(job.lease, .retry(error: "HTTP 503 try \(attempt)"))])
            let row = try f.row(id)
            if attempt < 3 {
                #expect(report.retried == 1)
                #expect(row.state == .pending)
                let delay = Double(row.runAt - f.clock.now().unixMilliseconds) / 1000
                #expect(delay >= 0 && delay <= 10 * pow(2, Double(attempt - 1)), "full jitter within the ceiling")
                #expect(try f.stats().retrying + f.stats().available == 1)
                f.clock.advance(by: 10 * pow(2, Double(attempt - 1)) + 0.001)
            } else {
                #expect(report.dead == 1)
                #expect(row.state == .dead)
                #expect(row.lastError == "HTTP 503 try 3")
            }
        }
        let history = try f.queue.readers.read { db in
            try db.prepare("SELECT attempt, outcome, error FROM job_attempts WHERE job_id = ? ORDER BY attempt")
                .rows([id]) { "\($0.int(0)) \($0.string(1)) \($0.string(2))" }
        }
        #expect(history == ["1 retry HTTP 503 try 1", "2 retry HTTP 503 try 2", "3 dead HTTP 503 try 3"])
        #expect(try f.stats().dead == 1)
        #expect(try f.stats().failedLast.oneMinute == 1)
    }

    @Test func retryAfterFromTheGatewayWins() throws {
        let f = try QueueFixture()
        let id = try f.queue.enqueue([f.job()])[0].id
        let job = try #require(try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30).first)
        try f.queue.complete([Completion(job.lease, .retry(error: "429", retryAfter: 120))])
        #expect(try f.row(id).runAt == f.clock.now().unixMilliseconds + 120_000)
    }

    @Test func deadAtOnceAndSnoozeKeepsTheAttempt() throws {
        let f = try QueueFixture()
        let ids = try f.queue.enqueue([f.job("bad-number"), f.job("quiet-hours")]).map(\.id)
        let claimed = try f.queue.claim(queue: "sms", limit: 2, leaseFor: 30)
        let morning = f.clock.now() + 8 * 3600
        let report = try f.queue.complete([
            Completion(claimed[0].lease, .dead(error: "invalid number")),
            Completion(claimed[1].lease, .snooze(until: morning)),
        ])
        #expect(report.dead == 1 && report.snoozed == 1)
        #expect(try f.row(ids[0]).state == .dead)
        let snoozed = try f.row(ids[1])
        #expect(snoozed.state == .pending && snoozed.attempts == 0 && snoozed.runAt == morning.unixMilliseconds)
    }

    @Test func staleTokenIsIgnoredAndCounted() throws {
        let f = try QueueFixture()
        let id = try f.queue.enqueue([f.job(maxAttempts: 5)])[0].id
        let first = try #require(try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30).first)
        f.clock.advance(by: 31)
        #expect(try f.queue.rescueExpiredLeases().requeued == 1)
        let second = try #require(try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30).first)
        #expect(second.lease.token != first.lease.token)
        // The first worker wakes up and reports: ignored, counted, nothing changes.
        for outcome: JobOutcome in [.succeeded, .dead(error: "late"), .retry(error: "late"), .snooze(until: f.clock.now())] {
            let report = try f.queue.complete([Completion(first.lease, outcome)])
            #expect(report.stale == 1 && report.applied == 0)
            #expect(try f.row(id).state == .running)
        }
        #expect(try f.queue.heartbeat([first.lease], leaseFor: 30).isEmpty)
        #expect(try f.queue.complete([Completion(second.lease, .succeeded)]).succeeded == 1)
        // Completing twice: the second is stale.
        #expect(try f.queue.complete([Completion(second.lease, .succeeded)]).stale == 1)
    }

    @Test func heartbeatKeepsALeaseAlive() throws {
        let f = try QueueFixture()
        try f.queue.enqueue([f.job()])
        let job = try #require(try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30).first)
        for _ in 0..<5 {
            f.clock.advance(by: 20)
            #expect(try f.queue.heartbeat([job.lease], leaseFor: 30) == [job.lease])
            #expect(try f.queue.rescueExpiredLeases().requeued == 0)
        }
        #expect(try f.queue.complete([Completion(job.lease, .succeeded)]).succeeded == 1)
    }

    @Test func rescueOfALastAttemptIsDead() throws {
        let f = try QueueFixture()
        let id = try f.queue.enqueue([f.job(maxAttempts: 1)])[0].id
        _ = try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30)
        f.clock.advance(by: 30)
        #expect(try f.queue.rescueExpiredLeases() == JobQueue.RescueReport(requeued: 0, dead: 1))
        let row = try f.row(id)
        #expect(row.state == .dead)
        #expect(row.lastError?.contains("lease expired") == true)
    }

    @Test func uniqueKeyReturnsTheExistingUnfinishedJob() throws {
        let f = try QueueFixture()
        let first = try f.queue.enqueue([f.job(uniqueKey: "delivery-7/sms/1")])[0]
        #expect(first.inserted)
        let again = try f.queue.enqueue([f.job(uniqueKey: "delivery-7/sms/1"), f.job(uniqueKey: "delivery-7/sms/1")])
        #expect(again == [EnqueueResult(id: first.id, inserted: false), EnqueueResult(id: first.id, inserted: false)])
        // Still unfinished while running.
        let job = try #require(try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30).first)
        #expect(try f.queue.enqueue([f.job(uniqueKey: "delivery-7/sms/1")])[0] == EnqueueResult(id: first.id, inserted: false))
        // Once finished, the key is free for a new job.
        try f.queue.complete([Completion(job.lease, .succeeded)])
        let later = try f.queue.enqueue([f.job(uniqueKey: "delivery-7/sms/1")])[0]
        #expect(later.inserted && later.id != first.id)
        // Within one batch, a repeated key is inserted once.
        let batch = try f.queue.enqueue([f.job(uniqueKey: "k"), f.job(), f.job(uniqueKey: "k")])
        #expect(batch[0].inserted && batch[1].inserted && !batch[2].inserted && batch[2].id == batch[0].id)
    }

    @Test func pausedQueueYieldsNothingAndPauseSurvivesReopening() throws {
        let f = try QueueFixture()
        try f.queue.enqueue([f.job(), f.job(queue: "voice")])
        try f.queue.pause(queue: "sms", reason: "no balance at gateway")
        #expect(try f.queue.claim(queue: "sms", limit: 10, leaseFor: 30).isEmpty)
        #expect(try f.queue.claim(queue: "voice", limit: 10, leaseFor: 30).count == 1)
        let reopened = try JobQueue(path: f.directory.file("queue.db"), clock: f.clock)
        let stats = try reopened.stats().first { $0.queue == "sms" }
        #expect(stats?.paused == true && stats?.pausedReason == "no balance at gateway")
        #expect(try reopened.claim(queue: "sms", limit: 10, leaseFor: 30).isEmpty)
        try reopened.resume(queue: "sms")
        #expect(try f.queue.claim(queue: "sms", limit: 10, leaseFor: 30).count == 1)
    }

    @Test func cancelByBroadcast() throws {
        let f = try QueueFixture()
        try f.queue.enqueue([f.job("a", group: 7), f.job("b", group: 7), f.job("c", group: 8), f.job("d")])
        let running = try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30)  // "a", of broadcast 7
        #expect(try f.queue.cancel(group: 7) == 2)
        let left = try f.queue.claim(queue: "sms", limit: 10, leaseFor: 30)
        #expect(left.map { String(decoding: $0.payload, as: UTF8.self) } == ["c", "d"])
        // The running job's late outcome is stale: cancelled stays cancelled.
        #expect(try f.queue.complete([Completion(running[0].lease, .succeeded)]).stale == 1)
        #expect(try f.row(running[0].id).state == .cancelled)
        #expect(try f.stats().cancelled == 2)
    }

    @Test func pruneRemovesOnlyOldSucceededRows() throws {
        let f = try QueueFixture()
        try f.queue.enqueue([f.job("old"), f.job("dead", maxAttempts: 1)])
        let claimed = try f.queue.claim(queue: "sms", limit: 2, leaseFor: 30)
        try f.queue.complete([Completion(claimed[0].lease, .succeeded), Completion(claimed[1].lease, .dead(error: "x"))])
        f.clock.advance(by: 3600)
        try f.queue.enqueue([f.job("new")])
        let fresh = try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30)
        try f.queue.complete([Completion(fresh[0].lease, .succeeded)])
        #expect(try f.queue.pruneSucceeded(finishedBefore: f.clock.now() - 60, chunk: 1) == 1)
        let stats = try f.stats()
        #expect(stats.succeeded == 1 && stats.dead == 1)
    }

    @Test func statsCountEveryState() throws {
        let f = try QueueFixture()
        let now = f.clock.now()
        try f.queue.enqueue([f.job("due-1", runAt: now - 90), f.job("due-2"), f.job("later", runAt: now + 60),
                             f.job("running"), f.job("retry")])
        // Claim the two oldest-by-priority-and-time: "due-1" and "due-2"; put one back as a retry.
        let claimed = try f.queue.claim(queue: "sms", limit: 2, leaseFor: 30)
        try f.queue.complete([Completion(claimed[1].lease, .retry(error: "timeout", retryAfter: 300))])
        let stats = try f.stats()
        #expect(stats.available == 2)
        #expect(stats.scheduled == 1)
        #expect(stats.running == 1)
        #expect(stats.retrying == 1)
        #expect(stats.oldestAvailableAge == 0, "both remaining available jobs were enqueued just now")
        f.clock.advance(by: 45)
        #expect(try f.stats().oldestAvailableAge == 45)
    }

    @Test func invalidJobsAreRejectedAndNothingIsWritten() throws {
        let f = try QueueFixture()
        #expect(throws: QueueError.self) { try f.queue.enqueue([f.job("ok"), f.job(maxAttempts: 0)]) }
        #expect(throws: QueueError.self) { try f.queue.enqueue([f.job(queue: "")]) }
        #expect(try f.queue.stats().allSatisfy { $0.available == 0 })
    }

    @Test func aRolledBackBatchLeavesNoQueueBehind() throws {
        let f = try QueueFixture()
        // The first job would create queue "sms"; the second is invalid, so nothing is written.
        #expect(throws: QueueError.self) {
            try f.queue.enqueue([f.job(uniqueKey: "k"), f.job(maxAttempts: 0)])
        }
        try f.queue.enqueue([f.job("voice", queue: "voice")])
        try f.queue.enqueue([f.job("sms")])
        #expect(try f.queue.claim(queue: "voice", limit: 10, leaseFor: 30).map { String(decoding: $0.payload, as: UTF8.self) }
                == ["voice"])
        try f.queue.pause(queue: "sms", reason: "test")
        #expect(try f.queue.claim(queue: "sms", limit: 10, leaseFor: 30).isEmpty)
        #expect(try f.stats("voice").paused == false)
        #expect(try f.stats("sms").available == 1)
    }

    @Test func outcomesForOneLeaseApplyInOrder() throws {
        let f = try QueueFixture()
        let id = try f.queue.enqueue([f.job()])[0].id
        let job = try #require(try f.queue.claim(queue: "sms", limit: 1, leaseFor: 30).first)
        let report = try f.queue.complete([Completion(job.lease, .succeeded), Completion(job.lease, .retry(error: "late"))])
        #expect(report.succeeded == 1 && report.stale == 1)
        #expect(try f.row(id).state == .succeeded)
    }

    @Test func groupCommitterBatchesManyWorkers() throws {
        let f = try QueueFixture()
        try f.queue.enqueue((0..<400).map { f.job("\($0)") })
        let claimed = try f.queue.claim(queue: "sms", limit: 400, leaseFor: 30)
        let committer = GroupCommitter(queue: f.queue, maxDelay: 0.05, maxBatch: 1000)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            let mine = claimed.enumerated().filter { $0.offset % 8 == worker }.map { Completion($0.element.lease, .succeeded) }
            committer.submit(mine)
        }
        try committer.flush()
        #expect(committer.applied.succeeded == 400)
        #expect(try f.stats().succeeded == 400)
        // Stale outcomes through the committer are counted too.
        #expect(try committer.submitAndWait([Completion(claimed[0].lease, .succeeded)]).stale == 1)
    }

    @Test func claimingThroughTheCommitterCommitsWaitingOutcomesInTheSameTransaction() throws {
        let f = try QueueFixture()
        try f.queue.enqueue((0..<6).map { f.job("\($0)") })
        // A long delay: only the claim below can commit these outcomes.
        let committer = GroupCommitter(queue: f.queue, maxDelay: 600, maxBatch: 1000)
        let first = try committer.claim(queue: "sms", limit: 3, leaseFor: 30)
        #expect(first.count == 3)
        let committed = DispatchSemaphore(value: 0)
        committer.submit(first.map { Completion($0.lease, .succeeded) }) { result in
            if case .success(let report) = result, report.succeeded == 3 { committed.signal() }
        }
        #expect(try f.stats().succeeded == 0, "not committed yet")
        let second = try committer.claim(queue: "sms", limit: 3, leaseFor: 30)
        #expect(committed.wait(timeout: .now() + 5) == .success)
        #expect(Set(second.map(\.id)).isDisjoint(with: first.map(\.id)))
        let stats = try f.stats()
        #expect(stats.succeeded == 3 && stats.running == 3)
        #expect(committer.applied.succeeded == 3)
    }

    @Test func enqueueWakesAWaitingClaimLoop() throws {
        let f = try QueueFixture()
        let queue = f.queue
        let woke = Failures()
        let waiting = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            waiting.signal()
            // A long timeout: only the enqueue's signal ends this wait early.
            if queue.waitForWork(queue: "sms", timeout: 600) { woke.record("woken") }
            done.signal()
        }
        waiting.wait()
        // Keep signalling until the waiter has started waiting and returns.
        while done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            try f.queue.enqueue([f.job()])
        }
        #expect(woke.all == ["woken"])
    }
}

@Suite struct BackoffTests {
    @Test func fullJitterStaysWithinTheCappedCeiling() {
        let backoff = Backoff(base: 5, cap: 300, maxAttempts: 10)
        var generator = SeededGenerator(seed: 7)
        for attempt in 1...12 {
            let ceiling = min(300, 5 * pow(2, Double(attempt - 1)))
            #expect(backoff.ceiling(afterAttempt: attempt) == ceiling)
            let delays = (0..<500).map { _ in backoff.delay(afterAttempt: attempt, using: &generator) }
            #expect(delays.allSatisfy { $0 >= 0 && $0 <= ceiling })
            // Full jitter spreads retries out: they use most of the window.
            #expect(delays.max()! > ceiling * 0.9 && delays.min()! < ceiling * 0.1)
        }
        #expect(backoff.delay(afterAttempt: 3, retryAfter: 42, using: &generator) == 42)
    }

    @Test func sameSeedSameDelays() {
        let backoff = Backoff()
        var a = SeededGenerator(seed: 1)
        var b = SeededGenerator(seed: 1)
        #expect((1...5).map { backoff.delay(afterAttempt: $0, using: &a) } == (1...5).map { backoff.delay(afterAttempt: $0, using: &b) })
    }
}
