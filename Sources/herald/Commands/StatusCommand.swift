import Foundation
import HeraldCore
import HeraldDispatch
import HeraldStore

enum StatusCommand {
    static let spec = CommandSpec(
        path: ["status"],
        summary: "Show the database's schema version and each queue's jobs",
        discussion: "Reads only: a database that does not exist yet is reported, not created.",
        options: [DatabaseOption.spec, .flag("--json", "print the numbers as JSON, for scripts")],
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
                report = try StatusReport.read(path: path, now: SystemClock().now())
            } catch let error as DatabaseError {
                throw CommandFailure(.dataError, "cannot read \(path): \(error)")
            }
            print(invocation.flag("--json") ? try report.json() : report.rendered(path: path))
            return .ok
        })
}

/// What `herald status` shows, read in one snapshot.
struct StatusReport: Codable {
    var schemaVersion: Int
    var latestSchemaVersion: Int
    var queues: [QueueStats]
    /// What the dispatcher's worker groups reported last (empty when none ever ran).
    var dispatcher: [QueueActivity] = []
    /// Seconds since the oldest of those reports (a dispatcher that stopped goes stale).
    var dispatcherAge: TimeInterval?

    static func read(path: String, now: Date) throws -> StatusReport {
        let db = try Database(path: path, options: .reader)
        return try db.transaction(.deferred) {
            let version = try db.userVersion()
            let latest = Schema.migrator.latestVersion
            // Older schemas may lack the tables; newer ones may have changed them.
            guard version == latest else {
                return StatusReport(schemaVersion: version, latestSchemaVersion: latest, queues: [])
            }
            var report = StatusReport(schemaVersion: version, latestSchemaVersion: latest,
                                      queues: try QueueStats.read(now: now, db: db))
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .millisecondsSince1970
            for row in try RuntimeStore.load(db: db) {
                guard let activity = try? decoder.decode(QueueActivity.self, from: Data(row.json.utf8)) else { continue }
                report.dispatcher.append(activity)
                let age = max(0, Double(now.unixMilliseconds - row.updatedAt) / 1000)
                report.dispatcherAge = max(report.dispatcherAge ?? 0, age)
            }
            return report
        }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func rendered(path: String) -> String {
        var lines: [String] = []
        if schemaVersion < latestSchemaVersion {
            lines.append("\(path): schema version \(schemaVersion), herald expects \(latestSchemaVersion): "
                         + "run `herald migrate --db \(path)`")
            return lines.joined(separator: "\n")
        }
        if schemaVersion > latestSchemaVersion {
            lines.append("\(path): schema version \(schemaVersion) is newer than this herald "
                         + "(\(latestSchemaVersion)); upgrade herald")
            return lines.joined(separator: "\n")
        }
        lines.append("\(path): schema version \(schemaVersion) (current)")
        if queues.isEmpty {
            lines.append("queues: none yet (nothing has been enqueued)")
            return (lines + dispatcherLines()).joined(separator: "\n")
        }
        let header = ["queue", "available", "scheduled", "running", "retrying", "dead", "succeeded",
                      "oldest", "done/1m", "done/5m", "failed/15m", "state"]
        var rows = [header]
        for queue in queues {
            rows.append([
                queue.queue, "\(queue.available)", "\(queue.scheduled)", "\(queue.running)", "\(queue.retrying)",
                "\(queue.dead)", "\(queue.succeeded)", Self.age(queue.oldestAvailableAge),
                "\(queue.succeededLast.oneMinute)", "\(queue.succeededLast.fiveMinutes)",
                "\(queue.failedLast.fifteenMinutes)",
                queue.paused ? "paused: \(queue.pausedReason ?? "no reason given")" : "running",
            ])
        }
        lines += Self.table(rows)
        lines += dispatcherLines()
        return lines.joined(separator: "\n")
    }

    /// The limiters of each queue, as the dispatcher last reported them.
    func dispatcherLines() -> [String] {
        guard !dispatcher.isEmpty, let age = dispatcherAge else {
            return ["", "dispatcher: not running here yet (`herald serve` starts it)"]
        }
        let stale = age > 10
        let lines = ["", stale ? "dispatcher: last report \(Self.age(age)) ago (not running?)"
                                : "dispatcher: running (reported \(age < 1 ? "just now" : Self.age(age) + " ago"))"]
        var rows = [["queue", "in flight", "tokens", "rate/s", "window", "circuit", "sent", "deferred", "waiting"]]
        for queue in dispatcher {
            let counters = queue.counters
            rows.append([
                queue.queue, "\(queue.inFlight)/\(queue.concurrency)", "\(queue.tokens)/\(queue.burst)",
                String(format: "%g", queue.rate), (queue.windowOpen ? "open " : "closed ") + queue.sendWindow,
                queue.circuit + (queue.circuitOpens > 0 ? " (opened \(queue.circuitOpens)×)" : ""),
                "\(counters.sent)", "\(counters.deferredQuietHours + counters.deferredFrequencyCap)",
                queue.waiting.summary,
            ])
        }
        return lines + Self.table(rows)
    }

    static func age(_ seconds: TimeInterval) -> String {
        switch seconds {
        case ..<1: "-"
        case ..<120: "\(Int(seconds))s"
        case ..<7200: "\(Int(seconds / 60))m"
        default: "\(Int(seconds / 3600))h"
        }
    }

    /// Left-aligned first column, right-aligned numbers, two spaces between.
    static func table(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 || column == row.count - 1 ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}
