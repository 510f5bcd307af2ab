import Foundation
import HeraldCore
import HeraldServer
import HeraldStore

/// `herald dead list|show|retry|purge`: jobs that used up their attempts or
/// failed for good, on the local database or through a running server
/// (`--url`, an admin token: dead jobs belong to queues, which serve every
/// committee).
enum DeadCommand {
    static let queueOption = OptionSpec.value("--queue", "NAME", "only this queue's dead jobs")

    static let listSpec = CommandSpec(
        path: ["dead", "list"],
        summary: "List dead jobs, most recently died first",
        options: [queueOption, .value("--limit", "N", "at most this many", default: "100"),
                  .flag("--json", "print JSON, for scripts")] + CommandTarget.options,
        run: { invocation in try list(invocation) })

    static let showSpec = CommandSpec(
        path: ["dead", "show"],
        summary: "Show a dead job: its last error, every attempt, and the delivery it sends",
        discussion: "The resident's phone number is shown masked (138****0001).",
        positionals: [PositionalSpec(name: "JOB", help: "the job's id (from herald dead list)")],
        options: [.flag("--json", "print JSON, for scripts")] + CommandTarget.options,
        run: { invocation in try show(invocation) })

    static let retrySpec = CommandSpec(
        path: ["dead", "retry"],
        summary: "Put dead jobs back in their queue, due now, with their attempts reset",
        discussion: """
            Give a job id, or --all (with --queue: that queue's dead jobs only). All of it
            happens in one transaction. A job whose send was enqueued again since it died
            (its unique key is taken) stays dead, so nobody gets the same message twice.
            The send-time checks still apply: a retried send for a cancelled broadcast, a
            confirmed delivery or an opted-out resident is skipped, not sent.
            """,
        positionals: [PositionalSpec(name: "JOB", help: "the job's id", optional: true)],
        options: [.flag("--all", "every dead job (of --queue, if given)"), queueOption] + CommandTarget.options,
        run: { invocation in try retry(invocation) })

    static let purgeSpec = CommandSpec(
        path: ["dead", "purge"],
        summary: "Delete dead jobs for good",
        discussion: """
            --older-than 7d deletes jobs that died more than that long ago (30m, 12h, 7d);
            --all deletes every dead job and needs --yes. --queue limits either to one
            queue. One transaction. The deliveries keep their history; only the job rows
            and their attempt records go.
            """,
        options: [.value("--older-than", "AGE", "only jobs that died more than AGE ago, e.g. 7d"),
                  .flag("--all", "every dead job (needs --yes)"),
                  .flag("--yes", "confirm --all"),
                  queueOption] + CommandTarget.options,
        run: { invocation in try purge(invocation) })

    // MARK: list, show

