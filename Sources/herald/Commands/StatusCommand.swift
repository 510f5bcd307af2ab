import Foundation
import HeraldCore
import HeraldStore

enum StatusCommand {
    static let spec = CommandSpec(
        path: ["status"],
        summary: "Show the database's schema version and each queue's jobs",
        discussion: "Reads only: a database that does not exist yet is reported, not created.",
        options: [DatabaseOption.spec],
        run: { invocation in
            let path = DatabaseOption.path(invocation)
            try DatabaseOption.requireDirectory(of: path)
            guard FileManager.default.fileExists(atPath: path) else {
                print("\(path): no database yet, so nothing is queued. "
                      + "`herald migrate --db \(path)` creates it (so does `herald serve`).")
                return .ok
            }
            let report: StatusReport
            do {
                report = try StatusReport.read(path: path)
            } catch let error as DatabaseError {
                throw CommandFailure(.dataError, "cannot read \(path): \(error)")
            }
            print(report.rendered(path: path))
            return .ok
        })
}

/// What `herald status` shows, read in one snapshot.
struct StatusReport {
    var schemaVersion: Int
    var queues: [(queue: String, state: Int, count: Int)]

    static func read(path: String) throws -> StatusReport {
        let db = try Database(path: path, options: .reader)
        return try db.transaction(.deferred) {
            let version = try db.userVersion()
            guard version > 0 else { return StatusReport(schemaVersion: 0, queues: []) }
            let rows = try db.prepare("SELECT queue, state, count(*) FROM jobs GROUP BY queue, state ORDER BY queue")
                .rows { ($0.string(0), $0.int(1), $0.int(2)) }
            return StatusReport(schemaVersion: version, queues: rows.map { (queue: $0.0, state: $0.1, count: $0.2) })
        }
    }

    func rendered(path: String) -> String {
        let latest = Schema.migrator.latestVersion
        var lines: [String] = []
        if schemaVersion < latest {
            lines.append("\(path): schema version \(schemaVersion), herald expects \(latest): "
                         + "run `herald migrate --db \(path)`")
        } else {
            lines.append("\(path): schema version \(schemaVersion) (current)")
        }
        if queues.isEmpty {
            lines.append("queues: none yet (no jobs have been enqueued)")
        } else {
            for name in Set(queues.map(\.queue)).sorted() {
                let counts = queues.filter { $0.queue == name }
                let summary = counts.map { "state \($0.state): \($0.count)" }.joined(separator: ", ")
                lines.append("queue \(name): \(summary)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
