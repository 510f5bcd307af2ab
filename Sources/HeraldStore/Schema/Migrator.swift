import CSQLite

/// One forward-only schema step.
public struct Migration: Sendable {
    /// The `PRAGMA user_version` the database has after this step.
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Applies migrations by `PRAGMA user_version`: each pending step runs in its
/// own BEGIN IMMEDIATE transaction together with the version bump, so a crash
/// leaves the database at a whole version. Running it again is a no-op.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(_ migrations: [Migration]) {
        precondition(zip(migrations, migrations.dropFirst()).allSatisfy { $0.version < $1.version },
                     "migrations must be in increasing version order")
        self.migrations = migrations
    }

    /// The version a fully migrated database has.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// What `migrate` did.
    public struct Report: Sendable, Equatable {
        public let fromVersion: Int
        public let toVersion: Int
        public var applied: [Int]
    }

    @discardableResult
    public func migrate(_ db: Database) throws -> Report {
        let start = try db.userVersion()
        guard start <= latestVersion else {
            throw DatabaseError(extendedResultCode: SQLITE_ERROR,
                                message: "\(db.path) has schema version \(start), newer than this herald "
                                    + "understands (\(latestVersion)); upgrade herald")
        }
        var report = Report(fromVersion: start, toVersion: start, applied: [])
        for migration in migrations where migration.version > start {
            try db.transaction(.immediate) {
                // Another process may have migrated meanwhile: re-read under the lock.
                guard try db.userVersion() < migration.version else { return }
                try db.execute(migration.sql)
                try db.execute("PRAGMA user_version = \(migration.version)")
                report.applied.append(migration.version)
            }
            report = Report(fromVersion: start, toVersion: migration.version, applied: report.applied)
        }
        return report
    }
}
