import CSQLite

extension Database {
    /// How a transaction takes its locks.
    public enum TransactionKind: String, Sendable {
        /// Takes the write lock at BEGIN, so a write never fails half-way with
        /// SQLITE_BUSY on lock upgrade. Every write transaction uses this.
        case immediate = "BEGIN IMMEDIATE"
        /// Takes locks as statements need them: for read-only snapshots.
        case deferred = "BEGIN DEFERRED"
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// Nested transactions are rejected (SQLite has none; use one transaction
    /// per unit of work).
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        guard !isInTransaction else {
            throw DatabaseError(extendedResultCode: SQLITE_MISUSE,
                                message: "a transaction is already open on this connection; nesting is not supported")
        }
        try cached(kind.rawValue).execute()
        let result: T
        do {
            result = try body()
        } catch {
            rollbackQuietly()
            throw error
        }
        do {
            try cached("COMMIT").execute()
        } catch {
            rollbackQuietly()
            throw error
        }
        return result
    }

    private func rollbackQuietly() {
        // A failed statement may already have rolled the transaction back.
        if isInTransaction { _ = try? execute("ROLLBACK") }
    }
}
