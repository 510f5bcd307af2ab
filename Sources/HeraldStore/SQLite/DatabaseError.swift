import CSQLite

/// An error from SQLite, with the result code, SQLite's message and the SQL
/// that failed.
///
/// Bound values are never part of an error: a phone number bound to a
/// statement must not reach a log through an error description.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// The primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, ...).
    public var resultCode: Int32 { extendedResultCode & 0xFF }
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, ...).
    public let extendedResultCode: Int32
    /// SQLite's own message, or Herald's for errors it raises itself.
    public let message: String
    /// The statement that failed, without any bound values.
    public let sql: String?

    public init(extendedResultCode: Int32, message: String, sql: String? = nil) {
        self.extendedResultCode = extendedResultCode
        self.message = message
        self.sql = sql
    }

    /// Reads the last error of `connection`.
    init(connection: OpaquePointer?, resultCode: Int32, sql: String? = nil) {
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? resultCode
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(resultCode))
        self.init(extendedResultCode: extended == 0 ? resultCode : extended, message: message, sql: sql)
    }

    /// The symbolic name of the primary code, e.g. "SQLITE_BUSY".
    public var codeName: String {
        switch resultCode {
        case SQLITE_ERROR: "SQLITE_ERROR"
        case SQLITE_INTERNAL: "SQLITE_INTERNAL"
        case SQLITE_PERM: "SQLITE_PERM"
        case SQLITE_ABORT: "SQLITE_ABORT"
        case SQLITE_BUSY: "SQLITE_BUSY"
        case SQLITE_LOCKED: "SQLITE_LOCKED"
        case SQLITE_NOMEM: "SQLITE_NOMEM"
        case SQLITE_READONLY: "SQLITE_READONLY"
        case SQLITE_INTERRUPT: "SQLITE_INTERRUPT"
        case SQLITE_IOERR: "SQLITE_IOERR"
        case SQLITE_CORRUPT: "SQLITE_CORRUPT"
        case SQLITE_NOTFOUND: "SQLITE_NOTFOUND"
        case SQLITE_FULL: "SQLITE_FULL"
        case SQLITE_CANTOPEN: "SQLITE_CANTOPEN"
        case SQLITE_PROTOCOL: "SQLITE_PROTOCOL"
        case SQLITE_SCHEMA: "SQLITE_SCHEMA"
        case SQLITE_TOOBIG: "SQLITE_TOOBIG"
        case SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT"
        case SQLITE_MISMATCH: "SQLITE_MISMATCH"
        case SQLITE_MISUSE: "SQLITE_MISUSE"
        case SQLITE_RANGE: "SQLITE_RANGE"
        case SQLITE_NOTADB: "SQLITE_NOTADB"
        default: "SQLITE_\(resultCode)"
        }
    }

    /// True when another connection held a lock for longer than the busy bound.
    public var isBusy: Bool { resultCode == SQLITE_BUSY || resultCode == SQLITE_LOCKED }

    public var description: String {
        var text = "\(codeName) (\(extendedResultCode)): \(message)"
        if let sql { text += " — in `\(sql)`" }
        return text
    }
}

/// Turns a SQLite result code into a thrown `DatabaseError` unless it is OK.
@inline(__always)
func check(_ code: Int32, _ connection: OpaquePointer?, sql: String? = nil) throws(DatabaseError) {
    if code != SQLITE_OK { throw DatabaseError(connection: connection, resultCode: code, sql: sql) }
}
