import Foundation
import Testing
@testable import HeraldStore

@Suite struct MigratorTests {
    @Test func migratingTwiceIsANoOp() throws {
        let directory = TemporaryDirectory()
        let db = try Database(path: directory.file("migrate.db"))
        let first = try Schema.migrator.migrate(db)
        #expect(first.fromVersion == 0)
        #expect(first.toVersion == Schema.migrator.latestVersion)
        #expect(!first.applied.isEmpty)
        let schema = try db.prepare("SELECT sql FROM sqlite_schema ORDER BY name").rows { $0.optionalString(0) }
        let second = try Schema.migrator.migrate(db)
        #expect(second.applied.isEmpty)
        #expect(second.fromVersion == Schema.migrator.latestVersion)
        #expect(try db.prepare("SELECT sql FROM sqlite_schema ORDER BY name").rows { $0.optionalString(0) } == schema)
        #expect(try db.userVersion() == Schema.migrator.latestVersion)
    }

    @Test func onlyPendingStepsRunInOrder() throws {
        let directory = TemporaryDirectory()
        let db = try Database(path: directory.file("steps.db"))
        let v1 = Migrator([Migration(version: 1, name: "a", sql: "CREATE TABLE a (x)")])
        try v1.migrate(db)
        let v2 = Migrator(v1.migrations + [Migration(version: 2, name: "b", sql: "CREATE TABLE b (x)")])
        let report = try v2.migrate(db)
        #expect(report.applied == [2])
        #expect(try db.userVersion() == 2)
    }

    @Test func failedStepLeavesTheWholePreviousVersion() throws {
        let directory = TemporaryDirectory()
        let db = try Database(path: directory.file("failed.db"))
        let broken = Migrator([
            Migration(version: 1, name: "ok", sql: "CREATE TABLE a (x)"),
            Migration(version: 2, name: "broken", sql: "CREATE TABLE b (x); CREATE TABLE a (y)"),
        ])
        #expect(throws: DatabaseError.self) { try broken.migrate(db) }
        #expect(try db.userVersion() == 1)
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'b'") == 0)
    }

    @Test func newerDatabaseIsRefused() throws {
        let directory = TemporaryDirectory()
        let db = try Database(path: directory.file("newer.db"))
        try db.execute("PRAGMA user_version = 99")
        let error = #expect(throws: DatabaseError.self) { try Schema.migrator.migrate(db) }
        #expect(error?.message.contains("newer") == true)
    }
}
