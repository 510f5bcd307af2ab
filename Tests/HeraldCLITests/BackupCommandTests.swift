import Foundation
import HeraldCore
import HeraldStore
import Testing

/// `herald backup`, run as a user would: a checked, private copy under its
/// final name only when complete, and one-line errors with sysexits codes.
@Suite struct BackupCommandTests {
    /// A fresh folder for one test, removed afterwards.
    final class Folder {
        let path = NSTemporaryDirectory() + "herald-backup-\(UUID().uuidString)"

        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        func file(_ name: String) -> String { path + "/" + name }

        var names: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
    }

    /// A database migrated by `herald migrate`, with `committees` committees.
    static func database(in folder: Folder, committees: Int = 25) throws -> String {
        let path = folder.file("herald.db")
        let migrated = try HeraldProcess.run(["migrate", "--db", path])
        try #require(migrated.status == 0, "\(migrated.stderr)")
        let db = try Database(path: path)
        try db.transaction {
            for index in 0..<committees {
                _ = try CommitteeStore.create(slug: "c\(index)", name: "第\(index)居委会 " + String(repeating: "阳光", count: 20),
                                              at: 0, db: db)
            }
        }
        return path
    }

    static func committeeCount(_ path: String) throws -> Int {
        let db = try Database(path: path, options: .reader)
        return Int(try db.scalarInt("SELECT count(*) FROM committees") ?? -1)
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// One line on stderr, naming what went wrong.
    static func expectOneLine(_ result: HeraldProcess.Result, containing text: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        let said = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!said.contains("\n"), "more than one line: \(said)", sourceLocation: sourceLocation)
        #expect(said.hasPrefix("herald backup: "), "\(said)", sourceLocation: sourceLocation)
        #expect(said.contains(text), "\(said)", sourceLocation: sourceLocation)
    }

    @Test func copiesAMigratedDatabaseWithItsRows() throws {
        let folder = try Folder()
        let source = try Self.database(in: folder)
        let backups = folder.file("backups")
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: false)
        let copy = backups + "/herald-copy.db"

