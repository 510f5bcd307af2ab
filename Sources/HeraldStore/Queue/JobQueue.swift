import Foundation
import HeraldCore

/// The durable job queue on SQLite (DESIGN.md, "Job semantics").
///
/// At-least-once: a claim leases jobs to a worker for a while; the worker
/// heartbeats while it works and hands back one `Completion` per job. A lease
/// that expires (the worker died) is rescued and the job runs again. Every
/// write goes through the one `DatabaseWriter`; `GroupCommitter` batches many
/// workers' completions into few transactions.
///
/// Sendable: it holds only Sendable parts (the writer serializes all writes,
/// the reader pool lends connections one thread at a time, the signal locks).
public final class JobQueue: Sendable {
    public let writer: DatabaseWriter
    public let readers: DatabaseReaderPool
    public let clock: any WallClock
    public let backoff: Backoff
    let signal = WorkSignal()
    private let random = LockedRandom()
    private let queueIDs = QueueDirectory()
    private let claimCursors = ClaimCursors()

    public init(writer: DatabaseWriter, readers: DatabaseReaderPool, clock: any WallClock = SystemClock(),
                backoff: Backoff = Backoff(), seed: UInt64? = nil) {
        self.writer = writer
        self.readers = readers
        self.clock = clock
        self.backoff = backoff
        if let seed { random.reseed(seed) }
    }

    /// Opens (creating and migrating when needed) the database at `path`.
    public convenience init(path: String, options: Database.Options = Database.Options(),
                            clock: any WallClock = SystemClock(), backoff: Backoff = Backoff(),
                            seed: UInt64? = nil) throws {
        let writer = try DatabaseWriter(path: path, options: options)
        _ = try writer.withConnection { try Schema.migrator.migrate($0) }
        self.init(writer: writer, readers: DatabaseReaderPool(path: path), clock: clock, backoff: backoff, seed: seed)
    }

    // MARK: Enqueue

