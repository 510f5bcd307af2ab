import Foundation
import HeraldCore

/// One queue's numbers, for `herald status` and `/metrics`.
public struct QueueStats: Sendable, Equatable, Codable {
    public var queue: String
    /// Due now, waiting for a worker.
    public var available = 0
    /// Not due yet, never tried.
    public var scheduled = 0
    /// Not due yet, tried before (waiting out a backoff).
    public var retrying = 0
    public var running = 0
    /// Succeeded and not yet pruned.
    public var succeeded = 0
    public var dead = 0
    public var cancelled = 0
    /// How long the oldest due job has waited, in seconds (0 when none).
    public var oldestAvailableAge: TimeInterval = 0
    public var paused = false
    public var pausedReason: String?
    /// Finished in the last 1, 5 and 15 minutes.
    public var succeededLast: Window = Window()
    public var failedLast: Window = Window()

    public struct Window: Sendable, Equatable, Codable {
        public var oneMinute = 0
        public var fiveMinutes = 0
        public var fifteenMinutes = 0

        public init(oneMinute: Int = 0, fiveMinutes: Int = 0, fifteenMinutes: Int = 0) {
            self.oneMinute = oneMinute
            self.fiveMinutes = fiveMinutes
            self.fifteenMinutes = fifteenMinutes
        }
    }

    public init(queue: String) { self.queue = queue }
}

extension JobQueue {
    /// Counts by state per queue, the oldest due job's age, pause state and
    /// recent throughput, read in one snapshot from a reader connection.
    public func stats(now: Date? = nil) throws -> [QueueStats] {
        let now = (now ?? clock.now()).unixMilliseconds
        return try readers.read { db in try QueueStats.read(now: now, db: db) }
    }
}

extension QueueStats {
    /// Reads every queue's numbers through `db` (for tools that only hold a
    /// read connection, like `herald status`). Call inside a transaction for
    /// one consistent snapshot.
    public static func read(now: Date, db: Database) throws -> [QueueStats] {
        try read(now: now.unixMilliseconds, db: db)
    }

    static func read(now: Int64, db: Database) throws -> [QueueStats] {
        var byQueue: [String: QueueStats] = [:]
        func entry(_ queue: String) -> QueueStats { byQueue[queue] ?? QueueStats(queue: queue) }
        let counts = try db.cached("""
            SELECT queues.name, state, run_at <= ?1 AS due, attempts > 0 AS tried, count(*), min(run_at)
              FROM jobs JOIN queues ON queues.id = jobs.queue_id
             GROUP BY queue_id, state, due, tried
            """)
        for row in try counts.rows([now], { ($0.string(0), $0.int(1), $0.bool(2), $0.bool(3), $0.int(4), $0.int64(5)) }) {
            var stats = entry(row.0)
            switch JobState(rawValue: row.1) {
            case .pending?:
                if row.2 {
                    stats.available += row.4
                    stats.oldestAvailableAge = max(stats.oldestAvailableAge, Double(now - row.5) / 1000)
                } else if row.3 {
                    stats.retrying += row.4
                } else {
                    stats.scheduled += row.4
                }
            case .running?: stats.running += row.4
            case .succeeded?: stats.succeeded += row.4
            case .dead?: stats.dead += row.4
            case .cancelled?: stats.cancelled += row.4
            case nil: break
            }
            byQueue[row.0] = stats
        }
        let controls = try db.cached("SELECT name, paused, reason FROM queues")
        for row in try controls.rows([], { ($0.string(0), $0.bool(1), $0.optionalString(2)) }) {
            var stats = entry(row.0)
            stats.paused = row.1
            stats.pausedReason = row.2
            byQueue[row.0] = stats
        }
        let minute = now / 60_000
        let throughput = try db.cached("""
            SELECT queue, minute, succeeded, dead FROM queue_throughput WHERE minute > ?1 - 15
            """)
        for row in try throughput.rows([minute], { ($0.string(0), $0.int64(1), $0.int(2), $0.int(3)) }) {
            var stats = entry(row.0)
            let age = minute - row.1
            if age < 1 { stats.succeededLast.oneMinute += row.2; stats.failedLast.oneMinute += row.3 }
            if age < 5 { stats.succeededLast.fiveMinutes += row.2; stats.failedLast.fiveMinutes += row.3 }
            stats.succeededLast.fifteenMinutes += row.2
            stats.failedLast.fifteenMinutes += row.3
            byQueue[row.0] = stats
        }
        return byQueue.values.sorted { $0.queue < $1.queue }
    }
}
