import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

/// A seeded, randomized model test of `JobQueue`.
///
/// Thousands of random operations (enqueue, claim, heartbeat, complete
/// directly, through `GroupCommitter.submitAndWait` or committed by
/// `GroupCommitter.claim`, deliberately stale completions, worker crashes,
/// clock jumps, rescue, cancel by group, pause and resume) run against a real
/// queue on a `ManualClock`, while `Model` predicts what each one returns and
/// what every row must look like afterwards. After every step the whole `jobs`
/// table is read back and compared with the model, and the invariants are
/// checked: no job held by two live leases, attempts never above max attempts,
/// no job lost, at most one unfinished job per unique key. Every 25 steps
/// `stats`, `nextDue`, `job_attempts` and `queue_throughput` are checked too.
/// Each seed ends by draining the queue until every job is in a terminal state.
///
/// Everything is deterministic for a seed (the queue's lease tokens and jitter
/// are seeded too), so a failure names the seed and step that reproduce it.
@Suite struct JobQueueModelTests {
    static let seeds: [UInt64] = [0x5EED_0001, 0xC0FF_EE02, 20_260_417]
    static let steps = 3_000

    @Test(arguments: seeds)
    func randomOperationsMatchTheModel(seed: UInt64) throws {
        let directory = TemporaryDirectory()
        try withExtendedLifetime(directory) {
            let started = Date()
            let simulation = try Simulation(seed: seed, path: directory.file("model.db"))
            try simulation.checkInvariants()
            for _ in 0..<Self.steps {
                try simulation.randomStep()
            }
            try simulation.drain()
            print(simulation.summary(elapsed: Date().timeIntervalSince(started)))
        }
    }

    // MARK: The model

    /// One `jobs` row, as read back or as the model expects it.
    struct Row: Equatable, CustomStringConvertible {
        var id: Int64
        /// Nil when the database holds a value that is no `JobState`.
        var state: JobState?
        var attempts = 0
        var maxAttempts: Int
        var leaseToken: Int64?
        var leaseExpiresAt: Int64?
        var runAt: Int64
        var uniqueKey: String?
        /// Set when the job reaches a terminal state, nil before.
        var finishedAt: Int64?

        init(id: Int64, state: JobState, maxAttempts: Int, runAt: Int64, uniqueKey: String?) {
            self.id = id
            self.state = state
            self.maxAttempts = maxAttempts
            self.runAt = runAt
            self.uniqueKey = uniqueKey
        }

        static let select = """
            SELECT id, state, attempts, max_attempts, lease_token, lease_expires_at, run_at, unique_key, finished_at
              FROM jobs ORDER BY id
            """

        /// Reads a row of `select`.
        init(_ statement: Statement) {
            id = statement.int64(0)
            state = JobState(rawValue: statement.int(1))
            attempts = statement.int(2)
            maxAttempts = statement.int(3)
            leaseToken = statement.optionalInt64(4)
            leaseExpiresAt = statement.optionalInt64(5)
            runAt = statement.int64(6)
            uniqueKey = statement.optionalString(7)
            finishedAt = statement.optionalInt64(8)
        }

        var isUnfinished: Bool { state == .pending || state == .running }

        var description: String {
            "job \(id): \(state.map { "\($0)" } ?? "bad state") attempts \(attempts)/\(maxAttempts) "
                + "token \(leaseToken.map { "\($0)" } ?? "nil") expires \(leaseExpiresAt.map { "\($0)" } ?? "nil") "
                + "runAt \(runAt) key \(uniqueKey ?? "nil") finished \(finishedAt.map { "\($0)" } ?? "nil")"
        }
    }

    /// What the test expects of the queue, from the documented semantics
    /// (JobQueue's and Job.swift's docs): the rows the `jobs` table must hold
    /// and what each call must return.
    struct Model {
        /// What a job was enqueued with, for checking claims.
        struct Job {
            let queue: String
            let priority: JobPriority
            let group: Int64?
            let committee: Int64
            let payload: Data
        }

        /// Job `id` is at index `id - 1` of both: ids are consecutive from 1 and nothing is pruned.
        private(set) var jobs: [Job] = []
        private(set) var rows: [Row] = []
        /// Ids of pending and running jobs (so a step need not scan every job).
        private(set) var unfinished: Set<Int64> = []
        /// The unfinished job holding each unique key.
        private var keyHolders: [String: Int64] = [:]
        var paused: Set<String> = []
        /// Names that have a row in `queues` (created by an insert, pause or resume).
        var queues: Set<String> = []
        /// Rows of `job_attempts` by outcome: every failed attempt (retry, dead, lease expired).
        private(set) var history: [String: Int] = [:]
        /// Totals of `queue_throughput` by queue.
        private(set) var throughput: [String: CompletionReport] = [:]

