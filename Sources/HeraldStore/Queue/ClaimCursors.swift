import Foundation

/// Where each queue's round-robin across committees stands: per queue and
/// priority, the committee the last claim served last. The next claim at
/// that priority starts with the committee after it.
///
/// Kept in memory, per process, like `QueueDirectory`: a restart (or a second
/// process claiming from the same database) starts its rotation afresh, which
/// costs at most one round of fairness. A claim whose transaction rolls back
/// has still moved its cursor; that too only shifts where the next round starts.
///
/// `@unchecked Sendable`: `cursors` is guarded by `lock`.
final class ClaimCursors: @unchecked Sendable {
    private struct Key: Hashable {
        let queueID: Int64
        let priority: JobPriority
    }

    private let lock = NSLock()
    private var cursors: [Key: Int64] = [:]

    /// The committee served last at `priority` in queue `queueID`, nil before the first claim.
    func lastServed(queueID: Int64, priority: JobPriority) -> Int64? {
        lock.withLock { cursors[Key(queueID: queueID, priority: priority)] }
    }

    func setLastServed(_ committee: Int64, queueID: Int64, priority: JobPriority) {
        lock.withLock { cursors[Key(queueID: queueID, priority: priority)] = committee }
    }
}
