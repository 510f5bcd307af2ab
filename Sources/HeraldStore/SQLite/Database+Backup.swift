import CSQLite
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A copy of a live database through SQLite's online backup API
// (https://www.sqlite.org/backup.html, https://www.sqlite.org/c3ref/backup_finish.html).

extension Database {
    /// Why a backup did not produce a file, with the path concerned.
    ///
    /// `code` is stable (the CLI turns it into an exit code); `message` says
    /// what went wrong and where, in one line.
    public struct BackupError: Error, Sendable, CustomStringConvertible {
        public enum Code: String, Sendable {
            /// The database to copy does not exist.
            case sourceNotFound
            /// It exists but cannot be opened or read (a directory, permissions).
            case sourceUnreadable
            /// It is not an SQLite database, or it is damaged.
            case notADatabase
            /// The backup file exists and overwriting was not asked for.
            case destinationExists
            /// The backup file (or its temporary file) cannot be created or written.
            case cannotCreate
            /// A lock was held longer than the busy timeout: try again.
            case busy
            /// The copy finished but `PRAGMA integrity_check` did not answer `ok`.
            case integrityFailed
            /// Anything else SQLite reported.
            case failed
        }

        public let code: Code
        public let message: String

        public init(_ code: Code, _ message: String) {
            self.code = code
            self.message = message
        }

        public var description: String { message }
    }

    /// What a finished backup wrote.
    public struct BackupReport: Sendable {
        /// The backup file, under its final name.
        public let path: String
        /// Its size on disk in bytes.
        public let bytes: Int64
        public let pageCount: Int
        public let pageSize: Int
        /// `PRAGMA user_version` of the copy: the schema version it restores.
        public let schemaVersion: Int
        /// How often another connection's write made SQLite start the copy over.
        public let restarts: Int
        /// The check that ran on the copy: `integrity_check` or `quick_check`.
        public let check: String
    }

    /// Copies the database at `sourcePath` into a new file at `destinationPath`
    /// while other connections (a running `herald serve`) keep writing.
    ///
    /// The copy goes to a temporary file (mode 0600) in the destination's
    /// folder, is checked with `PRAGMA integrity_check` (or `quick_check`),
    /// synced, and only then renamed to `destinationPath`: a failed or
    /// interrupted backup never leaves a partial file under the final name.
    /// Without `overwrite` an existing file there is refused, also one that
    /// appears while the copy runs. The source is opened read-only.
    public static func backup(of sourcePath: String, to destinationPath: String, overwrite: Bool = false,
                              quickCheck: Bool = false,
                              pagesPerStep: Int32 = 1024) throws(BackupError) -> BackupReport {
        try checkSource(sourcePath)
        try checkDestination(destinationPath, source: sourcePath, overwrite: overwrite)

        let source: Database
        do {
            source = try Database(path: sourcePath, options: .reader)
        } catch {
            switch error.resultCode {
            case SQLITE_NOTADB, SQLITE_CORRUPT:
                throw BackupError(.notADatabase, "\(sourcePath) is not a readable SQLite database: \(error.message)")
            case SQLITE_BUSY, SQLITE_LOCKED:
                throw BackupError(.busy, "\(sourcePath) stayed locked past the busy timeout; try again: \(error.message)")
            default:
                throw BackupError(.sourceUnreadable, "cannot open \(sourcePath): \(error.message)")
            }
        }
        let temporary = try createTemporaryFile(near: destinationPath)
        var finished = false
        defer { if !finished { removeDatabaseFiles(temporary) } }

        let copied = try copy(source, sourcePath: sourcePath, into: temporary, quickCheck: quickCheck,
                              pagesPerStep: pagesPerStep)
        try syncFile(temporary)
        try publish(temporary, as: destinationPath, overwrite: overwrite)
        finished = true
        syncFolder(of: destinationPath)

        var info = stat()
        let bytes = stat(destinationPath, &info) == 0 ? Int64(info.st_size) : Int64(copied.pageCount * copied.pageSize)
        return BackupReport(path: destinationPath, bytes: bytes, pageCount: copied.pageCount,
                            pageSize: copied.pageSize, schemaVersion: copied.schemaVersion,
                            restarts: copied.restarts, check: quickCheck ? "quick_check" : "integrity_check")
    }