    static func list(_ invocation: Invocation) throws -> ExitCode {
        let limitText = invocation.value("--limit") ?? "100"
        guard let limit = Int(limitText), limit >= 1 else {
            throw CommandFailure(.usage, "--limit must be a whole number of at least 1; got '\(limitText)'")
        }
        let queue = invocation.value("--queue")
        let found: DeadJobList
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            found = try api.get("/v1/dead", query: [("queue", queue), ("limit", String(limit))], as: DeadJobList.self)
        case .local:
            let dead = DeadLetters(try LocalDatabase.open(invocation))
            found = try LocalDatabase.run {
                DeadJobList(total: try dead.count(queue: queue), dead: try dead.list(queue: queue, limit: limit).map(DeadJobView.init))
            }
        }
        let (jobs, total) = (found.dead, found.total)
        if invocation.flag("--json") {
            print(try CommandJSON.text(found))
            return .ok
        }
        guard !jobs.isEmpty else {
            print(queue.map { "no dead jobs in queue \($0)" } ?? "no dead jobs")
            return .ok
        }
        var rows = [["job", "queue", "attempts", "died", "committee", "broadcast", "last error"]]
        for job in jobs {
            rows.append(["\(job.id)", job.queue, "\(job.attempts)/\(job.maxAttempts)", CommandTime.display(job.diedAt),
                         "\(job.committee)", job.broadcast.map(String.init) ?? "-", Self.short(job.lastError ?? "-")])
        }
        print(TextColumns.lines(rows, numeric: [0, 4, 5]).joined(separator: "\n"))
        if total > jobs.count { print("showing \(jobs.count) of \(total) dead jobs (--limit N for more)") }
        return .ok
    }

    static func show(_ invocation: Invocation) throws -> ExitCode {
        let id = try jobID(invocation.positional(0))
        let report: DeadJobReport
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            report = try api.get("/v1/dead/\(id)", as: DeadJobReport.self)
        case .local:
            let dead = DeadLetters(try LocalDatabase.open(invocation))
            switch try LocalDatabase.run({ try dead.lookup(id) }) {
            case .dead(let found): report = DeadJobReport(found)
            case .notDead(let state): throw CommandFailure(.dataError, "job \(id) is not dead: it is \(state.name)")
            case .notFound: throw CommandFailure(.noInput, "no job \(id)")
            }
        }
        print(invocation.flag("--json") ? try CommandJSON.text(report) : report.rendered)
        return .ok
    }

    // MARK: retry, purge

    static func retry(_ invocation: Invocation) throws -> ExitCode {
        let all = invocation.flag("--all")
        let queue = invocation.value("--queue")
        if let text = invocation.positional(0) {
            guard !all else { throw CommandFailure(.usage, "give a job id or --all, not both") }
            guard queue == nil else { throw CommandFailure(.usage, "--queue goes with --all; a job id names one job") }
            let id = try jobID(text)
            switch try CommandTarget.resolve(invocation) {
            case .remote(let api):
                _ = try api.post("/v1/dead/\(id)/retry", json: [String: String](), as: DeadRetryView.self)
            case .local:
                let dead = DeadLetters(try LocalDatabase.open(invocation))
                switch try LocalDatabase.run({ try dead.retry(id) }) {
                case .retried: break
                case .notDead(let state): throw CommandFailure(.dataError, "job \(id) is not dead: it is \(state.name)")
                case .notFound: throw CommandFailure(.noInput, "no job \(id)")
                case .keyHeld(let holder):
                    throw CommandFailure(.dataError, "job \(id) stays dead: job \(holder) sends the same message and is "
                                         + "still pending or running")
                }
            }
            print("job \(id) is pending again, due now, attempts reset")
            return .ok
        }
        guard all else {
            throw UsageError(message: "say which dead jobs: a job id, or --all", command: invocation.command)
        }
        let report: DeadRetryView
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            report = try api.post("/v1/dead/retry", json: DeadRetryAllBody(queue: queue), as: DeadRetryView.self)
        case .local:
            let dead = DeadLetters(try LocalDatabase.open(invocation))
            report = DeadRetryView(try LocalDatabase.run { try dead.retryAll(queue: queue) })
        }
        print("\(report.retried) dead jobs\(queue.map { " of queue \($0)" } ?? "") are pending again, due now")
        for held in report.keyHeld {
            print("job \(held.job) stays dead: job \(held.heldBy) sends the same message and is still pending or running")
        }
        return .ok
    }

    static func purge(_ invocation: Invocation) throws -> ExitCode {
        let all = invocation.flag("--all")
        let olderThan = invocation.value("--older-than")
        let queue = invocation.value("--queue")
        guard all != (olderThan != nil) else {
            throw UsageError(message: "give exactly one of --older-than AGE and --all", command: invocation.command)
        }
        if all, !invocation.flag("--yes") {
            throw CommandFailure(.usage, "--all deletes every dead job\(queue.map { " of queue \($0)" } ?? ""); "
                                 + "add --yes to confirm")
        }
        let age = try olderThan.map { try CommandTime.duration($0, option: "--older-than") }
        let removed: Int
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            let body = DeadPurgeBody(olderThanSeconds: age.map { Int($0.rounded(.up)) }, all: all ? true : nil, queue: queue)
            removed = try api.post("/v1/dead/purge", json: body, as: DeadPurgeView.self).deleted
        case .local:
            let jobs = try LocalDatabase.open(invocation)
            let cutoff = age.map { jobs.clock.now() - $0 }
            removed = try LocalDatabase.run { try DeadLetters(jobs).purge(diedBefore: cutoff, queue: queue) }
        }
        print("deleted \(removed) dead jobs" + (queue.map { " of queue \($0)" } ?? "")
              + (olderThan.map { " that died more than \($0) ago" } ?? ""))
        return .ok
    }

    // MARK: Helpers

    static func jobID(_ text: String?) throws -> Int64 {
        guard let text, let id = Int64(text), id > 0 else {
            throw CommandFailure(.usage, "JOB must be a job id (a positive whole number); got '\(text ?? "")'")
        }
        return id
    }

    /// The first line of `text`, cut to 60 characters.
    static func short(_ text: String) -> String {
        let line = RemoteAPI.oneLine(text)
        return line.count > 60 ? String(line.prefix(59)) + "…" : line
    }
}
