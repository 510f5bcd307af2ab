import CSQLite
import Foundation
import HeraldCore

/// One SQLite connection.
///
/// Not Sendable: a connection is used from one queue at a time. Herald keeps
/// exactly one writer connection on a serial queue (`DatabaseWriter`) and
/// separate read connections (`DatabaseReaderPool`).
public final class Database {
    /// How a connection is opened.
    public struct Options: Sendable {
        public enum Synchronous: String, Sendable {
            /// fsync at every commit: a commit survives power loss.
            case full = "FULL"
            /// WAL's usual setting: a commit survives a process crash (kill -9),
            /// the last commits may roll back on power loss.
            case normal = "NORMAL"
            case off = "OFF"
        }

        /// Open for reading only; the file must exist.
        public var readOnly: Bool = false
        /// Create the file (mode 0600) when it does not exist.
        public var create: Bool = true
        public var synchronous: Synchronous = .normal
        /// How long to wait for another connection's lock before failing with
        /// SQLITE_BUSY. Bounded: a stuck writer is an error, not a hang.
        public var busyTimeout: Duration = .seconds(5)
        /// Pages of cache (negative: KiB), passed to PRAGMA cache_size.
        public var cacheSizeKiB: Int = 16 * 1024

        public init() {}

        public static let reader: Options = {
            var options = Options()
            options.readOnly = true
            options.create = false
            return options
        }()
    }

    let handle: OpaquePointer
    /// The file this connection opened.
    public let path: String
    private var statementCache: [String: Statement] = [:]

    /// Opens (and with `options.create`, creates) the database at `path`,
    /// with WAL journaling verified, foreign keys on and a bounded busy timeout.
    public init(path: String, options: Options = Options()) throws(DatabaseError) {
        self.path = path
        if !options.readOnly, options.create, path != ":memory:" {
            try Database.createPrivateFile(at: path)
        }
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if !options.readOnly, options.create { flags |= SQLITE_OPEN_CREATE }
        var connection: OpaquePointer?
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let error = DatabaseError(connection: connection, resultCode: code,
                                      sql: nil).withMessage(prefix: "cannot open database \(path)")
            sqlite3_close_v2(connection)
            throw error
        }
        // From here on the object is whole, so a throw runs deinit, which closes the connection.
        self.handle = connection
        sqlite3_extended_result_codes(connection, 1)
        let milliseconds = options.busyTimeout.components.seconds * 1000
            + options.busyTimeout.components.attoseconds / 1_000_000_000_000_000
        try check(sqlite3_busy_timeout(connection, Int32(clamping: milliseconds)), connection)
        var ignored: Int32 = 0
        _ = csqlite_db_config_int(connection, SQLITE_DBCONFIG_DEFENSIVE, 1, &ignored)
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA cache_size = -\(options.cacheSizeKiB)")
        if !options.readOnly {
            let mode = try scalarString("PRAGMA journal_mode = WAL")
            guard mode.lowercased() == "wal" || path == ":memory:" else {
                throw DatabaseError(extendedResultCode: SQLITE_ERROR,
                                    message: "journal_mode is '\(mode)', not 'wal': Herald needs WAL "
                                        + "(is \(path) on a filesystem without shared memory?)")
            }
            try execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
        }
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Creates `path` with mode 0600 if it does not exist, so the database and
    /// the WAL and shared-memory files SQLite derives from it are private.
    private static func createPrivateFile(at path: String) throws(DatabaseError) {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd); return }
        let reason = errno
        if reason == EEXIST { return }
        throw DatabaseError(extendedResultCode: SQLITE_CANTOPEN,
                            message: "cannot create database \(path): \(String(cString: strerror(reason)))")
    }

    // MARK: Running SQL

    /// Runs one or more statements with no bound values (schema, pragmas).
    public func execute(_ sql: String) throws(DatabaseError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(message)
            throw DatabaseError(extendedResultCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// Prepares a statement the caller owns.
    public func prepare(_ sql: String) throws(DatabaseError) -> Statement {
        try Statement(connection: handle, sql: sql)
    }

    /// A prepared statement kept for the life of the connection, for SQL that
    /// runs often (the queue's hot path). It comes back reset.
    public func cached(_ sql: String) throws(DatabaseError) -> Statement {
        if let statement = statementCache[sql] { return statement }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs `sql` with `values` bound and returns the first column of the first row as an integer.
    public func scalarInt(_ sql: String, _ values: [(any DatabaseBindable)?] = []) throws -> Int64? {
        try cached(sql).firstRow(values) { $0.isNull(0) ? nil : $0.int64(0) } ?? nil
    }

    func scalarString(_ sql: String) throws(DatabaseError) -> String {
        let statement = try prepare(sql)
        return try statement.step() ? statement.string(0) : ""
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// True while a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The journal mode SQLite reports, e.g. "wal".
    public func journalMode() throws(DatabaseError) -> String {
        try scalarString("PRAGMA journal_mode").lowercased()
    }

    /// The schema version kept in `PRAGMA user_version`.
    public func userVersion() throws(DatabaseError) -> Int {
        let statement = try prepare("PRAGMA user_version")
        return try statement.step() ? statement.int(0) : 0
    }

    /// The SQLite library's version, e.g. "3.40.1".
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}

extension DatabaseError {
    func withMessage(prefix: String) -> DatabaseError {
        DatabaseError(extendedResultCode: extendedResultCode, message: "\(prefix): \(message)", sql: sql)
    }
}