        func job(_ id: Int64) -> Job { jobs[Int(id) - 1] }
        func row(_ id: Int64) -> Row { rows[Int(id) - 1] }

        /// An outcome applies only while its lease is the job's current one.
        func isLive(_ lease: Lease) -> Bool {
            guard lease.jobID >= 1, lease.jobID <= Int64(rows.count) else { return false }
            let row = row(lease.jobID)
            return row.state == .running && row.leaseToken == lease.token
        }

        /// Moves job `id` to `state`; a job that stops running loses its lease,
        /// one that finishes records when.
        private mutating func move(_ id: Int64, to state: JobState, at now: Int64) {
            let index = Int(id) - 1
            rows[index].state = state
            if state != .running {
                rows[index].leaseToken = nil
                rows[index].leaseExpiresAt = nil
            }
            if state.isTerminal {
                rows[index].finishedAt = now
                unfinished.remove(id)
                if let key = rows[index].uniqueKey { keyHolders[key] = nil }
            }
        }

        /// A unique key matching an unfinished job returns that job; anything else is a new row.
        mutating func enqueue(_ batch: [NewJob], now: Int64) -> [EnqueueResult] {
            batch.map { new in
                if let key = new.uniqueKey, let existing = keyHolders[key] {
                    return EnqueueResult(id: existing, inserted: false)
                }
                let id = Int64(rows.count + 1)
                jobs.append(Job(queue: new.queue, priority: new.priority, group: new.group,
                                committee: new.committee, payload: new.payload))
                rows.append(Row(id: id, state: .pending, maxAttempts: new.maxAttempts,
                                runAt: new.runAt?.unixMilliseconds ?? now, uniqueKey: new.uniqueKey))
                unfinished.insert(id)
                if let key = new.uniqueKey { keyHolders[key] = id }
                queues.insert(new.queue)
                return EnqueueResult(id: id, inserted: true)
            }
        }

        /// The committee each (queue, priority) claim served last.
        private var lastServed: [String: Int64] = [:]

        /// What a claim takes, in the order it returns them: due pending jobs of
        /// an unpaused queue, priority by priority; within a priority, passes
        /// over the committees with due jobs (starting after the one served
        /// last), each giving every committee still in play max(1, remaining /
        /// committees) jobs by run time and id, dealt out one per committee at
        /// a time; a committee short of its share drops out. Moves the
        /// round-robin on, as the claim that follows does.
        mutating func claimable(queue: String, limit: Int, now: Int64) -> [Int64] {
            guard limit > 0, !paused.contains(queue) else { return [] }
            var picked: [Int64] = []
            for priority in JobPriority.allCases where picked.count < limit {
                var due: [Int64: [Int64]] = [:]
                for id in unfinished where row(id).state == .pending && row(id).runAt <= now
                    && job(id).queue == queue && job(id).priority == priority {
                    due[job(id).committee, default: []].append(id)
                }
                for committee in due.keys { due[committee]!.sort { (row($0).runAt, $0) < (row($1).runAt, $1) } }
                let cursorKey = "\(queue)/\(priority)"
                let committees = due.keys.sorted()
                let last = lastServed[cursorKey]
                var inPlay = committees.filter { last == nil || $0 > last! } + committees.filter { last != nil && $0 <= last! }
                var remaining = limit - picked.count
                while remaining > 0, !inPlay.isEmpty {
                    let share = max(1, remaining / inPlay.count)
                    var pass: [[Int64]] = []
                    var stillDue: [Int64] = []
                    for committee in inPlay where remaining > 0 {
                        let wanted = min(share, remaining)
                        let taken = Array(due[committee]!.prefix(wanted))
                        due[committee]!.removeFirst(taken.count)
                        remaining -= taken.count
                        if !taken.isEmpty {
                            pass.append(taken)
                            lastServed[cursorKey] = committee
                        }
                        if taken.count == wanted { stillDue.append(committee) }
                    }
                    for round in 0..<(pass.map(\.count).max() ?? 0) {
                        picked += pass.compactMap { round < $0.count ? $0[round] : nil }
                    }
                    inPlay = stillDue
                }
            }
            return picked
        }

        /// Claimed jobs run under the claim's token, one attempt more.
        mutating func claim(_ ids: [Int64], token: Int64, now: Int64, expiresAt: Int64) {
            for id in ids {
                move(id, to: .running, at: now)
                rows[Int(id) - 1].attempts += 1
                rows[Int(id) - 1].leaseToken = token
                rows[Int(id) - 1].leaseExpiresAt = expiresAt
            }
        }

