import Foundation
import HeraldChannels
import HeraldCore
import HeraldDispatch
import HeraldStore

/// `herald broadcast create|show|list|cancel`: notices and invitations, on
/// the local database or through a running server's API.
enum BroadcastCommand {
    static let createSpec = CommandSpec(
        path: ["broadcast", "create"],
        summary: "Send a notice or an invitation to a committee's residents",
        discussion: """
            Checks the template (it exists, has a file for every channel of the plan, every
            variable it needs has a value that fits), the plan (each queue exists and sends
            its channel) and the audience, then stores the broadcast; `herald serve` on the
            same database fans it out to the residents within a second.
            --plan lists the steps in order, CHANNEL:QUEUE[:ESCALATE_AFTER], e.g.
              push:wechat-subscribe:30m,sms:kannel-sms:1h,voice:alibaba-ivr
            (escalate after seconds or 30m, 2h, 1d: the next step starts when nothing
            confirms this one in that time). --audience is all, building:3号楼,5号楼,
            tag:独居老人 or resident:12,15. With --idempotency-key a repeated command returns
            the first broadcast rather than sending twice.
            With --url the server checks it against its own templates and queues.
            Exits 66 for an unknown committee, 65 when the request is refused.
            """,
        options: [
            .value("--committee", "ID|SLUG", "the committee that sends it (with --url and a committee token: optional)"),
            .value("--template", "NAME", "the template (a folder of --templates)"),
            .values("--var", "NAME=VALUE", "a template variable's value"),
            .value("--plan", "STEPS", "the channel plan: CHANNEL:QUEUE[:ESCALATE_AFTER],..."),
            .value("--audience", "WHO", "all, building:NAME,..., tag:TAG,... or resident:ID,...", default: "all"),
            .value("--activity", "ID", "the activity an invitation or reminder is about"),
            .value("--kind", "KIND", "notice, invitation, reminder or poll (default: the template's kind)"),
            .value("--priority", "PRIORITY", "emergency, normal or low", default: "normal"),
            .value("--at", "TIME", "start at this time (e.g. 2026-12-05T18:00+08:00) instead of now"),
            .value("--idempotency-key", "KEY", "repeat-safe key: the same key returns the first broadcast"),
            .value("--templates", "DIR", "the templates folder (local only)", default: "./Templates"),
            .value("--queues", "DIR", "the queue files (local only)", default: "./Queues"),
            .flag("--json", "print the broadcast as the API's JSON"),
        ] + CommandTarget.options,
        run: { invocation in try create(invocation) })

    static let showSpec = CommandSpec(
        path: ["broadcast", "show"],
        summary: "Show a broadcast's progress by state and channel, and its sign-ups",
        positionals: [PositionalSpec(name: "BROADCAST", help: "the broadcast's id")],
        options: [.flag("--json", "print the API's JSON, for scripts")] + CommandTarget.options,
        run: { invocation in try show(invocation) })

    static let listSpec = CommandSpec(
        path: ["broadcast", "list"],
        summary: "List broadcasts, newest first",
        discussion: "Locally without --committee: every committee's broadcasts.",
        options: [
            .value("--committee", "ID|SLUG", "only this committee's broadcasts"),
            .value("--limit", "N", "at most this many (1–500)", default: "50"),
            .flag("--json", "print the API's JSON, for scripts"),
        ] + CommandTarget.options,
        run: { invocation in try list(invocation) })

    static let cancelSpec = CommandSpec(
        path: ["broadcast", "cancel"],
        summary: "Cancel a broadcast: nothing more is sent for it",
        discussion: """
            Deliveries not sent yet are cancelled and the queued sends dropped; a send
            already in flight finishes. A finished broadcast cannot be cancelled (exit 65).
            """,
        positionals: [PositionalSpec(name: "BROADCAST", help: "the broadcast's id")],
        options: [.flag("--json", "print the API's JSON, for scripts")] + CommandTarget.options,
        run: { invocation in try cancel(invocation) })

    // MARK: create

    static func create(_ invocation: Invocation) throws -> ExitCode {
        let request = try BroadcastRequest(invocation)
        let committee = invocation.value("--committee")
        let report: BroadcastReport
        let created: Bool
        var note = ""
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            var headers: [HTTPHeader] = []
            if let key = request.idempotencyKey { headers.append(HTTPHeader("Idempotency-Key", key)) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let response = try api.checked(api.send(.post, "/v1/broadcasts", query: try api.committeeQuery(committee),
                                                   body: Array(try encoder.encode(request.body)),
                                                   contentType: "application/json", headers: headers))
            report = try api.decode(BroadcastReport.self, response, "POST /v1/broadcasts")
            created = response.header("Idempotent-Replayed") != "true"
            note = " on \(api.baseURL); the server fans it out"
        case .local:
            guard let committee else {
                throw UsageError(message: "--committee is required: say which committee sends it", command: invocation.command)
            }
            let templates = try loadTemplates(invocation.value("--templates") ?? "./Templates")
            let queues = try loadQueues(invocation.value("--queues") ?? "./Queues")
            let jobs = try LocalDatabase.open(invocation)
            let now = jobs.clock.now().unixMilliseconds
            (report, created) = try LocalDatabase.run {
                try jobs.writer.write { db in
                    let owner = try LocalDatabase.committee(committee, db: db)
                    let new = try request.validated(committee: owner.id, templates: templates, queues: queues)
                    let result = try BroadcastStore.create(new, at: now, db: db)
                    if !result.created, !BroadcastCheck.sameRequest(result.broadcast, new) {
                        throw CommandFailure(.dataError, "idempotency key '\(new.idempotencyKey ?? "")' was used for "
                                             + "broadcast \(result.broadcast.id) with a different request; use a new key "
                                             + "for a new broadcast")
                    }
                    return (try BroadcastReport.detailed(result.broadcast, db: db), result.created)
                }
            }
            note = "; `herald serve` on \(DatabaseOption.path(invocation)) fans it out"
        }
        if invocation.flag("--json") {
            print(try CommandJSON.text(report))
        } else {
            print(created ? "created broadcast \(report.id) (\(report.state))\(note)"
                          : "broadcast \(report.id) already exists for idempotency key '\(request.idempotencyKey ?? "")'; "
                            + "nothing new was created")
            print(report.rendered)
        }
        return .ok
    }

