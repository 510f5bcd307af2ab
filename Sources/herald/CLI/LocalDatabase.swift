import Foundation
import HeraldCore
import HeraldStore

/// The database a local command works on (`--db`), opened the way
/// `herald serve` opens it: one `JobQueue` (its writer, readers and clock).
enum LocalDatabase {
    /// Opens the existing database at `--db` (bringing its schema up to
    /// date); a missing file is an error naming the path, never a new database.
    static func open(_ invocation: Invocation, clock: any WallClock = SystemClock()) throws -> JobQueue {
        let path = DatabaseOption.path(invocation)
        try DatabaseOption.requireDirectory(of: path)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(.noInput, "no database at \(path): `herald migrate --db \(path)` creates one "
                                 + "(so does `herald serve`), or give --db PATH")
        }
        do {
            return try JobQueue(path: path, clock: clock)
        } catch {
            throw CommandFailure(.dataError, "cannot open database \(path): \(error)")
        }
    }

    /// A committee by id or slug, inside the caller's transaction; unknown: exit 66 with the known slugs.
    static func committee(_ text: String, db: Database) throws -> Committee {
        if let id = Int64(text), let found = try CommitteeStore.find(id: id, db: db) { return found }
        if let found = try CommitteeStore.find(slug: text, db: db) { return found }
        let known = try CommitteeStore.list(db: db).map(\.slug)
        throw CommandFailure(.noInput, "no committee '\(text)'"
                             + (known.isEmpty ? " (there are none yet)" : "; committees: " + known.joined(separator: ", ")))
    }

    /// Runs `body`, turning the stores' refusals into one-line failures:
    /// not found exits 66, invalid or conflicting exits 65.
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RecordError {
            throw CommandFailure(error.code == .notFound ? .noInput : .dataError, error.description)
        } catch let error as ActivityError {
            throw CommandFailure(.dataError, error.description)
        } catch let error as DatabaseError {
            throw CommandFailure(.dataError, "the database failed: \(error)")
        }
    }
}