        /// Live leases are extended (even past their expiry, until rescued); lost ones are not.
        mutating func heartbeat(_ leases: [Lease], expiresAt: Int64) -> Set<Lease> {
            var held = Set<Lease>()
            for lease in leases where isLive(lease) {
                rows[Int(lease.jobID) - 1].leaseExpiresAt = expiresAt
                held.insert(lease)
            }
            return held
        }

        /// Where a retried job's new run time may land; the backoff's jitter
        /// is drawn inside the queue, so the test reads the time back.
        struct RetryWindow {
            let jobID: Int64
            let earliest: Int64
            let latest: Int64
        }

        mutating func complete(_ completions: [Completion], now: Int64,
                               backoff: Backoff) -> (CompletionReport, [RetryWindow]) {
            var report = CompletionReport()
            var windows: [RetryWindow] = []
            for completion in completions {
                let lease = completion.lease
                var counted = CompletionReport()
                defer {
                    report = report + counted
                    throughput[lease.queue] = (throughput[lease.queue] ?? CompletionReport()) + counted
                }
                guard isLive(lease) else {
                    counted.stale = 1
                    continue
                }
                let id = lease.jobID
                switch completion.outcome {
                case .succeeded:
                    move(id, to: .succeeded, at: now)
                    counted.succeeded = 1
                case .retry(_, let retryAfter):
                    let dies = row(id).attempts >= row(id).maxAttempts
                    move(id, to: dies ? .dead : .pending, at: now)
                    if dies { counted.dead = 1 } else { counted.retried = 1 }
                    history[dies ? "dead" : "retry", default: 0] += 1
                    let window = if let retryAfter {
                        RetryWindow(jobID: id, earliest: now + Int64(max(0, retryAfter) * 1000),
                                    latest: now + Int64(max(0, retryAfter) * 1000))
                    } else {
                        RetryWindow(jobID: id, earliest: now,
                                    latest: now + Int64(backoff.ceiling(afterAttempt: lease.attempt) * 1000))
                    }
                    rows[Int(id) - 1].runAt = window.earliest
                    windows.append(window)
                case .dead:
                    move(id, to: .dead, at: now)
                    counted.dead = 1
                    history["dead", default: 0] += 1
                case .snooze(let until):
                    move(id, to: .pending, at: now)
                    rows[Int(id) - 1].attempts -= 1
                    rows[Int(id) - 1].runAt = until.unixMilliseconds
                    counted.snoozed = 1
                }
            }
            return (report, windows)
        }

        /// Records the run time the backoff actually drew (checked against its window).
        mutating func setRunAt(_ runAt: Int64, of id: Int64) {
            rows[Int(id) - 1].runAt = runAt
        }

        /// Every unfinished job of the group is cancelled, running ones too.
        mutating func cancel(group: Int64, now: Int64) -> Int {
            let ids = unfinished.filter { job($0).group == group }
            for id in ids { move(id, to: .cancelled, at: now) }
            return ids.count
        }

        /// Running jobs whose lease expired run again now, or are dead on their last attempt.
        mutating func rescue(now: Int64) -> JobQueue.RescueReport {
            var report = JobQueue.RescueReport()
            for id in unfinished where row(id).state == .running && row(id).leaseExpiresAt! <= now {
                let dies = row(id).attempts >= row(id).maxAttempts
                move(id, to: dies ? .dead : .pending, at: now)
                rows[Int(id) - 1].runAt = now
                if dies { report.dead += 1 } else { report.requeued += 1 }
                // Counted as a retry or a death of the job's queue.
                throughput[job(id).queue, default: CompletionReport()].retried += dies ? 0 : 1
                throughput[job(id).queue, default: CompletionReport()].dead += dies ? 1 : 0
                history["lease expired", default: 0] += 1
            }
            return report
        }

        /// The numbers `stats` should show for each queue.
        func counts(now: Int64) -> [String: Counts] {
            var counts = Dictionary(uniqueKeysWithValues: queues.map { ($0, Counts(paused: paused.contains($0))) })
            var oldestDue: [String: Int64] = [:]
            for (job, row) in zip(jobs, rows) {
                switch row.state {
                case .pending? where row.runAt <= now:
                    counts[job.queue]!.available += 1
                    oldestDue[job.queue] = min(oldestDue[job.queue] ?? row.runAt, row.runAt)
                case .pending? where row.attempts > 0: counts[job.queue]!.retrying += 1
                case .pending?: counts[job.queue]!.scheduled += 1
                case .running?: counts[job.queue]!.running += 1
                case .succeeded?: counts[job.queue]!.succeeded += 1
                case .dead?: counts[job.queue]!.dead += 1
                case .cancelled?: counts[job.queue]!.cancelled += 1
                case nil: break
                }
            }
            for (queue, oldest) in oldestDue { counts[queue]!.oldestAvailableAge = Double(now - oldest) / 1000 }
            return counts
        }