        let result = try HeraldProcess.run(["backup", "--db", source, "--to", copy])
        #expect(result.status == 0, "\(result.stderr)")
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!line.contains("\n"))
        #expect(line.contains(copy) && line.contains("bytes") && line.contains("pages of")
                && line.contains("integrity_check ok"), "\(line)")

        #expect(try Self.committeeCount(copy) == 25)
        #expect(try Self.mode(copy) == 0o600)
        let copied = try Database(path: copy, options: .reader)
        #expect(try copied.userVersion() == Schema.migrator.latestVersion)
        #expect(line.contains("schema version \(Schema.migrator.latestVersion)"))
        let size = try FileManager.default.attributesOfItem(atPath: copy)[.size] as? NSNumber
        #expect(line.contains("\(size?.intValue ?? -1) bytes"), "\(line)")
        // No temporary file, journal or WAL left beside it.
        let left = try FileManager.default.contentsOfDirectory(atPath: backups).filter { !$0.hasSuffix("-shm") && !$0.hasSuffix("-wal") }
        #expect(left == ["herald-copy.db"])

        let quick = try HeraldProcess.run(["backup", "--db", source, "--to", backups + "/quick.db", "--quick"])
        #expect(quick.status == 0, "\(quick.stderr)")
        #expect(quick.stdout.contains("quick_check ok"))
    }

    @Test func refusesToOverwriteUnlessForced() throws {
        let folder = try Folder()
        let source = try Self.database(in: folder, committees: 3)
        let existing = folder.file("existing.db")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        _ = chmod(existing, 0o644)

        let refused = try HeraldProcess.run(["backup", "--db", source, "--to", existing])
        #expect(refused.status == 73)
        Self.expectOneLine(refused, containing: "already exists")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")
        #expect(!folder.names.contains { $0.contains(".tmp-") }, "\(folder.names)")

        let forced = try HeraldProcess.run(["backup", "--db", source, "--to", existing, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try Self.committeeCount(existing) == 3)
        #expect(try Self.mode(existing) == 0o600)

        // Never over the database itself, --force or not.
        let itself = try HeraldProcess.run(["backup", "--db", source, "--to", source, "--force"])
        #expect(itself.status == 73)
        Self.expectOneLine(itself, containing: "is the database itself")
        #expect(try Self.committeeCount(source) == 3)
    }

    @Test func badPathsGiveOneLineErrors() throws {
        let folder = try Folder()
        let out = folder.file("out.db")

        let missing = try HeraldProcess.run(["backup", "--db", folder.file("nope.db"), "--to", out])
        #expect(missing.status == 66)
        Self.expectOneLine(missing, containing: "no database at \(folder.file("nope.db"))")

        let noFolder = try HeraldProcess.run(["backup", "--db", folder.file("missing/herald.db"), "--to", out])
        #expect(noFolder.status == 66)
        Self.expectOneLine(noFolder, containing: "does not exist")

        let text = folder.file("notes.txt")
        try Data(String(repeating: "not a database\n", count: 400).utf8).write(to: URL(fileURLWithPath: text))
        let notADatabase = try HeraldProcess.run(["backup", "--db", text, "--to", out])
        #expect(notADatabase.status == 65)
        Self.expectOneLine(notADatabase, containing: "not a readable SQLite database")

        let source = try Self.database(in: folder, committees: 1)
        let nowhere = try HeraldProcess.run(["backup", "--db", source, "--to", folder.file("missing/out.db")])
        #expect(nowhere.status == 73)
        Self.expectOneLine(nowhere, containing: "does not exist")

        let intoFolder = try HeraldProcess.run(["backup", "--db", source, "--to", folder.path])
        #expect(intoFolder.status == 73)
        Self.expectOneLine(intoFolder, containing: "is a folder")

        // Nothing half-written anywhere.
        #expect(folder.names.allSatisfy { $0.hasPrefix("herald.db") || $0 == "notes.txt" }, "\(folder.names)")
    }

    @Test func usageAndHelp() throws {
        let help = try HeraldProcess.run(["backup", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Usage: herald backup"))
        #expect(help.stdout.contains("--to") && help.stdout.contains("--force") && help.stdout.contains("--db"))
        #expect(help.stdout.contains("integrity_check"))

        let noDestination = try HeraldProcess.run(["backup", "--db", "/tmp/x-\(UUID().uuidString).db"])
        #expect(noDestination.status == 64)
        #expect(noDestination.stderr.contains("--to FILE is required"))

        let overview = try HeraldProcess.run(["--help"])
        #expect(overview.stdout.contains("backup"))
    }

    /// A transaction held open by another connection (herald serve in the
    /// middle of a commit) neither blocks the backup nor ends up in it.
    @Test func backsUpWhileAWriteIsOpen() throws {
        let folder = try Folder()
        let source = try Self.database(in: folder, committees: 5)
        let writer = try Database(path: source)
        try writer.execute("BEGIN IMMEDIATE")
        _ = try CommitteeStore.create(slug: "uncommitted", name: "未提交", at: 0, db: writer)

        let copy = folder.file("copy.db")
        let result = try HeraldProcess.run(["backup", "--db", source, "--to", copy])
        try writer.execute("COMMIT")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.committeeCount(copy) == 5)
        #expect(try Self.committeeCount(source) == 6)
    }

    /// Writes from another connection between steps make SQLite start over;
    /// after a few restarts the rest goes in one step, and the copy has every
    /// committed row.
    @Test func finishesWhileAnotherConnectionKeepsWriting() throws {
        let folder = try Folder()
        let path = try Self.database(in: folder, committees: 200)
        let source = try Database(path: path, options: .reader)
        let writer = try Database(path: path)
        let destination = try Database(path: folder.file("copy.db"))
        try destination.execute("PRAGMA journal_mode = DELETE")

        var steps = 0
        var written = 0
        let restarts = try source.backup(into: destination, pagesPerStep: 2, maxRestarts: 3) { done, total in
            steps += 1
            #expect(done > 0 && done <= total)
            if written < 6 {
                written += 1
                _ = try? writer.transaction {
                    try CommitteeStore.create(slug: "written-\(written)", name: "备份中写入", at: 0, db: writer)
                }
            }
        }
        #expect(restarts >= 3)
        #expect(steps >= 4)
        let count = Int(try destination.scalarInt("SELECT count(*) FROM committees") ?? -1)
        #expect(count == 200 + written, "the copy has \(count) committees, the source \(200 + written)")
        let check = try destination.prepare("PRAGMA integrity_check")
        #expect(try check.step() && check.string(0) == "ok")
    }
}
