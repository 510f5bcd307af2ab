import Foundation

/// Read-only connections for status, metrics and the API, so reads never
/// wait behind the writer (WAL lets readers see the last commit meanwhile).
///
/// `@unchecked Sendable`: idle connections sit in `idle`, guarded by `lock`;
/// a borrowed connection is used by exactly one thread until returned.
public final class DatabaseReaderPool: @unchecked Sendable {
    private let path: String
    private let options: Database.Options
    private let maximum: Int
    private let lock = NSCondition()
    private var idle: [Database] = []
    private var open = 0

    public init(path: String, maximum: Int = 4, options: Database.Options = .reader) {
        self.path = path
        self.maximum = max(1, maximum)
        self.options = options
    }

    /// Runs `body` with a read connection inside a deferred transaction, so it
    /// sees one consistent snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        let connection = try borrow()
        defer { giveBack(connection) }
        return try connection.transaction(.deferred) { try body(connection) }
    }

    private func borrow() throws -> Database {
        lock.lock()
        while idle.isEmpty && open >= maximum { lock.wait() }
        if let connection = idle.popLast() {
            lock.unlock()
            return connection
        }
        open += 1
        lock.unlock()
        do {
            return try Database(path: path, options: options)
        } catch {
            lock.lock()
            open -= 1
            lock.signal()
            lock.unlock()
            throw error
        }
    }

    private func giveBack(_ connection: Database) {
        lock.lock()
        idle.append(connection)
        lock.signal()
        lock.unlock()
    }
}