        /// When `queue`'s next pending job is due (paused or not).
        func nextDue(queue: String) -> Int64? {
            unfinished.filter { row($0).state == .pending && job($0).queue == queue }.map { row($0).runAt }.min()
        }
    }

    /// The parts of `QueueStats` the model predicts (not the throughput windows).
    struct Counts: Equatable, CustomStringConvertible {
        var paused: Bool
        var available = 0, scheduled = 0, retrying = 0, running = 0, succeeded = 0, dead = 0, cancelled = 0
        var oldestAvailableAge: TimeInterval = 0

        init(paused: Bool) { self.paused = paused }

        init(_ stats: QueueStats) {
            paused = stats.paused
            available = stats.available
            scheduled = stats.scheduled
            retrying = stats.retrying
            running = stats.running
            succeeded = stats.succeeded
            dead = stats.dead
            cancelled = stats.cancelled
            oldestAvailableAge = stats.oldestAvailableAge
        }

        var description: String {
            "paused \(paused) available \(available) scheduled \(scheduled) retrying \(retrying) running \(running) "
                + "succeeded \(succeeded) dead \(dead) cancelled \(cancelled) oldest \(oldestAvailableAge)"
        }
    }

    struct Mismatch: Error, CustomStringConvertible {
        let description: String
    }

    /// What a committer's `done` callbacks delivered.
    ///
    /// `@unchecked Sendable`: `results` is guarded by `lock`.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<CompletionReport, any Error>] = []

