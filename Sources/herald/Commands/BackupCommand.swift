import Foundation
import HeraldStore

/// `herald backup`: a consistent copy of the database while `herald serve` runs.
enum BackupCommand {
    static let spec = CommandSpec(
        path: ["backup"],
        summary: "Copy the database to a file while Herald keeps running",
        discussion: """
            Uses SQLite's online backup API in steps, so a running `herald serve` keeps
            writing; the copy is one consistent snapshot. It is written to a temporary file
            (mode 0600) in the destination's folder, checked with PRAGMA integrity_check
            (--quick: quick_check, faster on a large database), and renamed to FILE only
            when complete: a failed backup leaves nothing under FILE. An existing FILE is
            refused unless --force. Prints the file's size, pages and schema version.
            Restore: stop herald, copy the backup over the database (remove the old -wal
            and -shm files), run `herald migrate`, start herald (docs/RUNBOOK.md).
            """,
        options: [DatabaseOption.spec,
                  .value("--to", "FILE", "where to write the backup"),
                  .flag("--force", "replace FILE if it exists"),
                  .flag("--quick", "check the copy with PRAGMA quick_check instead of integrity_check")],
        run: { invocation in try run(invocation) })

    static func run(_ invocation: Invocation) throws -> ExitCode {
        guard let destination = invocation.value("--to"), !destination.isEmpty else {
            throw UsageError(message: "--to FILE is required: say where to write the backup", command: invocation.command)
        }
        let path = DatabaseOption.path(invocation)
        try DatabaseOption.requireDirectory(of: path)
        let report: Database.BackupReport
        do {
            report = try Database.backup(of: path, to: destination, overwrite: invocation.flag("--force"),
                                         quickCheck: invocation.flag("--quick"))
        } catch {
            throw CommandFailure(exitCode(for: error.code), error.message)
        }
        var line = "\(path) -> \(report.path): \(report.bytes) bytes, \(report.pageCount) pages of "
            + "\(report.pageSize) bytes, schema version \(report.schemaVersion), \(report.check) ok"
        if report.restarts > 0 { line += " (restarted \(report.restarts)× by concurrent writes)" }
        print(line)
        return .ok
    }

    static func exitCode(for code: Database.BackupError.Code) -> ExitCode {
        switch code {
        case .sourceNotFound, .sourceUnreadable: .noInput
        case .notADatabase, .integrityFailed: .dataError
        case .destinationExists, .cannotCreate: .cannotCreate
        case .busy: .temporaryFailure
        case .failed: .software
        }
    }
}
