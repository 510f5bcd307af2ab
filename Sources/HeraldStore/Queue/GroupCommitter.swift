import Dispatch
import Foundation
import HeraldCore

/// Batches completions from many workers into few write transactions.
///
/// A worker hands its outcomes to `submit` and goes on; the committer
/// applies everything submitted within `maxDelay` (or as soon as `maxBatch`
/// outcomes are waiting) in one transaction on the writer queue. `flush`
/// waits until everything submitted so far is durable.
///
/// The dispatcher hands in `SendResult`s instead of bare completions: each
/// carries its job's completion plus what the send means for the delivery
/// (sent, failed, the plan's next step), written in the same transaction
/// (`SendLedger`), so a delivery's record and its job never disagree.
///
/// `@unchecked Sendable`: `pending`, `results`, `waiters` and `scheduled` are guarded by `lock`.
public final class GroupCommitter: @unchecked Sendable {
    public let queue: JobQueue
    public let maxDelay: TimeInterval
    public let maxBatch: Int
    private let lock = NSLock()
    private var pending: [Completion] = []
    private var results: [SendResult] = []
    private var waiters: [@Sendable (Result<CompletionReport, any Error>) -> Void] = []
    private var scheduled = false
    private var totals = CompletionReport()
    private var failures = 0
    private let log = Logger(label: "queue.commit")

    public init(queue: JobQueue, maxDelay: TimeInterval = 0.005, maxBatch: Int = 500) {
        self.queue = queue
        self.maxDelay = maxDelay
        self.maxBatch = maxBatch
    }

    /// Queues completions for the next group commit. `done`, if given, is
    /// called once they are committed (with that whole batch's report) or failed.
    public func submit(_ completions: [Completion],
                       done: (@Sendable (Result<CompletionReport, any Error>) -> Void)? = nil) {
        guard !completions.isEmpty || done != nil else { return }
        lock.lock()
        pending.append(contentsOf: completions)
        if let done { waiters.append(done) }
        lock.unlock()
        scheduleCommit()
    }

    /// Makes sure a group commit is on its way for what is pending.
    private func scheduleCommit() {
        lock.lock()
        let full = pending.count + results.count >= maxBatch
        let schedule = !scheduled
        if schedule { scheduled = true }
        lock.unlock()
        guard schedule else { return }
        if full {
            queue.writer.queue.async { self.commit() }
        } else {
            queue.writer.queue.asyncAfter(deadline: .now() + maxDelay) { self.commit() }
        }
    }

    /// Queues send results (their completions and delivery updates) for the next group commit.
    public func submit(results new: [SendResult],
                       done: (@Sendable (Result<CompletionReport, any Error>) -> Void)? = nil) {
        guard !new.isEmpty || done != nil else { return }
        lock.lock()
        results.append(contentsOf: new)
        if let done { waiters.append(done) }
        lock.unlock()
        scheduleCommit()
    }

    /// Submits and waits until committed; returns the batch's report.
    @discardableResult
    public func submitAndWait(_ completions: [Completion]) throws -> CompletionReport {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        submit(completions) { result in
            box.set(result)
            done.signal()
        }
        done.wait()
        return try box.get()
    }

    /// Waits until everything submitted so far is committed.
    public func flush() throws {
        try submitAndWait([])
    }

    /// Claims jobs and, in the same transaction, commits the outcomes waiting
    /// for the next group commit: a worker loop that claims and completes
    /// then pays for one commit per cycle instead of two.
    public func claim(queue name: String, limit: Int, leaseFor: TimeInterval) throws -> [ClaimedJob] {
        try claim(queue: name, limit: limit, leaseFor: leaseFor) { _, jobs, _ in jobs }
    }

    /// `claim`, then `prepare` inside the same transaction with the claimed
    /// jobs and the claim's time (Unix ms): the dispatcher's send-time checks
    /// read and write there, so a cycle costs one commit.
    func claim<T>(queue name: String, limit: Int, leaseFor: TimeInterval,
                  prepare: (Database, [ClaimedJob], Int64) throws -> T) throws -> T {
        try queue.writer.withConnection { db in
            let (batch, sends, callbacks) = takePending()
            let now = queue.clock.now().unixMilliseconds
            do {
                let (report, prepared) = try db.transaction(.immediate) {
                    let report = try applyPending(batch, sends, now: now, db: db)
                    let claimed = try queue.claim(queue: name, limit: limit, leaseFor: leaseFor, now: now, db: db)
                    return (report, try prepare(db, claimed, now))
                }
                finish(batch + sends.map(\.completion), report: .success(report), callbacks: callbacks)
                return prepared
            } catch {
                // Nothing was written: hand the outcomes back for the next group commit.
                lock.withLock {
                    pending.insert(contentsOf: batch, at: 0)
                    results.insert(contentsOf: sends, at: 0)
                    waiters.insert(contentsOf: callbacks, at: 0)
                }
                scheduleCommit()
                throw error
            }
        }
    }

    private func takePending() -> ([Completion], [SendResult], [@Sendable (Result<CompletionReport, any Error>) -> Void]) {
        lock.lock()
        defer { lock.unlock() }
        let taken = (pending, results, waiters)
        pending = []
        results = []
        waiters = []
        return taken
    }

    /// Send results first (their delivery updates need the leases the
    /// completions then release), then every completion.
    private func applyPending(_ batch: [Completion], _ sends: [SendResult], now: Int64, db: Database) throws
        -> CompletionReport {
        guard !sends.isEmpty else { return try queue.apply(batch, now: now, db: db) }
        let completions = try SendLedger.apply(sends, queue: queue, now: now, db: db)
        return try queue.apply(batch + completions, now: now, db: db)
    }

    /// Everything this committer applied so far.
    public var applied: CompletionReport { lock.withLock { totals } }

    /// Runs on the writer queue.
    private func commit() {
        lock.lock()
        scheduled = false
        lock.unlock()
        let (batch, sends, callbacks) = takePending()
        guard !batch.isEmpty || !sends.isEmpty || !callbacks.isEmpty else { return }
        let all = batch + sends.map(\.completion)
        do {
            let now = queue.clock.now().unixMilliseconds
            let report = try queue.writer.withConnectionOnQueue { db in
                try db.transaction(.immediate) { try applyPending(batch, sends, now: now, db: db) }
            }
            finish(all, report: .success(report), callbacks: callbacks)
        } catch {
            // The jobs stay leased; their leases expire and they are rescued.
            log.error("group commit failed; jobs will be rescued when their leases expire",
                      ["error": "\(error)", "outcomes": .int(all.count)])
            lock.withLock { failures += 1 }
            finish(all, report: .failure(error), callbacks: callbacks)
        }
    }

    private func finish(_ batch: [Completion], report: Result<CompletionReport, any Error>,
                        callbacks: [@Sendable (Result<CompletionReport, any Error>) -> Void]) {
        if case .success(let report) = report {
            lock.withLock { totals += report }
            queue.wakeClaimLoops(after: report, of: batch)
        }
        for callback in callbacks { callback(report) }
    }
}

/// `@unchecked Sendable`: written once before a semaphore signal, read after the wait.
private final class ResultBox: @unchecked Sendable {
    private var result: Result<CompletionReport, any Error> = .success(CompletionReport())
    func set(_ value: Result<CompletionReport, any Error>) { result = value }
    func get() throws -> CompletionReport { try result.get() }
}