        func append(_ result: Result<CompletionReport, any Error>) { lock.withLock { results.append(result) } }
        var all: [Result<CompletionReport, any Error>] { lock.withLock { results } }
    }

    // MARK: The simulation

    /// Drives one seed: picks operations, asks the model what they must do,
    /// runs them on the real queue and compares.
    final class Simulation {
        static let queues = ["sms", "voice", "email"]
        static let uniqueKeys = (1...6).map { "notice-\($0)" }
        static let groups: [Int64] = [1, 2, 3, 4, 5]
        static let workerCount = 3

        enum Action: String, CaseIterable {
            case enqueue, bigEnqueue, claim, heartbeat, complete, groupCommit, completeThenClaim, staleComplete, crash,
                 tick, rescue, cancelGroup, pauseOrResume

            var weight: Int {
                switch self {
                case .enqueue: 40
                case .bigEnqueue: 1
                case .claim: 200
                case .heartbeat: 70
                case .complete: 160
                case .groupCommit: 40
                case .completeThenClaim: 40
                case .staleComplete: 50
                case .crash: 15
                case .tick: 130
                case .rescue: 60
                case .cancelGroup: 4
                case .pauseOrResume: 25
                }
            }
        }

        let seed: UInt64
        let clock = ManualClock()
        /// Short backoff, so retried jobs come due within a few clock jumps.
        let backoff = Backoff(base: 2, cap: 90)
        let queue: JobQueue
        let committer: GroupCommitter
        let reader: Database
        var random: SeededGenerator
        var model = Model()
        /// The leases each simulated worker holds, including lost ones it has not noticed.
        var workers: [[Lease]] = Array(repeating: [], count: workerCount)
        /// Every lease ever handed out, for deliberately stale completions and heartbeats.
        var issued: [Lease] = []
        var tokens: Set<Int64> = []
        var stepNumber = 0
        var recent: [String] = []
        var tally: [String: Int] = [:]
        var payloadCounter = 0

        init(seed: UInt64, path: String) throws {
            self.seed = seed
            random = SeededGenerator(seed: seed)
            queue = try JobQueue(path: path, clock: clock, backoff: backoff, seed: seed)
            committer = GroupCommitter(queue: queue, maxDelay: 0.0005)
            reader = try Database(path: path, options: .reader)
        }

        // MARK: Randomness and bookkeeping

        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
        func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }
        func pick<T>(_ items: [T]) -> T { items.randomElement(using: &random)! }
        var now: Int64 { clock.now().unixMilliseconds }

        func note(_ event: String) {
            recent.append("step \(stepNumber): \(event)")
            if recent.count > 12 { recent.removeFirst() }
        }

        func count(_ event: String, _ amount: Int = 1) { tally[event, default: 0] += amount }

        func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            guard !condition else { return }
            throw Mismatch(description: "seed \(seed), step \(stepNumber): \(message())\nrecent steps:\n"
                + recent.joined(separator: "\n"))
        }

        func randomStep() throws {
            stepNumber += 1
            var roll = int(0...(Action.allCases.map(\.weight).reduce(0, +) - 1))
            let action = Action.allCases.first { action in
                roll -= action.weight
                return roll < 0
            }!
            count(action.rawValue)
            switch action {
            case .enqueue: try enqueue(count: int(1...20))
            case .bigEnqueue: try enqueue(count: int(65...100))
            case .claim:
                _ = try claim(queue: pick(Self.queues + ["never-used"]), limit: chance(0.05) ? 0 : int(1...12),
                              leaseSeconds: int(5...60), worker: int(0...Self.workerCount - 1))
            case .heartbeat: try heartbeat()
            case .complete: try completeHeld(viaCommitter: false)
            case .groupCommit: try completeHeld(viaCommitter: true)
            case .completeThenClaim: try completeThenClaim()
            case .staleComplete: try completeStale()
            case .crash:
                let worker = int(0...Self.workerCount - 1)
                note("worker \(worker) crashes, dropping \(workers[worker].count) leases")
                count("leases dropped by crashes", workers[worker].count)
                workers[worker].removeAll()
            case .tick:
                let now = self.now
                let expiries = model.unfinished.compactMap { model.row($0).leaseExpiresAt }.filter { $0 >= now }
                if chance(0.2), let expiry = expiries.min() {
                    // To the very millisecond a lease expires: rescue takes it (expiry <= now).
                    note("clock to the next lease expiry, +\(expiry - now) ms")
                    clock.set(Date(unixMilliseconds: expiry))
                    count("clock set to a lease's expiry")
                } else {
                    let milliseconds = int(0...120_000)
                    note("clock +\(milliseconds) ms")
                    clock.advance(by: TimeInterval(milliseconds) / 1000)
                }
            case .rescue: try rescue()
            case .cancelGroup: try cancel(group: pick(Self.groups))
            case .pauseOrResume:
                // Mostly resume what is paused, so queues are paused now and then, not half the time.
                let resume = !model.paused.isEmpty && chance(0.7)
                try pauseOrResume(resume ? pick(model.paused.sorted()) : pick(Self.queues))
            }
            try checkInvariants()
            if stepNumber % 25 == 0 { try checkStatsAndNextDue() }
        }

        // MARK: Operations

        func newJob(now: Int64) -> NewJob {
            payloadCounter += 1
            let runAt: Date? = switch int(0...9) {
            case 0...5: nil
            case 6...8: Date(unixMilliseconds: now + Int64(int(1...300_000)))
            default: Date(unixMilliseconds: now - Int64(int(1...60_000)))
            }
            return NewJob(queue: pick(Self.queues), payload: Data("delivery-\(payloadCounter)".utf8),
                          priority: pick(JobPriority.allCases), runAt: runAt, maxAttempts: int(1...4),
                          uniqueKey: chance(0.3) ? pick(Self.uniqueKeys) : nil, committee: Int64(int(0...3)),
                          group: chance(0.7) ? pick(Self.groups) : nil)
        }

        func enqueue(count jobs: Int) throws {
            let now = self.now
            let batch = (0..<jobs).map { _ in newJob(now: now) }
            let expected = model.enqueue(batch, now: now)
            note("enqueue \(jobs): \(expected.map { "\($0.id)\($0.inserted ? "" : "(dup)")" })")
            let results = try queue.enqueue(batch)
            try expect(results == expected, "enqueue returned \(results), expected \(expected)")
            count("jobs inserted", expected.filter(\.inserted).count)
            count("unique-key duplicates", expected.filter { !$0.inserted }.count)
        }

        @discardableResult
        func claim(queue name: String, limit: Int, leaseSeconds: Int, worker: Int,
                   through committer: GroupCommitter? = nil) throws -> [ClaimedJob] {
            let now = self.now
            let expectedIDs = model.claimable(queue: name, limit: limit, now: now)
            note("worker \(worker) claims \(name) limit \(limit) lease \(leaseSeconds)s, expecting \(expectedIDs)"
                + (model.paused.contains(name) ? " (paused)" : "") + (committer == nil ? "" : " through the committer"))
            let claimed = if let committer {
                try committer.claim(queue: name, limit: limit, leaseFor: TimeInterval(leaseSeconds))
            } else {
                try queue.claim(queue: name, limit: limit, leaseFor: TimeInterval(leaseSeconds))
            }
            try expect(claimed.map(\.id) == expectedIDs,
                       "claim returned \(claimed.map(\.id)), expected \(expectedIDs)")
            guard let token = claimed.first?.lease.token else {
                if model.paused.contains(name) { count("claims on a paused queue") }
                return []
            }
            try expect(claimed.allSatisfy { $0.lease.token == token }, "one claim, several tokens")
            try expect(token > 0 && tokens.insert(token).inserted, "claim token \(token) is not fresh")
            model.claim(expectedIDs, token: token, now: now, expiresAt: now + Int64(leaseSeconds) * 1000)
            for claimed in claimed {
                let (job, row) = (model.job(claimed.id), model.row(claimed.id))
                try expect(claimed.attempt == row.attempts && claimed.maxAttempts == row.maxAttempts
                           && claimed.queue == name && claimed.lease.queue == name && claimed.priority == job.priority
                           && claimed.runAt.unixMilliseconds == row.runAt && claimed.group == job.group
                           && claimed.committee == job.committee && claimed.payload == job.payload,
                           "claimed job \(claimed.id) attempt \(claimed.attempt) differs from \(row), \(job)")
            }
            workers[worker].append(contentsOf: claimed.map(\.lease))
            issued.append(contentsOf: claimed.map(\.lease))
            count("jobs claimed", claimed.count)
            return claimed
        }

        func heartbeat() throws {
            let worker = int(0...Self.workerCount - 1)
            var leases = workers[worker].filter { _ in chance(0.7) }
            if chance(0.4), !issued.isEmpty { leases.append(pick(issued)) }
            guard !leases.isEmpty else { return note("worker \(worker) has nothing to heartbeat") }
            let seconds = int(5...60)
            let expected = model.heartbeat(leases, expiresAt: now + Int64(seconds) * 1000)
            note("worker \(worker) heartbeats \(leases.map(\.jobID)) for \(seconds)s, "
                + "expecting \(expected.map(\.jobID).sorted())")
            let held = try queue.heartbeat(leases, leaseFor: TimeInterval(seconds))
            try expect(held == expected,
                       "heartbeat kept \(held.map(\.jobID).sorted()), expected \(expected.map(\.jobID).sorted())")
            count("heartbeats of lost leases", Set(leases).subtracting(held).count)
            // A worker that learns it lost a lease usually stops holding it.
            workers[worker].removeAll { !held.contains($0) && leases.contains($0) && chance(0.5) }
        }

        /// A random outcome; `backoff: false` leaves out retries whose run time the queue draws.
        func outcome(backoff: Bool = true) -> JobOutcome {
            switch int(0...99) {
            case 0..<40: .succeeded
            case 40..<60 where backoff: .retry(error: "gateway 503")
            case 40..<60: .succeeded
            case 60..<72: .retry(error: "rate limited", retryAfter: pick([-3, 0, 1.5, 30, 240]))
            case 72..<82: .dead(error: "number does not exist")
            default: .snooze(until: Date(unixMilliseconds: now + Int64(int(-10_000...600_000))))
            }
        }

        /// A worker hands back some of the leases it holds (maybe lost ones),
        /// now and then with a few old leases from earlier claims thrown in.
        func completeHeld(viaCommitter: Bool) throws {
            let worker = int(0...Self.workerCount - 1)
            let leases = takeLeases(from: worker)
            guard !leases.isEmpty else { return note("worker \(worker) has nothing to complete") }
            try apply(leases.map { Completion($0, outcome()) }, viaCommitter: viaCommitter, by: "worker \(worker)")
        }

        /// Takes up to 10 of a worker's leases, and sometimes old leases from earlier claims.
        func takeLeases(from worker: Int) -> [Lease] {
            guard !workers[worker].isEmpty else { return [] }
            workers[worker].shuffle(using: &random)
            let taken = int(1...min(10, workers[worker].count))
            var leases = Array(workers[worker].suffix(taken))
            workers[worker].removeLast(taken)
            for _ in 0..<int(0...2) {
                let old = pick(issued)
                if !leases.contains(old) { leases.append(old) }
            }
            return leases
        }

        /// A worker's cycle through `GroupCommitter.claim`: it submits its
        /// outcomes without waiting, then claims; the outcomes commit in the
        /// claim's own transaction (or just before it, when the committer's
        /// timer fires first), so the claim sees them applied either way.
        func completeThenClaim() throws {
            let worker = int(0...Self.workerCount - 1)
            // No backoff retries: their drawn run time (read back afterwards) could make a job due for this claim.
            let completions = takeLeases(from: worker).map { Completion($0, outcome(backoff: false)) }
            let (expected, windows) = model.complete(completions, now: now, backoff: backoff)
            note("worker \(worker) submits \(completions.map { "\($0.lease.jobID):\($0.outcome)" }), "
                + "expecting \(expected)")
            let results = Results()
            committer.submit(completions) { results.append($0) }
            try claim(queue: pick(Self.queues), limit: int(1...12), leaseSeconds: int(5...60), worker: worker,
                      through: committer)
            let reported = results.all
            try expect(reported.count == 1, "\(reported.count) reports for one submit")
            try verify(try reported[0].get(), expected: expected, windows: windows)
            count("completions committed by a claim", completions.count)
            count("completions stale", expected.stale)
        }

        /// Completes leases the model says are stale: their job was since
        /// completed, cancelled, rescued or re-claimed. They must change nothing.
        func completeStale() throws {
            var leases: [Lease] = []
            for _ in 0..<20 where leases.count < 4 && !issued.isEmpty {
                // Half from recent claims, whose jobs are more often pending or re-claimed again.
                let old = chance(0.5) ? pick(issued) : pick(Array(issued.suffix(60)))
                guard !model.isLive(old), !leases.contains(old) else { continue }
                leases.append(old)
                let why = switch model.row(old.jobID).state {
                case .running?: "stale: job re-claimed since"
                case .pending?: "stale: job rescued, retried or snoozed since"
                case .succeeded?: "stale: job already succeeded"
                case .dead?: "stale: job already dead"
                case .cancelled?: "stale: job cancelled"
                case nil: "stale: job in no known state"
                }
                count(why)
            }
            guard !leases.isEmpty else { return note("no stale lease to complete") }
            let report = try apply(leases.map { Completion($0, outcome()) }, viaCommitter: chance(0.3), by: "stale")
            try expect(report.stale == leases.count && report.applied == 0, "stale completions applied: \(report)")
        }

        @discardableResult
        func apply(_ completions: [Completion], viaCommitter: Bool, by who: String) throws -> CompletionReport {
            let now = self.now
            let (expected, windows) = model.complete(completions, now: now, backoff: backoff)
            note("\(who) completes \(completions.map { "\($0.lease.jobID):\($0.outcome)" }) "
                + "\(viaCommitter ? "via group commit" : "directly"), expecting \(expected)")
            let report = viaCommitter ? try committer.submitAndWait(completions) : try queue.complete(completions)
            try verify(report, expected: expected, windows: windows)
            count(viaCommitter ? "completions via group commit" : "completions direct", completions.count)
            count("completions stale", expected.stale)
            return report
        }

        /// Checks a completion report, and learns the run times retries drew (within their windows).
        func verify(_ report: CompletionReport, expected: CompletionReport, windows: [Model.RetryWindow]) throws {
            try expect(report == expected, "completion report \(report), expected \(expected)")
            for window in windows {
                let runAt = try reader.cached("SELECT run_at FROM jobs WHERE id = ?1").firstRow([window.jobID]) {
                    $0.int64(0)
                }
                try expect(runAt.map { window.earliest <= $0 && $0 <= window.latest } == true,
                           "retried job \(window.jobID) runs at \(runAt.map(String.init) ?? "nil"), "
                           + "outside \(window.earliest)...\(window.latest)")
                model.setRunAt(runAt!, of: window.jobID)
            }
        }

        func rescue() throws {
            let expected = model.rescue(now: now)
            note("rescue, expecting \(expected)")
            let report = try queue.rescueExpiredLeases()
            try expect(report == expected, "rescue \(report), expected \(expected)")
            count("jobs rescued", expected.requeued + expected.dead)
        }

        func cancel(group: Int64) throws {
            let expected = model.cancel(group: group, now: now)
            note("cancel group \(group), expecting \(expected)")
            let cancelled = try queue.cancel(group: group)
            try expect(cancelled == expected, "cancel(group: \(group)) cancelled \(cancelled), expected \(expected)")
            count("jobs cancelled", expected)
        }

        func pauseOrResume(_ name: String) throws {
            model.queues.insert(name)
            if model.paused.contains(name) {
                note("resume \(name)")
                try queue.resume(queue: name)
                model.paused.remove(name)
            } else {
                note("pause \(name)")
                try queue.pause(queue: name, reason: "model test")
                model.paused.insert(name)
            }
        }

        // MARK: Checks

        /// Reads every row and holds it against the model and the invariants.
        func checkInvariants() throws {
            let expected = model.rows
            var unfinishedKeys = Set<String>()
            /// Each row's lease token while it runs (nil otherwise), by id - 1.
            var runningTokens: [Int64?] = []
            runningTokens.reserveCapacity(expected.count)
            let statement = try reader.cached(Row.select)
            defer { statement.reset() }
            while try statement.step() {
                let row = Row(statement)
                let index = runningTokens.count
                // Nothing appears: ids are exactly the model's, 1, 2, 3, …
                try expect(index < expected.count, "unexpected \(row)")
                try expect(row == expected[index], "\(row)\n  expected \(expected[index])")
                try expect(row.attempts <= row.maxAttempts, "attempts above max: \(row)")
                if row.isUnfinished, let key = row.uniqueKey {
                    try expect(unfinishedKeys.insert(key).inserted, "two unfinished jobs with key \(key)")
                }
                runningTokens.append(row.state == .running ? row.leaseToken : nil)
            }
            // Nothing disappears.
            try expect(runningTokens.count == expected.count,
                       "\(runningTokens.count) rows, the model has \(expected.count) jobs")
            // No job is held by two live leases among those the workers hold.
            var liveLeases: [Int64: Int] = [:]
            for lease in workers.joined() where runningTokens[Int(lease.jobID) - 1] == lease.token {
                liveLeases[lease.jobID, default: 0] += 1
            }
            try expect(liveLeases.values.allSatisfy { $0 == 1 }, "a job held by two live leases: \(liveLeases)")
        }

        /// `stats`, `nextDue`, the attempt history and the throughput counters agree with the model too.
        func checkStatsAndNextDue() throws {
            let history = try reader.cached("SELECT outcome, count(*) FROM job_attempts GROUP BY outcome").rows {
                ($0.string(0), $0.int(1))
            }
            try expect(Dictionary(uniqueKeysWithValues: history) == model.history,
                       "job_attempts \(history), expected \(model.history)")
            let throughput = try reader.cached("""
                SELECT queue, sum(succeeded), sum(retried), sum(dead), sum(stale) FROM queue_throughput GROUP BY queue
                """).rows { row in
                var report = CompletionReport()
                (report.succeeded, report.retried, report.dead) = (row.int(1), row.int(2), row.int(3))
                report.stale = row.int(4)
                return (row.string(0), report)
            }
            // A queue gets a row once anything was applied or stale, snoozes included, which have no column.
            let expectedThroughput = model.throughput.filter { $0.value != CompletionReport() }.mapValues { report in
                var report = report
                report.snoozed = 0
                return report
            }
            try expect(Dictionary(uniqueKeysWithValues: throughput) == expectedThroughput,
                       "queue_throughput \(throughput), expected \(expectedThroughput)")
            let now = self.now
            let stats = try queue.stats()
            try expect(Set(stats.map(\.queue)) == model.queues,
                       "stats list \(stats.map(\.queue).sorted()), expected \(model.queues.sorted())")
            let counts = model.counts(now: now)
            for entry in stats {
                let expected = counts[entry.queue]
                try expect(Counts(entry) == expected,
                           "stats of \(entry.queue): \(Counts(entry))\n  expected \(expected.map { "\($0)" } ?? "nil")")
            }
            for name in Self.queues {
                let due = try queue.nextDue(queue: name)?.unixMilliseconds
                let expected = model.nextDue(queue: name)
                try expect(due == expected,
                           "nextDue(\(name)) \(due.map(String.init) ?? "nil"), "
                           + "expected \(expected.map(String.init) ?? "nil")")
            }
        }

        // MARK: Draining

        /// Resumes everything, finishes what workers hold, then jumps a day at a
        /// time, rescuing and completing all work, until every job is finished.
        func drain() throws {
            stepNumber += 1
            note("drain")
            for name in model.paused.sorted() { try pauseOrResume(name) }
            for worker in workers.indices where !workers[worker].isEmpty {
                try apply(workers[worker].map { Completion($0, .succeeded) }, viaCommitter: worker.isMultiple(of: 2),
                          by: "worker \(worker) (drain)")
                workers[worker].removeAll()
                try checkInvariants()
            }
            var rounds = 0
            while !model.unfinished.isEmpty {
                rounds += 1
                try expect(rounds <= 5, "still unfinished after \(rounds - 1) drain rounds")
                clock.advance(by: 86_400)
                try rescue()
                try checkInvariants()
                for name in Self.queues {
                    while true {
                        let claimed = try claim(queue: name, limit: 100, leaseSeconds: 60, worker: 0)
                        if claimed.isEmpty { break }
                        try apply(claimed.map { Completion($0.lease, .succeeded) },
                                  viaCommitter: rounds.isMultiple(of: 2), by: "drain")
                        workers[0].removeAll()
                        try checkInvariants()
                    }
                }
            }
            try checkStatsAndNextDue()
            let states = try reader.cached("SELECT state, count(*) FROM jobs GROUP BY state").rows {
                (JobState(rawValue: $0.int(0)), $0.int(1))
            }
            try expect(states.allSatisfy { $0.0?.isTerminal == true }, "after draining, states \(states)")
            let integrity = try reader.cached("PRAGMA integrity_check").rows { $0.string(0) }
            try expect(integrity == ["ok"], "integrity_check: \(integrity)")
        }

        func summary(elapsed: TimeInterval) -> String {
            let states = Dictionary(grouping: model.rows.compactMap(\.state)) { $0 }.mapValues(\.count)
            return "JobQueueModelTests seed \(seed): \(JobQueueModelTests.steps) steps, \(model.rows.count) jobs, "
                + String(format: "%.2f s; ", elapsed)
                + "final states \(JobState.allCases.map { "\($0): \(states[$0] ?? 0)" }.joined(separator: ", "))\n  "
                + tally.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
    }
}
