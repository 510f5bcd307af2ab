import Dispatch
import Foundation

/// The one writer connection, confined to a serial DispatchQueue.
///
/// `@unchecked Sendable`: the connection is only touched inside `queue`,
/// which runs one block at a time, so callers on any thread are serialized.
public final class DatabaseWriter: @unchecked Sendable {
    fileprivate let connection: Database
    /// The serial queue every write runs on.
    public let queue: DispatchQueue
    private let queueKey = DispatchSpecificKey<Void>()
    public let path: String

    public init(path: String, options: Database.Options = Database.Options()) throws {
        self.connection = try Database(path: path, options: options)
        self.path = path
        self.queue = DispatchQueue(label: "herald.store.writer", qos: .userInitiated)
        queue.setSpecific(key: queueKey, value: ())
    }

    /// Runs `body` in a BEGIN IMMEDIATE transaction on the writer queue and
    /// waits for it; rolls back when `body` throws.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try onQueue { db in try db.transaction(.immediate) { try body(db) } }
    }

    /// Runs `body` on the writer queue with no transaction around it (for
    /// pragmas, checkpoints, or a body that manages its own transactions).
    public func withConnection<T>(_ body: (Database) throws -> T) throws -> T {
        try onQueue(body)
    }

    /// Schedules `body` on the writer queue without waiting.
    public func async(_ body: @escaping @Sendable (Database) -> Void) {
        queue.async { body(self.connection) }
    }

    private func onQueue<T>(_ body: (Database) throws -> T) throws -> T {
        precondition(DispatchQueue.getSpecific(key: queueKey) == nil,
                     "DatabaseWriter used re-entrantly from its own queue")
        return try queue.sync { try body(connection) }
    }
}

extension DatabaseWriter {
    /// For code already running on `queue` (a block it scheduled with
    /// `queue.async`): uses the connection directly, with no `sync` hop.
    public func withConnectionOnQueue<T>(_ body: (Database) throws -> T) rethrows -> T {
        dispatchPrecondition(condition: .onQueue(queue))
        return try body(connection)
    }
}
