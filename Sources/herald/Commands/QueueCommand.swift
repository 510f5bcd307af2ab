import Foundation
import HeraldCore
import HeraldDispatch
import HeraldStore

/// `herald queue pause|resume|list`: stop and restart a queue's sends, on
/// the local database. A pause is stored, so it holds across restarts and
/// for every `herald serve` on the database.
enum QueueCommand {
    static let queuesOption = OptionSpec.value("--queues", "DIR", "the queue files, for names not used yet",
                                               default: "./Queues")

    static let pauseSpec = CommandSpec(
        path: ["queue", "pause"],
        summary: "Stop sending from a queue until it is resumed",
        discussion: """
            Workers claim nothing more from the queue (sends in flight finish); its jobs
            wait, they are not dropped. The reason shows in herald status and queue list.
            """,
        positionals: [PositionalSpec(name: "NAME", help: "the queue, e.g. alibaba-ivr")],
        options: [DatabaseOption.spec, .value("--reason", "TEXT", "why, for whoever looks next"), queuesOption],
        run: { invocation in try pause(invocation) })

    static let resumeSpec = CommandSpec(
        path: ["queue", "resume"],
        summary: "Start sending from a paused queue again",
        positionals: [PositionalSpec(name: "NAME", help: "the queue")],
        options: [DatabaseOption.spec, queuesOption],
        run: { invocation in try resume(invocation) })

    static let listSpec = CommandSpec(
        path: ["queue", "list"],
        summary: "List queues: paused or running, and their jobs by state",
        options: [DatabaseOption.spec, queuesOption, .flag("--json", "print JSON, for scripts")],
        run: { invocation in try list(invocation) })

    static func pause(_ invocation: Invocation) throws -> ExitCode {
        guard let reason = invocation.value("--reason")?.trimmingCharacters(in: .whitespaces), !reason.isEmpty else {
            throw UsageError(message: "--reason is required: say why the queue is paused", command: invocation.command)
        }
        let jobs = try LocalDatabase.open(invocation)
        let name = try queueName(invocation, jobs)
        let before = try LocalDatabase.run { try jobs.pausedReason(queue: name) }
        try LocalDatabase.run { try jobs.pause(queue: name, reason: reason) }
        print("paused queue \(name): \(reason)" + (before.map { " (it was already paused: \($0))" } ?? ""))
        return .ok
    }

    static func resume(_ invocation: Invocation) throws -> ExitCode {
        let jobs = try LocalDatabase.open(invocation)
        let name = try queueName(invocation, jobs)
        let before = try LocalDatabase.run { try jobs.pausedReason(queue: name) }
        try LocalDatabase.run { try jobs.resume(queue: name) }
        print(before == nil ? "queue \(name) was not paused; it is sending" : "resumed queue \(name)")
        return .ok
    }

    static func list(_ invocation: Invocation) throws -> ExitCode {
        let jobs = try LocalDatabase.open(invocation)
        var stats = try LocalDatabase.run { try jobs.stats() }
        for name in configuredNames(invocation) where !stats.contains(where: { $0.queue == name }) {
            stats.append(QueueStats(queue: name))
        }
        stats.sort { $0.queue < $1.queue }
        if invocation.flag("--json") {
            print(try CommandJSON.text(["queues": stats]))
            return .ok
        }
        guard !stats.isEmpty else {
            print("no queues yet")
            return .ok
        }
        var rows = [["queue", "state", "available", "scheduled", "retrying", "running", "dead", "reason"]]
        for queue in stats {
            rows.append([queue.queue, queue.paused ? "paused" : "sending", "\(queue.available)", "\(queue.scheduled)",
                         "\(queue.retrying)", "\(queue.running)", "\(queue.dead)",
                         queue.paused ? queue.pausedReason ?? "-" : ""])
        }
        print(TextColumns.lines(rows, numeric: [2, 3, 4, 5, 6]).joined(separator: "\n"))
        return .ok
    }

    /// The NAME argument, when the database or the queue files know it;
    /// otherwise exit 66 listing the names (a typo must not pause nothing).
    private static func queueName(_ invocation: Invocation, _ jobs: JobQueue) throws -> String {
        let name = invocation.positional(0) ?? ""
        let stored = try LocalDatabase.run { try jobs.stats().map(\.queue) }
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
