import CSQLite
import Foundation

/// A prepared SQLite statement, finalized when the value is released.
///
/// Not Sendable: a statement belongs to its connection, which is confined to
/// one queue (see `DatabaseWriter`, `DatabaseReaderPool`).
public final class Statement {
    let handle: OpaquePointer
    let connection: OpaquePointer
    /// The SQL text as written (never with bound values).
    public let sql: String

    init(connection: OpaquePointer, sql: String) throws(DatabaseError) {
        var prepared: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard code == SQLITE_OK, let prepared else {
            sqlite3_finalize(prepared)
            throw DatabaseError(connection: connection, resultCode: code == SQLITE_OK ? SQLITE_MISUSE : code,
                                sql: sql)
        }
        self.handle = prepared
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Binding (1-based indexes, as in SQLite)

    public func bind(_ value: Int64, at index: Int32) throws(DatabaseError) {
        try check(sqlite3_bind_int64(handle, index, value), connection, sql: sql)
    }

    public func bind(_ value: Int, at index: Int32) throws(DatabaseError) {
        try bind(Int64(value), at: index)
    }

    public func bind(_ value: Double, at index: Int32) throws(DatabaseError) {
        try check(sqlite3_bind_double(handle, index, value), connection, sql: sql)
    }

    public func bind(_ value: Bool, at index: Int32) throws(DatabaseError) {
        try bind(Int64(value ? 1 : 0), at: index)
    }

    public func bind(_ value: String, at index: Int32) throws(DatabaseError) {
        var value = value
        let code = value.withUTF8 { bytes -> Int32 in
            guard let base = bytes.baseAddress, bytes.count > 0 else {
                return csqlite_bind_text_transient(handle, index, "", 0)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                csqlite_bind_text_transient(handle, index, $0, Int32(bytes.count))
            }
        }
        try check(code, connection, sql: sql)
    }

    public func bind(_ value: Data, at index: Int32) throws(DatabaseError) {
        let code = value.withUnsafeBytes { bytes in
            csqlite_bind_blob_transient(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!,
                                        Int32(bytes.count))
        }
        try check(code, connection, sql: sql)
    }

    public func bindNull(at index: Int32) throws(DatabaseError) {
        try check(sqlite3_bind_null(handle, index), connection, sql: sql)
    }

    /// Binds any supported value, or NULL for nil.
    public func bind(_ value: (any DatabaseBindable)?, at index: Int32) throws(DatabaseError) {
        if let value { try value.bind(to: self, at: index) } else { try bindNull(at: index) }
    }

    /// The 1-based index of a named parameter (`:name`, `@name`, `$name`).
    public func parameterIndex(_ name: String) throws(DatabaseError) -> Int32 {
        let index = sqlite3_bind_parameter_index(handle, name)
        guard index > 0 else {
            throw DatabaseError(extendedResultCode: SQLITE_RANGE, message: "no parameter named \(name)", sql: sql)
        }
        return index
    }

    /// Binds by parameter name, e.g. `bind(42, named: ":queue")`.
    public func bind(_ value: (any DatabaseBindable)?, named name: String) throws(DatabaseError) {
        try bind(value, at: parameterIndex(name))
    }

    /// Binds positional values starting at index 1.
    public func bind(_ values: [(any DatabaseBindable)?]) throws(DatabaseError) {
        for (offset, value) in values.enumerated() { try bind(value, at: Int32(offset + 1)) }
    }

    /// Resets the statement for another run and clears its bindings.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Stepping

    /// Advances to the next row: true while there is a row to read, false when done.
    @discardableResult
    public func step() throws(DatabaseError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let error = DatabaseError(connection: connection, resultCode: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Runs the statement to completion with `values` bound, then resets it.
    public func execute(_ values: [(any DatabaseBindable)?] = []) throws(DatabaseError) {
        defer { reset() }
        try bind(values)
        while try step() {}
    }

    /// Runs a query and maps each row; resets the statement afterwards.
    public func rows<T>(_ values: [(any DatabaseBindable)?] = [],
                        _ map: (Statement) throws -> T) throws -> [T] {
        defer { reset() }
        try bind(values)
        var result: [T] = []
        while try step() { result.append(try map(self)) }
        return result
    }

    /// Runs a query and maps its first row, if any; resets the statement afterwards.
    public func firstRow<T>(_ values: [(any DatabaseBindable)?] = [],
                            _ map: (Statement) throws -> T) throws -> T? {
        defer { reset() }
        try bind(values)
        return try step() ? map(self) : nil
    }

    // MARK: Counters

    /// What SQLite counted while running this statement (`sqlite3_stmt_status`,
    /// https://sqlite.org/c3ref/c_stmtstatus_counter.html), since it was
    /// prepared or since `resetCounters()`: for tests that check a query stays
    /// an index seek, and for profiling.
    struct Counters: Equatable {
        /// Virtual machine steps: a measure of the work done, independent of the machine.
        var virtualMachineSteps: Int
        /// Steps forward in a full table scan (zero when only indexes are searched).
        var fullScanSteps: Int
        /// Sorts (zero when an index delivers the order).
        var sorts: Int
    }

    var counters: Counters {
        Counters(virtualMachineSteps: Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_VM_STEP, 0)),
                 fullScanSteps: Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0)),
                 sorts: Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_SORT, 0)))
    }

    func resetCounters() {
        for counter in [SQLITE_STMTSTATUS_VM_STEP, SQLITE_STMTSTATUS_FULLSCAN_STEP, SQLITE_STMTSTATUS_SORT] {
            sqlite3_stmt_status(handle, counter, 1)
        }
    }

    // MARK: Columns (0-based indexes, as in SQLite)

    public var columnCount: Int32 { sqlite3_column_count(handle) }

    public func columnName(_ index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
    }

    public func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    public func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

    public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    public func bool(_ index: Int32) -> Bool { sqlite3_column_int64(handle, index) != 0 }

    public func string(_ index: Int32) -> String {
        guard let text = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    public func optionalString(_ index: Int32) -> String? { isNull(index) ? nil : string(index) }

    public func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }

    public func data(_ index: Int32) -> Data {
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let bytes = sqlite3_column_blob(handle, index) else { return Data() }
        return Data(bytes: bytes, count: count)
    }
}

/// A Swift value that can be bound to a statement parameter.
public protocol DatabaseBindable {
    func bind(to statement: Statement, at index: Int32) throws(DatabaseError)
}

extension Int: DatabaseBindable {
    public func bind(to statement: Statement, at index: Int32) throws(DatabaseError) {
        try statement.bind(self, at: index)
    }
}

extension Int64: DatabaseBindable {
    public func bind(to statement: Statement, at index: Int32) throws(DatabaseError) {
        try statement.bind(self, at: index)
    }
}

extension Int32: DatabaseBindable {
    public func bind(to statement: Statement, at index: Int32) throws(DatabaseError) {
        try statement.bind(Int64(self), at: index)
    }
}

extension Double: DatabaseBindable {
    public func bind(to statement: Statement, at index: Int32) throws(DatabaseError) {
        try statement.bind(self, at: index)
    }
}

extension Bool: DatabaseBindable {
    public func bind(to statement: Statement, at index: Int32) throws(DatabaseError) {
        try statement.bind(self, at: index)
    }
}

extension String: DatabaseBindable {
    public func bind(to statement: Statement, at index: Int32) throws(DatabaseError) {
        try statement.bind(self, at: index)
    }
}

extension Data: DatabaseBindable {
    public func bind(to statement: Statement, at index: Int32) throws(DatabaseError) {
        try statement.bind(self, at: index)
    }
}