    /// Copies all of this database into `destination` in steps of `pagesPerStep`
    /// pages; returns how often the copy had to start over.
    ///
    /// Between steps the source's read lock is let go. When another connection
    /// writes in between, SQLite starts the copy over at the next step; after
    /// `maxRestarts` of those the rest goes in one step, which under WAL holds
    /// one read transaction and still lets writers commit. A lock held past
    /// the busy timeout is an error (SQLITE_BUSY), not a wait without end.
    /// `afterStep` runs between steps with the pages copied and the total
    /// (a progress report; tests write to the source there).
    public func backup(into destination: Database, pagesPerStep: Int32 = 1024, maxRestarts: Int = 3,
                       afterStep: ((_ done: Int, _ total: Int) -> Void)? = nil) throws(DatabaseError) -> Int {
        let backup = try OnlineBackup(from: self, into: destination)
        var restarts = 0
        var pagesDone = -1
        var step = max(1, pagesPerStep)
        while true {
            let code = sqlite3_backup_step(backup.handle, step)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_OK else {
                // The step's own code says what happened (the error may belong to
                // either connection); finish() only releases the handle.
                let error = DatabaseError(extendedResultCode: code, message: String(cString: sqlite3_errstr(code)))
                try? backup.finish()
                throw error
            }
            let total = Int(sqlite3_backup_pagecount(backup.handle))
            let done = total - Int(sqlite3_backup_remaining(backup.handle))
            if done <= pagesDone {
                restarts += 1
                if restarts >= maxRestarts { step = -1 }
            }
            pagesDone = done
            afterStep?(done, total)
        }
        try backup.finish()
        return restarts
    }

    // MARK: Steps of a file backup

    private struct Copied {
        let pageCount: Int
        let pageSize: Int
        let schemaVersion: Int
        let restarts: Int
    }

    /// Copies `source` into the (empty) file at `temporary` and checks the copy.
    /// The destination connection is closed when this returns.
    private static func copy(_ source: Database, sourcePath: String, into temporary: String, quickCheck: Bool,
                             pagesPerStep: Int32) throws(BackupError) -> Copied {
        let destination: Database
        do {
            destination = try Database(path: temporary)
            // A rollback journal while copying: a WAL destination refuses a
            // source with another page size. The copied header brings WAL back.
            try destination.execute("PRAGMA journal_mode = DELETE")
        } catch {
            throw BackupError(.cannotCreate, "cannot create backup file \(temporary): \(error.message)")
        }
        let restarts: Int
        do {
            restarts = try source.backup(into: destination, pagesPerStep: pagesPerStep)
        } catch {
            throw classify(error, source: sourcePath, destination: temporary)
        }
        let check = quickCheck ? "quick_check" : "integrity_check"
        let problems: [String]
        let pageCount: Int
        let pageSize: Int
        let schemaVersion: Int
        do {
            let statement = try destination.prepare("PRAGMA \(check)")
            var answers: [String] = []
            while try statement.step() { answers.append(statement.string(0)) }
            problems = answers == ["ok"] ? [] : answers
            pageCount = try destination.pragmaInt("page_count")
            pageSize = try destination.pragmaInt("page_size")
            schemaVersion = try destination.userVersion()
        } catch {
            throw BackupError(.integrityFailed, "cannot check the copy of \(sourcePath): \(error.message)")
        }
        guard problems.isEmpty else {
            let shown = problems.prefix(3).joined(separator: "; ")
            throw BackupError(.integrityFailed, "the copy of \(sourcePath) failed \(check): \(shown)"
                              + (problems.count > 3 ? " (and \(problems.count - 3) more)" : "")
                              + "; nothing was written. Run `sqlite3 \(sourcePath) 'PRAGMA integrity_check'`")
        }
        return Copied(pageCount: pageCount, pageSize: pageSize, schemaVersion: schemaVersion, restarts: restarts)
    }

    private func pragmaInt(_ name: String) throws(DatabaseError) -> Int {
        let statement = try prepare("PRAGMA \(name)")
        return try statement.step() ? statement.int(0) : 0
    }

    private static func classify(_ error: DatabaseError, source: String, destination: String) -> BackupError {
        switch error.resultCode {
        case SQLITE_NOTADB, SQLITE_CORRUPT:
            BackupError(.notADatabase, "\(source) is not a readable SQLite database: \(error.message)")
        case SQLITE_BUSY, SQLITE_LOCKED:
            BackupError(.busy, "\(source) stayed locked past the busy timeout; try again: \(error.message)")
        case SQLITE_FULL, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM:
            BackupError(.cannotCreate, "cannot write the backup (\(destination)): \(error.message)")
        default:
            BackupError(.failed, "backup of \(source) failed: \(error)")
        }
    }

