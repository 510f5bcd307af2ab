import Foundation

extension JobQueue {
    /// Why `queue` is paused, or nil when it is not (or does not exist yet).
    public func pausedReason(queue: String) throws -> String? {
        try readers.read { db in
            try db.cached("SELECT paused, reason FROM queues WHERE name = ?1").firstRow([queue]) { row in
                row.bool(0) ? (row.optionalString(1) ?? "paused") : nil
            } ?? nil
        }
    }

    /// The names of the queues the database knows (any that has had a job,
    /// or was paused before its first): one small table, no job rows read.
    public func queueNames() throws -> [String] {
        try readers.read { db in try db.cached("SELECT name FROM queues ORDER BY name").rows([]) { $0.string(0) } }
    }

    /// Wakes the claim loops of `queue` in this process (work was added by
    /// a path that does not go through `enqueue`).
    public func notify(queue: String) {
        signal.notify(queue)
    }

    /// Calls `handler` whenever work may have arrived in any queue of this
    /// process (an enqueue, a resume, a retry coming due); the handler gets
    /// the queue's name and must be quick.
    public func onWork(_ handler: @escaping @Sendable (String) -> Void) {
        signal.subscribe(handler)
    }
}
