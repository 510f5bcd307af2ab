import Foundation

/// How urgent a job is: lower runs first.
public enum JobPriority: Int, Sendable, Codable, CaseIterable, Comparable {
    /// Emergencies (water main burst, typhoon warning) jump the line.
    case emergency = 0
    case normal = 1
    case low = 2

    public static func < (lhs: JobPriority, rhs: JobPriority) -> Bool { lhs.rawValue < rhs.rawValue }

    public var name: String {
        switch self {
        case .emergency: "emergency"
        case .normal: "normal"
        case .low: "low"
        }
    }
}

/// Where a job is in its life. Stored as an integer in `jobs.state`; a pending
/// row is `scheduled`, `available` or `retrying` depending on its run time and
/// attempts, so no background step is needed to make scheduled work due.
public enum JobState: Int, Sendable, Codable, CaseIterable {
    case pending = 0
    case running = 1
    case succeeded = 2
    case dead = 3
    case cancelled = 4

    public var isTerminal: Bool { self == .succeeded || self == .dead || self == .cancelled }

    /// The state as operators read it: "pending", "running", ….
    public var name: String {
        switch self {
        case .pending: "pending"
        case .running: "running"
        case .succeeded: "succeeded"
        case .dead: "dead"
        case .cancelled: "cancelled"
        }
    }
}

/// A job to enqueue.
public struct NewJob: Sendable, Equatable {
    public var queue: String
    public var priority: JobPriority
    /// When it may first run; nil means now.
    public var runAt: Date?
    public var maxAttempts: Int
    /// At most one unfinished job per key: enqueueing it again returns the existing job.
    public var uniqueKey: String?
    /// The committee it is for (fairness across committees).
    public var committee: Int64
    /// The broadcast it belongs to, for cancel-by-broadcast.
    public var group: Int64?
    /// What to do: a small reference (a delivery id), not a message.
    public var payload: Data

    public init(queue: String, payload: Data, priority: JobPriority = .normal, runAt: Date? = nil,
                maxAttempts: Int = 8, uniqueKey: String? = nil, committee: Int64 = 0, group: Int64? = nil) {
        self.queue = queue
        self.payload = payload
        self.priority = priority
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.uniqueKey = uniqueKey
        self.committee = committee
        self.group = group
    }
}

/// What `enqueue` did with one job.
public struct EnqueueResult: Sendable, Equatable {
    public let id: Int64
    /// False when a unique key matched an unfinished job, whose id is returned.
    public let inserted: Bool
}

/// A worker's hold on a claimed job. An outcome is applied only while the
/// token still matches the row: a worker whose lease expired (and whose job
/// was rescued and claimed again) can never finish someone else's attempt.
public struct Lease: Sendable, Hashable {
    public let jobID: Int64
    public let token: Int64
    /// Which attempt this lease is (1 for the first try).
    public let attempt: Int
    /// The job's queue, for per-queue counters.
    public let queue: String

    public init(jobID: Int64, token: Int64, attempt: Int, queue: String) {
        self.jobID = jobID
        self.token = token
        self.attempt = attempt
        self.queue = queue
    }
}

/// A job a worker holds.
public struct ClaimedJob: Sendable, Equatable {
    public let lease: Lease
    public let queue: String
    public let priority: JobPriority
    public let runAt: Date
    public let maxAttempts: Int
    public let committee: Int64
    public let group: Int64?
    public let payload: Data
    /// When the job was enqueued (for the enqueue → accepted latency).
    public let enqueuedAt: Date
    /// When this attempt claimed it: a gateway's receipt for the attempt
    /// cannot be older (`SendLedger` looks for receipts that beat the commit).
    public let claimedAt: Date
    public var id: Int64 { lease.jobID }
    public var attempt: Int { lease.attempt }

    public static func == (lhs: ClaimedJob, rhs: ClaimedJob) -> Bool { lhs.lease == rhs.lease }
}

/// How an attempt ended.
public enum JobOutcome: Sendable, Equatable {
    case succeeded
    /// Try again later: after `retryAfter` seconds if the gateway said so,
    /// else after the queue's backoff. Dead once attempts run out.
    case retry(error: String, retryAfter: TimeInterval? = nil)
    /// Will never work (bad number, permanent refusal): dead at once.
    case dead(error: String)
    /// Not now, and not a failure (quiet hours, a frequency cap, an open
    /// circuit): run again at `until` without using up an attempt.
    case snooze(until: Date)
}

/// One finished attempt, handed back to the queue.
public struct Completion: Sendable, Equatable {
    public let lease: Lease
    public let outcome: JobOutcome

    public init(_ lease: Lease, _ outcome: JobOutcome) {
        self.lease = lease
        self.outcome = outcome
    }
}

/// What applying a set of completions did.
public struct CompletionReport: Sendable, Equatable {
    public var succeeded = 0
    public var retried = 0
    public var dead = 0
    public var snoozed = 0
    /// Completions whose lease no longer matched: ignored, never applied.
    public var stale = 0

    public init() {}

    public var applied: Int { succeeded + retried + dead + snoozed }

    public static func += (lhs: inout CompletionReport, rhs: CompletionReport) {
        lhs.succeeded += rhs.succeeded
        lhs.retried += rhs.retried
        lhs.dead += rhs.dead
        lhs.snoozed += rhs.snoozed
        lhs.stale += rhs.stale
    }

    public static func + (lhs: CompletionReport, rhs: CompletionReport) -> CompletionReport {
        var sum = lhs
        sum += rhs
        return sum
    }
}
