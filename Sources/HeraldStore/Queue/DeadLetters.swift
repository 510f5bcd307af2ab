import Foundation
import HeraldCore

/// The dead jobs of a `JobQueue`: list and inspect them, send them back to
/// the queue, or delete them (`herald dead`).
///
/// Every change is one BEGIN IMMEDIATE transaction on the queue's writer,
/// and every value travels as a bound parameter. A retried job is pending
/// again, due now, with its attempts reset to 0 and its attempt history
/// cleared, so it gets the queue's full retry budget afresh; the last error
/// stays until its next attempt replaces it. A job whose unique key is held by
/// another pending or running job (the same send enqueued again since) is not
/// retried: retrying it would send twice.
///
/// Sendable: it holds only the Sendable queue.
public struct DeadLetters: Sendable {
    public let jobs: JobQueue

    public init(_ jobs: JobQueue) {
        self.jobs = jobs
    }

    /// What looking up one job found.
    public enum Lookup: Sendable, Hashable {
        case dead(DeadJob.Detail)
        /// The job exists but is not dead; it is in this state.
        case notDead(JobState)
        case notFound
    }

    /// What retrying one job did.
    public enum RetryResult: Sendable, Hashable {
        case retried
        case notDead(JobState)
        case notFound
        /// Another unfinished job (this id) holds the job's unique key.
        case keyHeld(by: Int64)
    }

    /// What retrying every dead job of a queue (or all queues) did.
    public struct RetryReport: Sendable, Hashable {
        /// A dead job left dead because another unfinished job holds its unique key.
        public struct HeldKey: Sendable, Hashable {
            public var job: Int64
            public var heldBy: Int64
        }

        /// Jobs made pending again.
        public var retried = 0
        public var keyHeld: [HeldKey] = []
    }

    private static let columns = """
        j.id, q.name, j.priority, j.attempts, j.max_attempts, j.committee, j.group_id, j.created_at, j.finished_at,
        j.last_error, j.payload
        """

    // MARK: Reading

    /// Dead jobs, most recently died first; `queue` nil: every queue.
    public func list(queue: String? = nil, limit: Int = 100) throws -> [DeadJob] {
        try jobs.readers.read { db in
            try db.cached("""
                SELECT \(Self.columns) FROM jobs j JOIN queues q ON q.id = j.queue_id
                 WHERE j.state = 3 AND (?1 IS NULL OR q.name = ?1)
                 ORDER BY coalesce(j.finished_at, j.created_at) DESC, j.id DESC LIMIT ?2
                """).rows([queue, limit], Self.deadJob)
        }
    }

    /// How many jobs are dead; `queue` nil: in every queue.
    public func count(queue: String? = nil) throws -> Int {
        try jobs.readers.read { db in
            Int(try db.scalarInt("""
                SELECT count(*) FROM jobs j JOIN queues q ON q.id = j.queue_id
                 WHERE j.state = 3 AND (?1 IS NULL OR q.name = ?1)
                """, [queue]) ?? 0)
        }
    }

    /// One job, with its attempt history and delivery when it is dead.
    public func lookup(_ id: Int64) throws -> Lookup {
        try jobs.readers.read { db in
            guard let state = try db.cached("SELECT state FROM jobs WHERE id = ?1").firstRow([id], { $0.int(0) }) else {
                return .notFound
            }
            guard state == JobState.dead.rawValue else { return .notDead(JobState(rawValue: state) ?? .pending) }
            guard let job = try db.cached("""
                SELECT \(Self.columns) FROM jobs j JOIN queues q ON q.id = j.queue_id WHERE j.id = ?1
                """).firstRow([id], Self.deadJob) else {
                return .notFound
            }
            let history = try db.cached("""
                SELECT attempt, finished_at, outcome, error FROM job_attempts WHERE job_id = ?1 ORDER BY attempt
                """).rows([id]) { row in
                DeadJob.Attempt(attempt: row.int(0), finishedAt: row.int64(1), outcome: row.string(2),
                                error: row.optionalString(3))
            }
            let send = DeliveryJob(payload: job.payload)
            let delivery = try send.flatMap { try Self.delivery($0, db: db) }
            return .dead(DeadJob.Detail(job: job, history: history, delivery: delivery, deliveryJob: send))
        }
    }

    // MARK: Retry

    /// Makes one dead job pending again, due now, attempts reset.
    public func retry(_ id: Int64, now: Date? = nil) throws -> RetryResult {
        let now = (now ?? jobs.clock.now()).unixMilliseconds
        let (result, queue) = try jobs.writer.write { db -> (RetryResult, String?) in
            guard let found = try db.cached("""
                SELECT j.state, j.unique_key, q.name FROM jobs j JOIN queues q ON q.id = j.queue_id WHERE j.id = ?1
                """).firstRow([id], { ($0.int(0), $0.optionalString(1), $0.string(2)) }) else {
                return (.notFound, nil)
            }
            guard found.0 == JobState.dead.rawValue else { return (.notDead(JobState(rawValue: found.0) ?? .pending), nil) }
            if let holder = try Self.keyHolder(found.1, db: db) { return (.keyHeld(by: holder), nil) }
            try Self.revive(id, now: now, db: db)
            return (.retried, found.2)
        }
        if let queue { jobs.notify(queue: queue) }
        return result
    }