    private static func checkSource(_ path: String) throws(BackupError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno
            if reason == ENOENT || reason == ENOTDIR {
                throw BackupError(.sourceNotFound, "no database at \(path)")
            }
            throw BackupError(.sourceUnreadable, "cannot read \(path): \(String(cString: strerror(reason)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw BackupError(.sourceUnreadable, "\(path) is not a regular file")
        }
        guard access(path, R_OK) == 0 else {
            throw BackupError(.sourceUnreadable, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func checkDestination(_ path: String, source: String,
                                         overwrite: Bool) throws(BackupError) {
        let folder = folder(of: path)
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0, folderInfo.st_mode & S_IFMT == S_IFDIR else {
            throw BackupError(.cannotCreate, "cannot create \(path): folder \(folder) does not exist")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw BackupError(.cannotCreate, "\(path) is a folder; give the backup file's name")
        }
        var sourceInfo = stat()
        if stat(source, &sourceInfo) == 0, stat(path, &info) == 0,
           sourceInfo.st_dev == info.st_dev, sourceInfo.st_ino == info.st_ino {
            throw BackupError(.cannotCreate, "\(path) is the database itself; back up to another file")
        }
        if !overwrite {
            throw BackupError(.destinationExists, "\(path) already exists; give another name or --force to replace it")
        }
    }

    /// Creates an empty, private (0600) file next to `path` with a name no one else uses.
    private static func createTemporaryFile(near path: String) throws(BackupError) -> String {
        let name = (path as NSString).lastPathComponent
        let base = folder(of: path)
        for _ in 0..<8 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let candidate = (base as NSString).appendingPathComponent(".\(name).tmp-\(suffix)")
            let fd = open(candidate, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if fd >= 0 {
                // The umask can only take bits away; make it exactly 0600.
                let changed = fchmod(fd, 0o600)
                let reason = errno
                close(fd)
                guard changed == 0 else {
                    unlink(candidate)
                    throw BackupError(.cannotCreate, "cannot make \(candidate) private: \(String(cString: strerror(reason)))")
                }
                return candidate
            }
            let reason = errno
            if reason != EEXIST {
                throw BackupError(.cannotCreate, "cannot create a file in \(base): \(String(cString: strerror(reason)))")
            }
        }
        throw BackupError(.cannotCreate, "cannot find a free temporary name in \(base)")
    }

    /// Gives the finished copy its final name, atomically.
    private static func publish(_ temporary: String, as path: String, overwrite: Bool) throws(BackupError) {
        if overwrite {
            guard rename(temporary, path) == 0 else {
                throw BackupError(.cannotCreate, "cannot rename the copy to \(path): \(String(cString: strerror(errno)))")
            }
            return
        }
        // link(2) fails if the name exists, so a file that appeared meanwhile is kept.
        if link(temporary, path) == 0 {
            unlink(temporary)
            return
        }
        let reason = errno
        if reason == EEXIST {
            throw BackupError(.destinationExists, "\(path) appeared while the backup ran; nothing was replaced")
        }
        guard reason == EPERM || reason == EOPNOTSUPP || reason == ENOSYS || reason == EXDEV else {
            throw BackupError(.cannotCreate, "cannot create \(path): \(String(cString: strerror(reason)))")
        }
        // A filesystem without hard links: check, then rename.
        var info = stat()
        if lstat(path, &info) == 0 {
            throw BackupError(.destinationExists, "\(path) appeared while the backup ran; nothing was replaced")
        }
        guard rename(temporary, path) == 0 else {
            throw BackupError(.cannotCreate, "cannot rename the copy to \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func syncFile(_ path: String) throws(BackupError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw BackupError(.cannotCreate, "cannot open \(path) to sync it: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            throw BackupError(.cannotCreate, "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Makes the rename durable; a folder that cannot be synced is not an error.
    private static func syncFolder(of path: String) {
        let fd = open(folder(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    private static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
    }

    private static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }
}

/// Owns one `sqlite3_backup` handle from init to `sqlite3_backup_finish`.
///
/// Not Sendable: used on the thread that runs the backup, with both
/// connections it copies between.
private final class OnlineBackup {
    let handle: OpaquePointer
    private var finished = false
    /// The connections stay alive as long as the handle that points into them.
    private let source: Database
    private let destination: Database

    init(from source: Database, into destination: Database) throws(DatabaseError) {
        guard let handle = sqlite3_backup_init(destination.handle, "main", source.handle, "main") else {
            // The error is left on the destination connection.
            throw DatabaseError(connection: destination.handle, resultCode: sqlite3_errcode(destination.handle))
                .withMessage(prefix: "cannot start the backup")
        }
        self.handle = handle
        self.source = source
        self.destination = destination
    }

    /// Releases the handle; throws the error of the last step if it left one.
    func finish() throws(DatabaseError) {
        guard !finished else { return }
        finished = true
        let code = sqlite3_backup_finish(handle)
        if code != SQLITE_OK {
            throw DatabaseError(connection: destination.handle, resultCode: code)
        }
    }

    deinit {
        if !finished { sqlite3_backup_finish(handle) }
    }
}
