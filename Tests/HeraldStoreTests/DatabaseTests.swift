import CSQLite
import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

/// A fresh directory per test, removed afterwards.
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "herald-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

@Suite struct DatabaseTests {
    @Test func walIsReallyOn() throws {
        let directory = TemporaryDirectory()
        let db = try Database(path: directory.file("wal.db"))
        #expect(try db.journalMode() == "wal")
        // A second, independent connection sees the mode persisted in the file.
        let reader = try Database(path: directory.file("wal.db"), options: .reader)
        #expect(try reader.journalMode() == "wal")
    }

    @Test func foreignKeysAreOnAndSynchronousIsConfigurable() throws {
        let directory = TemporaryDirectory()
        var options = Database.Options()
        options.synchronous = .full
        let db = try Database(path: directory.file("fk.db"), options: options)
        #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try db.scalarInt("PRAGMA synchronous") == 2)  // FULL
        try db.execute("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (parent INTEGER REFERENCES parent(id));
            """)
        #expect(throws: DatabaseError.self) {
            try db.prepare("INSERT INTO child VALUES (?)").execute([42])
        }
    }

    @Test func newDatabaseFileIsPrivate() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("private.db")
        let db = try Database(path: path)
        try db.execute("CREATE TABLE t (x)")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let walMode = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.posixPermissions] as? Int
        #expect(walMode == 0o600)
    }

    @Test func thrownErrorRollsBack() throws {
        struct Refused: Error {}
        let directory = TemporaryDirectory()
        let db = try Database(path: directory.file("rollback.db"))
        try db.execute("CREATE TABLE residents (name TEXT NOT NULL)")
        try db.transaction { try db.prepare("INSERT INTO residents VALUES (?)").execute(["王阿姨"]) }
        #expect(throws: Refused.self) {
            try db.transaction {
                try db.prepare("INSERT INTO residents VALUES (?)").execute(["李伯伯"])
                throw Refused()
            }
        }
        #expect(!db.isInTransaction)
        #expect(try db.scalarInt("SELECT count(*) FROM residents") == 1)
        // A failing statement inside the transaction rolls back the earlier ones too.
        #expect(throws: DatabaseError.self) {
            try db.transaction {
                try db.prepare("INSERT INTO residents VALUES (?)").execute(["张先生"])
                try db.prepare("INSERT INTO residents VALUES (NULL)").execute()
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM residents") == 1)
    }

    @Test func nestedTransactionsAreRejected() throws {
        let directory = TemporaryDirectory()
        let db = try Database(path: directory.file("nested.db"))
        let error = #expect(throws: DatabaseError.self) {
            try db.transaction { try db.transaction { } }
        }
        #expect(error?.message.contains("already open") == true)
        #expect(!db.isInTransaction)
    }

    @Test func errorsCarrySQLButNeverBoundValues() throws {
        let directory = TemporaryDirectory()
        let db = try Database(path: directory.file("errors.db"))
        try db.execute("CREATE TABLE residents (phone TEXT UNIQUE)")
        let insert = try db.prepare("INSERT INTO residents (phone) VALUES (?)")
        try insert.execute(["+8613812345678"])
        let error = #expect(throws: DatabaseError.self) { try insert.execute(["+8613812345678"]) }
        #expect(error?.resultCode == SQLITE_CONSTRAINT)
        #expect(error?.extendedResultCode == SQLITE_CONSTRAINT | (8 << 8))  // SQLITE_CONSTRAINT_UNIQUE
        #expect(error?.sql == "INSERT INTO residents (phone) VALUES (?)")
        #expect(error?.description.contains("13812345678") == false)
        #expect(error?.description.contains("SQLITE_CONSTRAINT") == true)
    }

    @Test func statementBindsByIndexAndNameAndReadsTypedColumns() throws {
        let directory = TemporaryDirectory()
        let db = try Database(path: directory.file("types.db"))
        try db.execute("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)")
        let insert = try db.prepare("INSERT INTO t VALUES (:i, :d, :s, :b, :n)")
        try insert.bind(Int64(1) << 40, named: ":i")
        try insert.bind(2.5, named: ":d")
        try insert.bind("楼道微整治", named: ":s")
        try insert.bind(Data([0, 1, 2, 255]), named: ":b")
        try insert.bind(nil, named: ":n")
        #expect(try insert.step() == false)
        #expect(throws: DatabaseError.self) { try insert.bind(1, named: ":missing") }
        let select = try db.prepare("SELECT i, d, s, b, n FROM t WHERE s = ?")
        let row = try select.firstRow(["楼道微整治"]) { row in
            (row.int64(0), row.double(1), row.string(2), row.data(3), row.optionalString(4))
        }
        #expect(row?.0 == Int64(1) << 40)
        #expect(row?.1 == 2.5)
        #expect(row?.2 == "楼道微整治")
        #expect(row?.3 == Data([0, 1, 2, 255]))
        #expect(row?.4 == nil)
        #expect(select.columnName(2) == "s")
    }

    @Test func twoConnectionsContendingForTheWriteLockBothSucceed() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("contention.db")
        try Database(path: path).execute("CREATE TABLE counter (writer INTEGER, n INTEGER)")
        let rounds = 300
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            do {
                var options = Database.Options()
                options.busyTimeout = .seconds(5)
                let db = try Database(path: path, options: options)
                let insert = try db.prepare("INSERT INTO counter VALUES (?, ?)")
                for round in 0..<rounds {
                    try db.transaction(.immediate) {
                        try insert.execute([writer, round])
                        try insert.execute([writer, -round])
                    }
                }
            } catch {
                failures.record("\(error)")
            }
        }
        #expect(failures.all.isEmpty)
        let db = try Database(path: path)
        #expect(try db.scalarInt("SELECT count(*) FROM counter") == Int64(2 * 2 * rounds))
    }

    @Test func busyBoundIsAnErrorNotAHang() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("busy.db")
        let holder = try Database(path: path)
        try holder.execute("CREATE TABLE t (x)")
        var options = Database.Options()
        options.busyTimeout = .milliseconds(20)
        let waiter = try Database(path: path, options: options)
        try holder.execute("BEGIN IMMEDIATE")
        let error = #expect(throws: DatabaseError.self) { try waiter.transaction(.immediate) {} }
        #expect(error?.isBusy == true)
        try holder.execute("COMMIT")
        try waiter.transaction(.immediate) { try waiter.execute("INSERT INTO t VALUES (1)") }
    }

    @Test func writerSerializesWritesFromManyThreads() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("writer.db")
        let writer = try DatabaseWriter(path: path)
        try writer.write { db in try db.execute("CREATE TABLE t (x INTEGER)") }
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            _ = try? writer.write { db in try db.cached("INSERT INTO t VALUES (?)").execute([i]) }
        }
        let readers = DatabaseReaderPool(path: path, maximum: 2)
        #expect(try readers.read { try $0.scalarInt("SELECT count(*) FROM t") } == 8)
    }
}

/// Collects errors from concurrent work. `@unchecked Sendable`: guarded by `lock`.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func record(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}
