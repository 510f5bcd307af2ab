import Foundation
import HeraldCore
import HeraldDispatch
import HeraldServer
import HeraldStore

/// `herald queue pause|resume|list`: stop and restart a queue's sends, on
/// the local database or through a running server (`--url`, an admin
/// token). A pause is stored, so it holds across restarts and for every
/// `herald serve` on the database.
enum QueueCommand {
    static let queuesOption = OptionSpec.value("--queues", "DIR", "the queue files, for names not used yet (local only)",
                                               default: "./Queues")

    static let pauseSpec = CommandSpec(
        path: ["queue", "pause"],
        summary: "Stop sending from a queue until it is resumed",
        discussion: """
            Workers claim nothing more from the queue (sends in flight finish); its jobs
            wait, they are not dropped. The reason shows in herald status and queue list.
            With --url, an admin token is needed: a queue serves every committee.
            """,
        positionals: [PositionalSpec(name: "NAME", help: "the queue, e.g. alibaba-ivr")],
        options: [.value("--reason", "TEXT", "why, for whoever looks next"), queuesOption] + CommandTarget.options,
        run: { invocation in try pause(invocation) })

    static let resumeSpec = CommandSpec(
        path: ["queue", "resume"],
        summary: "Start sending from a paused queue again",
        positionals: [PositionalSpec(name: "NAME", help: "the queue")],
        options: [queuesOption] + CommandTarget.options,
        run: { invocation in try resume(invocation) })

    static let listSpec = CommandSpec(
        path: ["queue", "list"],
        summary: "List queues: paused or running, and their jobs by state",
        options: [queuesOption, .flag("--json", "print JSON, for scripts")] + CommandTarget.options,
        run: { invocation in try list(invocation) })

    static func pause(_ invocation: Invocation) throws -> ExitCode {
        guard let reason = invocation.value("--reason")?.trimmingCharacters(in: .whitespaces), !reason.isEmpty else {
            throw UsageError(message: "--reason is required: say why the queue is paused", command: invocation.command)
        }
        let change: QueueChange
        switch try target(invocation) {
        case .remote(let api):
            change = try api.post("/v1/queues/\(try pathSegment(invocation))/pause", json: QueuePauseBody(reason: reason),
                                  as: QueueChange.self)
        case .local:
            let jobs = try LocalDatabase.open(invocation)
            let name = try queueName(invocation, jobs)
            let before = try LocalDatabase.run { try jobs.pausedReason(queue: name) }
            try LocalDatabase.run { try jobs.pause(queue: name, reason: reason) }
            change = QueueChange(queue: name, paused: true, reason: reason, previousReason: before)
        }
        print("paused queue \(change.queue): \(reason)"
              + (change.previousReason.map { " (it was already paused: \($0))" } ?? ""))
        return .ok
    }

    static func resume(_ invocation: Invocation) throws -> ExitCode {
        let change: QueueChange
        switch try target(invocation) {
        case .remote(let api):
            change = try api.post("/v1/queues/\(try pathSegment(invocation))/resume", json: [String: String](),
                                  as: QueueChange.self)
        case .local:
            let jobs = try LocalDatabase.open(invocation)
            let name = try queueName(invocation, jobs)
            let before = try LocalDatabase.run { try jobs.pausedReason(queue: name) }
            try LocalDatabase.run { try jobs.resume(queue: name) }
            change = QueueChange(queue: name, paused: false, reason: nil, previousReason: before)
        }
        print(change.previousReason == nil ? "queue \(change.queue) was not paused; it is sending"
                                           : "resumed queue \(change.queue)")
        return .ok
    }

    static func list(_ invocation: Invocation) throws -> ExitCode {
        let queues: [QueueView]
        switch try target(invocation) {
        case .remote(let api):
            struct Answer: Decodable { var queues: [QueueView] }
            queues = try api.get("/v1/queues", as: Answer.self).queues
        case .local:
            let jobs = try LocalDatabase.open(invocation)
            queues = try LocalDatabase.run { try QueueView.all(jobs, configured: configuredNames(invocation)) }
        }
        if invocation.flag("--json") {
            print(try CommandJSON.text(["queues": queues]))
            return .ok
        }
        guard !queues.isEmpty else {
            print("no queues yet")
            return .ok
        }
        var rows = [["queue", "state", "available", "scheduled", "retrying", "running", "dead", "reason"]]
        for queue in queues {
            rows.append([queue.queue, queue.paused ? "paused" : "sending", "\(queue.available)", "\(queue.scheduled)",
                         "\(queue.retrying)", "\(queue.running)", "\(queue.dead)", queue.pausedReason ?? ""])
        }
        print(TextColumns.lines(rows, numeric: [2, 3, 4, 5, 6]).joined(separator: "\n"))
        return .ok
    }

    /// Where the command runs; `--queues` is the local database's business
    /// (a server checks names against its own queue files).
    private static func target(_ invocation: Invocation) throws -> CommandTarget {
        let target = try CommandTarget.resolve(invocation)
        if case .remote = target, invocation.values["--queues"] != nil {
            throw CommandFailure(.usage, "--queues is for the local database; with --url the server uses its own queue files")
        }
        return target
    }

    /// NAME as one URL path segment.
    private static func pathSegment(_ invocation: Invocation) throws -> String {
        let name = invocation.positional(0) ?? ""
        guard !name.isEmpty, let segment = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics
            .union(CharacterSet(charactersIn: "-._~"))) else {
            throw CommandFailure(.usage, "NAME must name a queue, e.g. alibaba-ivr")
        }
        return segment
    }

    /// The NAME argument, when the database or the queue files know it;
    /// otherwise exit 66 listing the names (a typo must not pause nothing).
    private static func queueName(_ invocation: Invocation, _ jobs: JobQueue) throws -> String {
        let name = invocation.positional(0) ?? ""
        let stored = try LocalDatabase.run { try jobs.queueNames() }
        let known = Set(stored).union(configuredNames(invocation))
        guard known.contains(name) else {
            throw CommandFailure(.noInput, "no queue '\(name)'"
                                 + (known.isEmpty ? "" : "; queues: " + known.sorted().joined(separator: ", ")))
        }
        return name
    }

    /// The queues the queue files declare; none when the folder is missing or unreadable.
    private static func configuredNames(_ invocation: Invocation) -> [String] {
        let directory = invocation.value("--queues") ?? "./Queues"
        return ((try? QueueCatalog(directory: directory))?.queues ?? []).map(\.name)
    }
}
