import Foundation
import HeraldCore
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

    @Test func aVersion2QueueUpgradesToFairClaimsWithItsJobs() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("v2.db")
        let clock = ManualClock()
        let now = clock.now()
        // A database as herald with schema v2 left it, with pending, future and running jobs.
        let writer = try DatabaseWriter(path: path)
        let upToV2 = Migrator(Schema.migrator.migrations.filter { $0.version <= 2 })
        #expect(try writer.withConnection { try upToV2.migrate($0) }.toVersion == 2)
        let old = JobQueue(writer: writer, readers: DatabaseReaderPool(path: path), clock: clock)
        func job(_ name: String, committee: Int64, runAt: Date? = nil) -> NewJob {
            NewJob(queue: "sms", payload: Data(name.utf8), runAt: runAt, committee: committee)
        }
        try old.enqueue((0..<4).map { job("a\($0)", committee: 1) } + (0..<2).map { job("b\($0)", committee: 2) }
            + [job("later", committee: 3, runAt: now + 60)])
        let running = try writer.write { db in
            try db.cached("UPDATE jobs SET state = 1, lease_token = 5, lease_expires_at = ?1 WHERE id = 1")
                .execute([now.unixMilliseconds + 30_000])
            return db.changes
        }
        #expect(running == 1)
        let indexSQL = "SELECT sql FROM sqlite_schema WHERE name = 'jobs_claim'"
        #expect(try writer.withConnection { try $0.prepare(indexSQL).firstRow { $0.string(0) } }?
                    .contains("(queue_id, priority, run_at)") == true)

        let upgraded = try JobQueue(path: path, clock: clock)
        try upgraded.writer.withConnection { db throws in
            #expect(try db.userVersion() == Schema.migrator.latestVersion)
            #expect(try db.prepare(indexSQL).firstRow { $0.string(0) }?
                        .contains("(queue_id, priority, committee, run_at) WHERE state = 0") == true)
            #expect(try db.scalarInt("SELECT count(*) FROM contacts") == 0)
            #expect(try db.prepare("PRAGMA integrity_check").firstRow { $0.string(0) } == "ok")
        }
        let claimed = try upgraded.claim(queue: "sms", limit: 10, leaseFor: 30)
        #expect(claimed.map { String(decoding: $0.payload, as: UTF8.self) } == ["a1", "b0", "a2", "b1", "a3"],
                "pending jobs claimed round-robin; the running one and the future one left alone")
        #expect(try upgraded.nextDue(queue: "sms") == now + 60)
        clock.advance(by: 60)
        #expect(try upgraded.claim(queue: "sms", limit: 10, leaseFor: 30).map(\.committee) == [3])
    }

    @Test func newerDatabaseIsRefused() throws {
        let directory = TemporaryDirectory()
        let db = try Database(path: directory.file("newer.db"))
        try db.execute("PRAGMA user_version = 99")
        let error = #expect(throws: DatabaseError.self) { try Schema.migrator.migrate(db) }
        #expect(error?.message.contains("newer") == true)
    }
}