    /// Adds jobs in one transaction. A job whose unique key matches an
    /// unfinished job is not added; its result names the existing job.
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) throws -> [EnqueueResult] {
        guard !jobs.isEmpty else { return [] }
        let now = clock.now().unixMilliseconds
        let results = try writer.write { db in try insert(jobs, now: now, db: db) }
        for queue in Set(jobs.map(\.queue)) { signal.notify(queue) }
        return results
    }

    /// Rows per multi-row INSERT: one statement step inserts this many jobs.
    static let insertChunk = 64

    func insert(_ jobs: [NewJob], now: Int64, db: Database) throws -> [EnqueueResult] {
        // Check the whole batch before writing any of it.
        for (index, job) in jobs.enumerated() {
            guard !job.queue.isEmpty else { throw QueueError.invalidJob("job \(index + 1) of the batch has no queue name") }
            guard job.maxAttempts >= 1 else {
                throw QueueError.invalidJob("job \(index + 1) of the batch (queue \(job.queue)): max attempts must be at least 1")
            }
        }
        var results: [EnqueueResult] = []
        results.reserveCapacity(jobs.count)
        var run: [NewJob] = []
        run.reserveCapacity(Self.insertChunk)
        func flushRun() throws {
            guard !run.isEmpty else { return }
            let first = try insertRows(run, now: now, db: db)
            for offset in 0..<run.count { results.append(EnqueueResult(id: first + Int64(offset), inserted: true)) }
            run.removeAll(keepingCapacity: true)
        }
        for job in jobs {
            if let key = job.uniqueKey {
                // Keyed jobs go one at a time, after the run before them, so a key
                // repeated within the batch finds its first job.
                try flushRun()
                let existing = try db.cached("SELECT id FROM jobs WHERE unique_key = ?1 AND state IN (0, 1)")
                if let id = try existing.firstRow([key], { $0.int64(0) }) {
                    results.append(EnqueueResult(id: id, inserted: false))
                } else {
                    let id = try insertRows([job], now: now, db: db)
                    results.append(EnqueueResult(id: id, inserted: true))
                }
                continue
            }
            run.append(job)
            if run.count == Self.insertChunk { try flushRun() }
        }
        try flushRun()
        return results
    }

    /// Inserts `jobs` with one statement and returns the first new id. The
    /// ids are consecutive: SQLite gives each new row the largest rowid + 1,
    /// and nobody else writes inside this transaction.
    private func insertRows(_ jobs: [NewJob], now: Int64, db: Database) throws -> Int64 {
        let columns = 9
        let statement = try db.cached(jobs.count == Self.insertChunk ? Self.chunkInsertSQL : Self.insertSQL(rows: jobs.count))
        defer { statement.reset() }
        var index: Int32 = 1
        var lastQueue: (name: String, id: Int64)?
        for job in jobs {
            let queueID: Int64
            if let lastQueue, lastQueue.name == job.queue {
                queueID = lastQueue.id
            } else {
                queueID = try self.queueID(job.queue, db: db)
                lastQueue = (job.queue, queueID)
            }
            try statement.bind(queueID, at: index)
            try statement.bind(Int64(job.priority.rawValue), at: index + 1)
            try statement.bind(job.runAt?.unixMilliseconds ?? now, at: index + 2)
            try statement.bind(Int64(job.maxAttempts), at: index + 3)
            try statement.bind(job.committee, at: index + 4)
            if let group = job.group { try statement.bind(group, at: index + 5) } else { try statement.bindNull(at: index + 5) }
            if let key = job.uniqueKey { try statement.bind(key, at: index + 6) } else { try statement.bindNull(at: index + 6) }
            try statement.bind(job.payload, at: index + 7)
            try statement.bind(now, at: index + 8)
            index += Int32(columns)
        }
        try statement.step()
        return db.lastInsertRowID - Int64(jobs.count) + 1
    }

    private static let chunkInsertSQL = insertSQL(rows: insertChunk)

    /// OR FAIL, not the default ABORT. A statement that may abort halfway
    /// (here: a NOT NULL column, the unique-key index) journals every page it
    /// changes so it can undo just itself, and past 64 KiB SQLite spills that
    /// statement journal to a temporary file, a write per page. Jobs of
    /// several committees go to several places of `jobs_claim`, and a claim
    /// updates rows spread over the table, so nearly every statement spilled:
    /// at 100,000 jobs, 345,000 writes to temporary files next to 27,000 to
    /// the WAL, and three times the wall-clock time (BENCHMARKS.md). FAIL
    /// keeps no statement journal; the rows a failed statement wrote before
    /// failing never commit, because every caller's transaction rolls back
    /// when it throws.
    private static func insertSQL(rows: Int) -> String {
        let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
        return "INSERT OR FAIL INTO jobs (queue_id, priority, run_at, max_attempts, committee, group_id, unique_key, "
            + "payload, created_at) VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// The id of queue `name`, created on first use (inside the caller's write
    /// transaction). Ids never change once committed, so committed ones are
    /// cached for the process; one created by this transaction is not cached
    /// yet, because a rollback would take it back.
    func queueID(_ name: String, db: Database) throws -> Int64 {
        if let id = queueIDs.id(for: name) { return id }
        try db.cached("INSERT INTO queues (name) VALUES (?1) ON CONFLICT (name) DO NOTHING").execute([name])
        let created = db.changes > 0
        guard let id = try db.cached("SELECT id FROM queues WHERE name = ?1").firstRow([name], { $0.int64(0) }) else {
            throw DatabaseError(extendedResultCode: 1, message: "queue \(name) vanished while being created")
        }
        if !created { queueIDs.remember(name, id) }
        return id
    }

    /// The id of an existing queue, or nil when nothing was ever enqueued to it.
    func existingQueueID(_ name: String, db: Database) throws -> Int64? {
        if let id = queueIDs.id(for: name) { return id }
        let id = try db.cached("SELECT id FROM queues WHERE name = ?1").firstRow([name]) { $0.int64(0) }
        if let id { queueIDs.remember(name, id) }
        return id
    }

    // MARK: Claim

    /// Leases up to `limit` due jobs of `queue`, most urgent priority first
    /// and, within a priority, round-robin across committees (DESIGN.md,
    /// "Limits": one committee's 100,000-recipient broadcast cannot hold back
    /// another committee's ten-recipient notice for more than a claim or so).
    /// Each job gets the claim's fresh lease token, a lease expiry and one
    /// more attempt; everything happens in one write transaction. A paused
    /// queue yields nothing; cancelled jobs are never due.
    ///
    /// The jobs come back in the order they were picked: emergency before
    /// normal before low; within a priority the committees' shares
    /// interleaved one job at a time, starting with the committee after the
    /// one the previous claim served last; within a committee by run time,
    /// then id. See `claimRoundRobin` for how shares are sized.
    public func claim(queue: String, limit: Int, leaseFor: TimeInterval, now: Date? = nil) throws -> [ClaimedJob] {
        guard limit > 0 else { return [] }
        let now = (now ?? clock.now()).unixMilliseconds
        return try writer.write { db in
            try claim(queue: queue, limit: limit, leaseFor: leaseFor, now: now, db: db)
        }
    }

    /// Claims inside the caller's write transaction.
    func claim(queue: String, limit: Int, leaseFor: TimeInterval, now: Int64, db: Database) throws -> [ClaimedJob] {
        guard limit > 0 else { return [] }
        let lease = ClaimLease(queue: queue, token: random.nextToken(), expiresAt: now + Int64(leaseFor * 1000))
        guard let queueID = try existingQueueID(queue, db: db) else { return [] }
        let paused = try db.cached("SELECT paused FROM queues WHERE id = ?1")
        if try paused.firstRow([queueID], { $0.bool(0) }) == true { return [] }
        var jobs: [ClaimedJob] = []
        jobs.reserveCapacity(limit)
        for priority in JobPriority.allCases where jobs.count < limit {
            try claimRoundRobin(queueID: queueID, priority: priority, limit: limit - jobs.count, lease: lease,
                                now: now, db: db, into: &jobs)
        }
        return jobs
    }

    /// What every job of one claim shares.
    private struct ClaimLease {
        let queue: String
        let token: Int64
        let expiresAt: Int64
    }

    /// Claims up to `limit` due jobs of one priority, round-robin across the
    /// committees that have due jobs, and appends them to `jobs`.
    ///
    /// The committees are visited in id order starting after the one served
    /// last (`ClaimCursors`), in passes: each pass gives every committee
    /// still in play a share of max(1, remaining / committees in play) jobs;
    /// a committee that returns less than its share has no more due jobs and
    /// drops out. Passes repeat until `limit` jobs are claimed or no
    /// committee is left. With n committees that all have plenty, one claim
    /// gives each limit / n jobs and the remainder to the next committees in
    /// turn, so over successive claims no committee gets more than one share
    /// ahead of another.
    ///
    /// Cost, all on `jobs_claim (queue_id, priority, committee, run_at)`:
    /// finding the committees is a loose index scan, two seeks per committee
    /// with pending jobs at this priority (one to the next committee, one to
    /// its earliest run time), so a committee whose jobs are all in the future
    /// costs two seeks and is never scanned; each share is one index range
    /// read in run-time order. Every share statement claims a job or drops a
    /// committee, so a claim runs at most limit + committees of them, plus
    /// one lookup per priority visited; with one committee that is the
    /// lookups plus one UPDATE, as before.
    private func claimRoundRobin(queueID: Int64, priority: JobPriority, limit: Int, lease: ClaimLease, now: Int64,
                                 db: Database, into jobs: inout [ClaimedJob]) throws {
        let due = try db.cached(Self.committeesSQL).rows([queueID, priority.rawValue]) {
            (committee: $0.int64(0), earliest: $0.int64(1))
        }.filter { $0.earliest <= now }.map(\.committee)
        guard !due.isEmpty else { return }
        var inPlay = due
        if let last = claimCursors.lastServed(queueID: queueID, priority: priority),
           let next = due.firstIndex(where: { $0 > last }) {
            inPlay = Array(due[next...] + due[..<next])
        }
        var remaining = limit
        var servedLast: Int64?
        while remaining > 0, !inPlay.isEmpty {
            let share = max(1, remaining / inPlay.count)
            var pass: [[ClaimedJob]] = []
            var stillDue: [Int64] = []
            for committee in inPlay {
                guard remaining > 0 else { break }
                let wanted = min(share, remaining)
                let taken = try claimShare(queueID: queueID, priority: priority, committee: committee, limit: wanted,
                                           lease: lease, now: now, db: db)
                remaining -= taken.count
                if !taken.isEmpty {
                    pass.append(taken)
                    servedLast = committee
                }
                if taken.count == wanted { stillDue.append(committee) }
            }
            // Deal the pass out one job per committee at a time.
            var round = 0
            while pass.contains(where: { round < $0.count }) {
                for share in pass where round < share.count { jobs.append(share[round]) }
                round += 1
            }
            inPlay = stillDue
        }
        if let servedLast { claimCursors.setLastServed(servedLast, queueID: queueID, priority: priority) }
    }

    /// Claims up to `limit` due jobs of one committee, in run-time then id order.
    private func claimShare(queueID: Int64, priority: JobPriority, committee: Int64, limit: Int, lease: ClaimLease,
                            now: Int64, db: Database) throws -> [ClaimedJob] {
        let claim = try db.cached(Self.claimShareSQL)
        defer { claim.reset() }
        try claim.bind(lease.token, at: 1)
        try claim.bind(lease.expiresAt, at: 2)
        try claim.bind(queueID, at: 3)
        try claim.bind(Int64(priority.rawValue), at: 4)
        try claim.bind(committee, at: 5)
        try claim.bind(now, at: 6)
        try claim.bind(Int64(limit), at: 7)
        var jobs: [ClaimedJob] = []
        jobs.reserveCapacity(limit)
        while try claim.step() {
            jobs.append(ClaimedJob(
                lease: Lease(jobID: claim.int64(0), token: lease.token, attempt: claim.int(2), queue: lease.queue),
                queue: lease.queue,
                priority: priority,
                runAt: Date(unixMilliseconds: claim.int64(1)),
                maxAttempts: claim.int(3),
                committee: committee,
                group: claim.optionalInt64(4),
                payload: claim.data(5),
                enqueuedAt: Date(unixMilliseconds: claim.int64(6)),
                claimedAt: Date(unixMilliseconds: now)))
        }
        // RETURNING gives rows in no promised order.
        jobs.sort { ($0.runAt, $0.id) < ($1.runAt, $1.id) }
        return jobs
    }

    /// The committees with pending jobs at one priority of a queue (?1, ?2),
    /// in id order, each with its earliest run time: a loose index scan of
    /// `jobs_claim`, every step a seek (ORDER BY … LIMIT 1 on the index's
    /// own order reads one entry).
    static let committeesSQL = """
        WITH RECURSIVE pending (committee) AS (
            SELECT (SELECT committee FROM jobs
                     WHERE queue_id = ?1 AND state = 0 AND priority = ?2
                     ORDER BY committee LIMIT 1)
            UNION ALL
            SELECT (SELECT committee FROM jobs
                     WHERE queue_id = ?1 AND state = 0 AND priority = ?2 AND committee > pending.committee
                     ORDER BY committee LIMIT 1)
              FROM pending WHERE pending.committee IS NOT NULL
        )
        SELECT committee,
               (SELECT run_at FROM jobs
                 WHERE queue_id = ?1 AND state = 0 AND priority = ?2 AND committee = pending.committee
                 ORDER BY run_at LIMIT 1)
          FROM pending WHERE committee IS NOT NULL
        """

    /// One committee's share: an index range of `jobs_claim` in (run_at, id)
    /// order. OR FAIL: see `insertSQL`.
    static let claimShareSQL = """
        UPDATE OR FAIL jobs
           SET state = 1, lease_token = ?1, lease_expires_at = ?2, attempts = attempts + 1
         WHERE id IN (SELECT id FROM jobs
                       WHERE queue_id = ?3 AND state = 0 AND priority = ?4 AND committee = ?5 AND run_at <= ?6
                       ORDER BY run_at, id
                       LIMIT ?7)
        RETURNING id, run_at, attempts, max_attempts, group_id, payload, created_at
        """

    // MARK: Heartbeat

    /// Extends the leases still held; returns how many were extended. A lease
    /// that was lost (rescued, cancelled) is not extended: its worker should stop.
    @discardableResult
    public func heartbeat(_ leases: [Lease], leaseFor: TimeInterval, now: Date? = nil) throws -> Set<Lease> {
        guard !leases.isEmpty else { return [] }
        let expiry = (now ?? clock.now()).unixMilliseconds + Int64(leaseFor * 1000)
        return try writer.write { db in
            let extend = try db.cached("""
                UPDATE jobs SET lease_expires_at = ?3 WHERE id = ?1 AND lease_token = ?2 AND state = 1
                """)
            var held = Set<Lease>()
            for lease in leases {
                try extend.execute([lease.jobID, lease.token, expiry])
                if db.changes > 0 { held.insert(lease) }
            }
            return held
        }
    }

    // MARK: Complete

    /// Applies completions in one transaction, now. Workers normally go
    /// through a `GroupCommitter`, which batches many of these.
    @discardableResult
    public func complete(_ completions: [Completion], now: Date? = nil) throws -> CompletionReport {
        guard !completions.isEmpty else { return CompletionReport() }
        let now = (now ?? clock.now()).unixMilliseconds
        let report = try writer.write { db in try apply(completions, now: now, db: db) }
        wakeClaimLoops(after: report, of: completions)
        return report
    }

    /// Retried and snoozed jobs come due again: wake the claim loops of their queues.
    func wakeClaimLoops(after report: CompletionReport, of completions: [Completion]) {
        guard report.retried + report.snoozed > 0 else { return }
        for queue in Set(completions.map(\.lease.queue)) { signal.notify(queue) }
    }

    /// Applies completions inside the caller's write transaction.
    func apply(_ completions: [Completion], now: Int64, db: Database) throws -> CompletionReport {
        let retry = try db.cached("""
            UPDATE jobs
               SET state = CASE WHEN attempts >= max_attempts THEN 3 ELSE 0 END,
                   finished_at = CASE WHEN attempts >= max_attempts THEN ?3 END,
                   run_at = ?4, last_error = ?5, lease_token = NULL, lease_expires_at = NULL
             WHERE id = ?1 AND lease_token = ?2 AND state = 1
            RETURNING state
            """)
        let kill = try db.cached("""
            UPDATE jobs SET state = 3, finished_at = ?3, last_error = ?4, lease_token = NULL, lease_expires_at = NULL
             WHERE id = ?1 AND lease_token = ?2 AND state = 1
            """)
        let snooze = try db.cached("""
            UPDATE jobs SET state = 0, run_at = ?3, attempts = attempts - 1, lease_token = NULL, lease_expires_at = NULL
             WHERE id = ?1 AND lease_token = ?2 AND state = 1
            """)
        let history = try db.cached("""
            INSERT OR REPLACE INTO job_attempts (job_id, attempt, finished_at, outcome, error) VALUES (?1, ?2, ?3, ?4, ?5)
            """)
        var total = CompletionReport()
        var perQueue: [String: CompletionReport] = [:]
        // Successes, the bulk of the work, go in chunks: one UPDATE per claim
        // token and up to `completeChunk` ids. They are written before any
        // other outcome that follows them, so outcomes apply in order.
        var successes: [Int64: [Lease]] = [:]
        func flushSuccesses() throws {
            for (token, leases) in successes {
                var start = 0
                while start < leases.count {
                    let chunk = leases[start..<min(leases.count, start + Self.completeChunk)]
                    start = chunk.endIndex
                    let succeeded = try markSucceeded(chunk, token: token, now: now, db: db)
                    var report = CompletionReport()
                    report.succeeded = succeeded
                    report.stale = chunk.count - succeeded
                    total += report
                    // One token is one claim, so one queue.
                    perQueue[chunk[chunk.startIndex].queue, default: CompletionReport()] += report
                }
            }
            successes.removeAll(keepingCapacity: true)
        }
        for completion in completions {
            let lease = completion.lease
            var report = CompletionReport()
            if case .succeeded = completion.outcome {
                successes[lease.token, default: []].append(lease)
                continue
            }
            try flushSuccesses()
            switch completion.outcome {
            case .succeeded:
                continue
            case .retry(let error, let retryAfter):
                let delay = random.withGenerator {
                    backoff.delay(afterAttempt: lease.attempt, retryAfter: retryAfter, using: &$0)
                }
                let state = try retry.firstRow([lease.jobID, lease.token, now, now + Int64(delay * 1000), error]) {
                    $0.int(0)
                }
                if let state {
                    let died = state == JobState.dead.rawValue
                    if died { report.dead = 1 } else { report.retried = 1 }
                    try history.execute([lease.jobID, lease.attempt, now, died ? "dead" : "retry", error])
                } else {
                    report.stale = 1
                }
            case .dead(let error):
                try kill.execute([lease.jobID, lease.token, now, error])
                if db.changes > 0 {
                    report.dead = 1
                    try history.execute([lease.jobID, lease.attempt, now, "dead", error])
                } else {
                    report.stale = 1
                }
            case .snooze(let until):
                try snooze.execute([lease.jobID, lease.token, until.unixMilliseconds])
                if db.changes > 0 { report.snoozed = 1 } else { report.stale = 1 }
            }
            total += report
            perQueue[lease.queue, default: CompletionReport()] += report
        }
        try flushSuccesses()
        try Self.count(perQueue, now: now, db: db)
        return total
    }

    /// Ids per UPDATE when marking jobs succeeded.
    static let completeChunk = 64

    private static let succeedSQL = """
        UPDATE jobs SET state = 2, finished_at = ?2, lease_token = NULL, lease_expires_at = NULL
         WHERE lease_token = ?1 AND state = 1 AND id IN (\(
            (0..<completeChunk).map { "?\($0 + 3)" }.joined(separator: ", ")))
        """

    /// Marks leases of one claim (one token) succeeded; returns how many
    /// still held their lease. Unused id slots are NULL, which match nothing.
    private func markSucceeded(_ leases: ArraySlice<Lease>, token: Int64, now: Int64, db: Database) throws -> Int {
        let statement = try db.cached(Self.succeedSQL)
        defer { statement.reset() }
        try statement.bind(token, at: 1)
        try statement.bind(now, at: 2)
        var index: Int32 = 3
        for lease in leases {
            try statement.bind(lease.jobID, at: index)
            index += 1
        }
        try statement.step()
        return db.changes
    }

    /// Adds finished work to the per-minute counters behind status and metrics.
    static func count(_ perQueue: [String: CompletionReport], now: Int64, db: Database) throws {
        let upsert = try db.cached("""
            INSERT INTO queue_throughput (queue, minute, succeeded, retried, dead, stale)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (queue, minute) DO UPDATE SET
                succeeded = succeeded + excluded.succeeded, retried = retried + excluded.retried,
                dead = dead + excluded.dead, stale = stale + excluded.stale
            """)
        let minute = now / 60_000
        for (queue, report) in perQueue where report.applied + report.stale > 0 {
            try upsert.execute([queue, minute, report.succeeded, report.retried, report.dead, report.stale])
        }
    }

    // MARK: Cancel, pause, rescue, prune

    /// Cancels every unfinished job of a broadcast; returns how many. A
    /// running job's outcome will then be stale and ignored.
    @discardableResult
    public func cancel(group: Int64, now: Date? = nil) throws -> Int {
        let now = (now ?? clock.now()).unixMilliseconds
        return try writer.write { db in
            try db.cached("""
                UPDATE jobs SET state = 4, finished_at = ?2, lease_token = NULL, lease_expires_at = NULL
                 WHERE group_id = ?1 AND state IN (0, 1)
                """).execute([group, now])
            return db.changes
        }
    }

    /// Stops claims from `queue` until `resume`; survives restarts.
    public func pause(queue: String, reason: String, now: Date? = nil) throws {
        let now = (now ?? clock.now()).unixMilliseconds
        try writer.write { db in
            try db.cached("UPDATE queues SET paused = 1, reason = ?2, changed_at = ?3 WHERE id = ?1")
                .execute([try queueID(queue, db: db), reason, now])
        }
    }

    public func resume(queue: String, now: Date? = nil) throws {
        let now = (now ?? clock.now()).unixMilliseconds
        try writer.write { db in
            try db.cached("UPDATE queues SET paused = 0, reason = NULL, changed_at = ?2 WHERE id = ?1")
                .execute([try queueID(queue, db: db), now])
        }
        signal.notify(queue)
    }

    /// What `rescueExpiredLeases` did.
    public struct RescueReport: Sendable, Equatable {
        /// Jobs whose worker vanished, made available again.
        public var requeued = 0
        /// Jobs whose worker vanished on their last attempt: now dead.
        public var dead = 0
    }

    /// Takes back jobs whose lease expired (their worker died or hung): they
    /// run again at once, or are dead if that was their last attempt.
    @discardableResult
    public func rescueExpiredLeases(now: Date? = nil) throws -> RescueReport {
        let now = (now ?? clock.now()).unixMilliseconds
        let report = try writer.write { db in
            let rescue = try db.cached("""
                UPDATE jobs
                   SET state = CASE WHEN attempts >= max_attempts THEN 3 ELSE 0 END,
                       finished_at = CASE WHEN attempts >= max_attempts THEN ?1 END,
                       run_at = ?1, last_error = 'lease expired: the worker stopped without reporting',
                       lease_token = NULL, lease_expires_at = NULL
                 WHERE state = 1 AND lease_expires_at <= ?1
                RETURNING id, attempts, state, (SELECT name FROM queues WHERE queues.id = jobs.queue_id)
                """)
            let rescued = try rescue.rows([now]) { ($0.int64(0), $0.int(1), $0.int(2), $0.string(3)) }
            let history = try db.cached("""
                INSERT OR REPLACE INTO job_attempts (job_id, attempt, finished_at, outcome, error)
                VALUES (?1, ?2, ?3, 'lease expired', 'the worker stopped without reporting')
                """)
            var report = RescueReport()
            var perQueue: [String: CompletionReport] = [:]
            for (id, attempts, state, queue) in rescued {
                try history.execute([id, attempts, now])
                if state == JobState.dead.rawValue {
                    report.dead += 1
                    perQueue[queue, default: CompletionReport()].dead += 1
                } else {
                    report.requeued += 1
                    perQueue[queue, default: CompletionReport()].retried += 1
                }
            }
            try Self.count(perQueue, now: now, db: db)
            return (report, Set(rescued.map(\.3)))
        }
        for queue in report.1 { signal.notify(queue) }
        return report.0
    }

    /// Deletes succeeded jobs that finished before `cutoff` (the delivery
    /// records keep the history), in chunks so the writer is never held long.
    /// Returns how many job rows went.
    ///
    /// Also prunes the contact log (`ContactLog`) of contacts more than
    /// `ContactLog.retention` (a day, the longest frequency-cap window) before
    /// `cutoff`, in chunks of the same size. `cutoff` is at or before now, so
    /// every contact a cap can still count stays.
    @discardableResult
    public func pruneSucceeded(finishedBefore cutoff: Date, chunk: Int = 10_000) throws -> Int {
        var total = 0
        while true {
            let removed = try writer.write { db in
                let ids = try db.cached("""
                    DELETE FROM jobs WHERE id IN (
                        SELECT id FROM jobs WHERE state = 2 AND finished_at < ?1 LIMIT ?2)
                    RETURNING id
                    """).rows([cutoff.unixMilliseconds, chunk]) { $0.int64(0) }
                let attempts = try db.cached("DELETE FROM job_attempts WHERE job_id = ?1")
                for id in ids { try attempts.execute([id]) }
                try db.cached("DELETE FROM queue_throughput WHERE minute < ?1")
                    .execute([cutoff.unixMilliseconds / 60_000 - 24 * 60])
                return ids.count
            }
            total += removed
            if removed < chunk { break }
        }
        let contactCutoff = (cutoff - ContactLog.retention).unixMilliseconds
        while try writer.write({ db in try ContactLog.prune(before: contactCutoff, limit: chunk, db: db) }) == chunk {}
        return total
    }

    // MARK: Waiting for work

    /// When the next pending job of `queue` becomes due (nil: none pending).
    /// Index-only: per priority, the earliest run time of each committee
    /// with pending jobs (two seeks per committee, as a claim's committee lookup).
    public func nextDue(queue: String) throws -> Date? {
        try readers.read { db in
            guard let queueID = try existingQueueID(queue, db: db) else { return nil }
            let committees = try db.cached(Self.committeesSQL)
            let times = try JobPriority.allCases.flatMap { priority in
                try committees.rows([queueID, priority.rawValue]) { $0.int64(1) }
            }
            return times.min().map { Date(unixMilliseconds: $0) }
        }
    }

    /// Blocks until work may be due in `queue`: woken at once by an enqueue,
    /// resume or retry in this process, else after `timeout` seconds (a claim
    /// loop passes the time until `nextDue`, capped, so work enqueued by
    /// another process is seen within the cap without polling storms).
    /// Returns true when woken by a signal.
    @discardableResult
    public func waitForWork(queue: String, timeout: TimeInterval) -> Bool {
        signal.wait(queue, timeout: timeout)
    }
}

/// A queue misuse the caller can fix.
public enum QueueError: Error, CustomStringConvertible, Equatable {
    case invalidJob(String)

    public var description: String {
        switch self {
        case .invalidJob(let reason): "invalid job: \(reason)"
        }
    }
}