    /// The templates folder, loaded; a missing folder exits 66, an unreadable one 78.
    static func loadTemplates(_ directory: String) throws -> TemplateCatalog {
        try TemplatesCommand.requireFolder(directory, what: "templates folder")
        do {
            return try TemplateCatalog(loadingFrom: directory)
        } catch {
            throw CommandFailure(.config, "templates: \(error)")
        }
    }

    /// The queue files, loaded; a missing folder exits 66, a bad file 78.
    static func loadQueues(_ directory: String) throws -> QueueCatalog {
        try TemplatesCommand.requireFolder(directory, what: "queues folder")
        do {
            return try QueueCatalog(directory: directory)
        } catch {
            throw CommandFailure(.config, error.description)
        }
    }

    // MARK: show, list, cancel

    static func show(_ invocation: Invocation) throws -> ExitCode {
        let id = try broadcastID(invocation)
        let report: BroadcastReport
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            report = try api.get("/v1/broadcasts/\(id)", as: BroadcastReport.self)
        case .local:
            let jobs = try LocalDatabase.open(invocation)
            report = try LocalDatabase.run {
                try jobs.readers.read { db in
                    guard let broadcast = try BroadcastStore.find(id: id, db: db) else {
                        throw CommandFailure(.noInput, "no broadcast \(id)")
                    }
                    return try BroadcastReport.detailed(broadcast, db: db)
                }
            }
        }
        print(invocation.flag("--json") ? try CommandJSON.text(report) : report.rendered)
        return .ok
    }

    static func list(_ invocation: Invocation) throws -> ExitCode {
        let limitText = invocation.value("--limit") ?? "50"
        guard let limit = Int(limitText), (1...500).contains(limit) else {
            throw CommandFailure(.usage, "--limit must be a whole number from 1 to 500; got '\(limitText)'")
        }
        let committee = invocation.value("--committee")
        let broadcasts: [BroadcastReport]
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            struct Answer: Decodable { var broadcasts: [BroadcastReport] }
            broadcasts = try api.get("/v1/broadcasts", query: try api.committeeQuery(committee) + [("limit", "\(limit)")],
                                     as: Answer.self).broadcasts
        case .local:
            let jobs = try LocalDatabase.open(invocation)
            broadcasts = try LocalDatabase.run {
                try jobs.readers.read { db in
                    let committees = try committee.map { [try LocalDatabase.committee($0, db: db)] }
                        ?? CommitteeStore.list(db: db)
                    let found = try committees.flatMap { try BroadcastStore.list(committee: $0.id, limit: limit, db: db) }
                    return found.sorted { $0.id > $1.id }.prefix(limit).map(BroadcastReport.init)
                }
            }
        }
        if invocation.flag("--json") {
            print(try CommandJSON.text(["broadcasts": broadcasts]))
        } else {
            print(BroadcastReport.table(broadcasts))
        }
        return .ok
    }

    static func cancel(_ invocation: Invocation) throws -> ExitCode {
        let id = try broadcastID(invocation)
        let report: BroadcastReport
        var detail = ""
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            report = try api.decode(BroadcastReport.self, try api.checked(api.send(.post, "/v1/broadcasts/\(id)/cancel")),
                                    "POST /v1/broadcasts/\(id)/cancel")
        case .local:
            let jobs = try LocalDatabase.open(invocation)
            let now = jobs.clock.now().unixMilliseconds
            let deliveries = try LocalDatabase.run {
                try jobs.writer.write { db in
                    guard let broadcast = try BroadcastStore.find(id: id, db: db) else {
                        throw CommandFailure(.noInput, "no broadcast \(id)")
                    }
                    if broadcast.state == .done {
                        throw CommandFailure(.dataError, "broadcast \(id) has finished; there is nothing left to cancel")
                    }
                    return try BroadcastStore.cancel(id, at: now, db: db)
                }
            }
            // As the server does: jobs after the broadcast is marked, so a job
            // claimed in between sees the cancelled broadcast when it sends.
            let sends = try LocalDatabase.run { try jobs.cancel(group: id) }
            report = try LocalDatabase.run {
                try jobs.readers.read { db in
                    guard let broadcast = try BroadcastStore.find(id: id, db: db) else {
                        throw CommandFailure(.noInput, "no broadcast \(id)")
                    }
                    return try BroadcastReport.detailed(broadcast, db: db)
                }
            }
            detail = ": \(deliveries) deliveries not sent yet and \(sends) queued sends cancelled"
        }
        if invocation.flag("--json") {
            print(try CommandJSON.text(report))
        } else {
            print("cancelled broadcast \(id)\(detail)")
            print(report.rendered)
        }
        return .ok
    }

    // MARK: Helpers

    static func broadcastID(_ invocation: Invocation) throws -> Int64 {
        let text = invocation.positional(0) ?? ""
        guard let id = Int64(text), id > 0 else {
            throw CommandFailure(.usage, "BROADCAST must be a broadcast id (a positive whole number); got '\(text)'")
        }
        return id
    }
}