    /// Makes every dead job of `queue` (nil: of every queue) pending again,
    /// in one transaction; jobs whose unique key is held stay dead and are reported.
    public func retryAll(queue: String? = nil, now: Date? = nil) throws -> RetryReport {
        let now = (now ?? jobs.clock.now()).unixMilliseconds
        let (report, queues) = try jobs.writer.write { db -> (RetryReport, Set<String>) in
            let dead = try db.cached("""
                SELECT j.id, j.unique_key, q.name FROM jobs j JOIN queues q ON q.id = j.queue_id
                 WHERE j.state = 3 AND (?1 IS NULL OR q.name = ?1) ORDER BY j.id
                """).rows([queue]) { ($0.int64(0), $0.optionalString(1), $0.string(2)) }
            var report = RetryReport()
            var queues: Set<String> = []
            // One at a time: two dead jobs may share a key, and only the first may go back.
            for (id, key, name) in dead {
                if let holder = try Self.keyHolder(key, db: db) {
                    report.keyHeld.append(RetryReport.HeldKey(job: id, heldBy: holder))
                    continue
                }
                try Self.revive(id, now: now, db: db)
                report.retried += 1
                queues.insert(name)
            }
            return (report, queues)
        }
        for name in queues { jobs.notify(queue: name) }
        return report
    }

    // MARK: Purge

    /// Deletes dead jobs (and their attempt history) that died before
    /// `cutoff` (nil: whenever), of `queue` (nil: every queue), in one
    /// transaction; returns how many.
    @discardableResult
    public func purge(diedBefore cutoff: Date?, queue: String? = nil) throws -> Int {
        try jobs.writer.write { db in
            let ids = try db.cached("""
                DELETE FROM jobs
                 WHERE state = 3 AND (?1 IS NULL OR coalesce(finished_at, created_at) < ?1)
                   AND (?2 IS NULL OR queue_id IN (SELECT id FROM queues WHERE name = ?2))
                RETURNING id
                """).rows([cutoff?.unixMilliseconds, queue]) { $0.int64(0) }
            let history = try db.cached("DELETE FROM job_attempts WHERE job_id = ?1")
            for id in ids { try history.execute([id]) }
            return ids.count
        }
    }

    // MARK: Helpers

    /// The unfinished job holding `key`, if any.
    private static func keyHolder(_ key: String?, db: Database) throws -> Int64? {
        guard let key else { return nil }
        return try db.cached("SELECT id FROM jobs WHERE unique_key = ?1 AND state IN (0, 1)").firstRow([key]) {
            $0.int64(0)
        }
    }

    private static func revive(_ id: Int64, now: Int64, db: Database) throws {
        try db.cached("""
            UPDATE jobs SET state = 0, run_at = ?2, attempts = 0, finished_at = NULL, lease_token = NULL,
                            lease_expires_at = NULL
             WHERE id = ?1 AND state = 3
            """).execute([id, now])
        try db.cached("DELETE FROM job_attempts WHERE job_id = ?1").execute([id])
    }

    private static func delivery(_ job: DeliveryJob, db: Database) throws -> DeadJob.Delivery? {
        try db.cached("""
            SELECT d.broadcast_id, d.resident_id, r.name, r.phone, d.channel, d.state
              FROM deliveries d JOIN residents r ON r.id = d.resident_id WHERE d.id = ?1
            """).firstRow([job.deliveryID]) { row in
            // Stored phones are E.164; one that no longer parses is hidden rather than shown.
            let phone = row.optionalString(3).map { (try? PhoneNumber(parsing: $0))?.masked ?? "(hidden)" }
            return DeadJob.Delivery(deliveryID: job.deliveryID, step: job.step, broadcastID: row.int64(0),
                                    residentID: row.int64(1), residentName: row.string(2), maskedPhone: phone,
                                    channel: row.optionalString(4), state: DeliveryState(rawValue: row.int(5)))
        }
    }

    private static func deadJob(_ row: Statement) -> DeadJob {
        DeadJob(id: row.int64(0), queue: row.string(1), priority: JobPriority(rawValue: row.int(2)) ?? .normal,
                attempts: row.int(3), maxAttempts: row.int(4), committee: row.int64(5), group: row.optionalInt64(6),
                createdAt: row.int64(7), finishedAt: row.optionalInt64(8), lastError: row.optionalString(9),
                payload: row.isNull(10) ? Data() : row.data(10))
    }
}
