import Foundation
import HeraldCore
import HeraldDispatch
import HeraldServer
import HeraldStore

/// `herald status`: what the person on call and the committee staff look at.
///
/// Per queue: jobs by state, the oldest waiting job's age, pause and why,
/// sends per second over 1 and 5 minutes against the configured rate, the
/// lines in use and the circuit (the last two from the dispatcher's
/// snapshot in `queue_runtime`, with a note when it is stale or absent). Per
/// broadcast under way (scheduled, fanning out, sending) and per broadcast
/// that finished or changed in the last two days (`recentBroadcasts`): a bar of
/// its deliveries by state and the channel mix. Per open activity (starting
/// later, or undated): signed up / capacity.
///
/// Reads only, in one snapshot per view; a database that does not exist yet
/// is reported, not created. `--watch` redraws until Ctrl-C; `--json` prints
/// the same data with stable snake_case keys and ISO 8601 dates (one compact
/// document per line under `--watch`).
enum StatusCommand {

    static let spec = CommandSpec(
        path: ["status"],
        summary: "Show each queue's jobs and sending, broadcasts under way and open activities",
        discussion: """
            Reads only: a database that does not exist yet is reported, not created.
            Broadcasts: those scheduled, fanning out or sending, and those that finished in the last 48 hours.
            Activities: those starting later or without a start time.
            --watch redraws every --interval seconds until Ctrl-C (or --count views); with --json it prints one \
            JSON document per line.
            With --url and an admin token, the same report from a running herald serve (GET /v1/status).
            """,
        options: CommandTarget.options + [
            .flag("--json", "print the numbers as JSON, for scripts"),
            .flag("--watch", "redraw every second until Ctrl-C"),
            .value("--interval", "SECONDS", "with --watch: seconds between views", default: "1"),
            .value("--count", "N", "with --watch: stop after N views"),
        ],
        run: { invocation in try run(invocation) })

    static func run(_ invocation: Invocation) throws -> ExitCode {
        let watch = invocation.flag("--watch")
        let json = invocation.flag("--json")
        let intervalText = invocation.value("--interval") ?? "1"
        guard let interval = Double(intervalText), interval.isFinite, interval >= 0, interval <= 3600 else {
            throw UsageError(message: "--interval must be a number of seconds from 0 to 3600, got '\(intervalText)'",
                             command: spec)
        }
        let count = try invocation.integer("--count")
        if let count, count < 1 {
            throw UsageError(message: "--count must be at least 1, got \(count)", command: spec)
        }
        if !watch, invocation.values["--interval"] != nil || count != nil {
            throw UsageError(message: "--interval and --count go with --watch", command: spec)
        }
        let source: StatusSource
        switch try CommandTarget.resolve(invocation) {
        case .local:
            let path = DatabaseOption.path(invocation)
            try DatabaseOption.requireDirectory(of: path)
            source = .database(path)
        case .remote(let api):
            source = .server(api)
        }
        if watch {
            StatusWatch(source: source, json: json, interval: interval, count: count).run()
            return .ok
        }
        let report = try source.read(now: SystemClock().now())
        let output = Terminal.standardOutput
        output.write((json ? try report.json(pretty: true)
                           : report.rendered(unicode: Terminal.speaksUTF8).joined(separator: "\n")) + "\n")
        return .ok
    }
}

// MARK: - Watching

/// `--watch`: one view every `interval` seconds until SIGINT (or `count`
/// views). On a terminal each view replaces the last in place; in a pipe
/// each view follows a separator line (JSON: one document per line).
/// Where `herald status` reads its report: the database, or a server.
enum StatusSource {
    case database(String)
    case server(RemoteAPI)

    var name: String {
        switch self {
        case .database(let path): path
        case .server(let api): api.baseURL
        }
    }

    func read(now: Date) throws -> StatusReport {
        switch self {
        case .database(let path):
            do {
                return try StatusReport.read(path: path, now: now)
            } catch {
                throw CommandFailure(.dataError, "cannot read \(path): \(error)")
            }
        case .server(let api):
            let response = try api.checked(api.send(.get, "/v1/status"))
            do {
                return try StatusReport.decoder().decode(StatusReport.self, from: Data(response.body))
            } catch {
                throw CommandFailure(.unavailable, "\(api.baseURL)/v1/status did not answer a status report: \(error)")
            }
        }
    }
}

struct StatusWatch {
    let source: StatusSource
    let json: Bool
    let interval: TimeInterval
    let count: Int?

    func run() {
        let interrupted = DispatchSemaphore(value: 0)
        SignalWaiter.start([SIGINT]) { _ in interrupted.signal() }
        let output = Terminal.standardOutput
        let redraws = output.isTerminal && !json
        let unicode = Terminal.speaksUTF8
        var views = 0
        while true {
            views += 1
            let now = SystemClock().now()
            let text = view(now: now, unicode: unicode)
            if redraws {
                // Fit the window: a line that wraps or a view that scrolls would break the redraw.
                let columns = output.columns
                var lines = text.map { line in (columns.map { line.truncated(toWidth: $0 - 1) } ?? line) }
                if let rows = output.rows, rows >= 3, lines.count > rows - 1 {
                    let hidden = lines.count - (rows - 2)
                    lines = Array(lines.prefix(rows - 2)) + ["… \(hidden) more lines (a taller window shows them)"]
                }
                output.write((views == 1 ? Terminal.Control.clearScreen : Terminal.Control.home)
                             + lines.map { $0 + Terminal.Control.clearToEndOfLine }.joined(separator: "\n")
                             + "\n" + Terminal.Control.clearToEndOfScreen)
            } else if json {
                output.write(text.joined() + "\n")
            } else {
                let rule = unicode ? "──" : "--"
                output.write("\(rule) herald status, view \(views) at \(StatusReport.localTime(now)) \(rule)\n"
                             + text.joined(separator: "\n") + "\n")
            }
            if let count, views >= count { break }
            if interrupted.wait(timeout: .now() + interval) == .success { break }
        }
    }

    /// One view's lines (JSON: one compact document). A database error is
    /// shown in place of the view, and the watch goes on.
    private func view(now: Date, unicode: Bool) -> [String] {
        do {
            let report = try source.read(now: now)
            return json ? [try report.json(pretty: false)] : report.rendered(unicode: unicode)
        } catch {
            let message = (error as? CommandFailure)?.message ?? "cannot read \(source.name): \(error)"
            if json {
                let escaped = String(decoding: (try? JSONEncoder().encode(message)) ?? Data("\"\"".utf8), as: UTF8.self)
                return ["{\"error\":\(escaped)}"]
            }
            return ["herald status: \(message) (trying again)"]
        }
    }
}

// MARK: - The report (StatusReport, HeraldServer: the same for `GET /v1/status`)

extension StatusReport {
    /// The report as JSON: pretty-printed, or one line (for `--watch --json`).
    func json(pretty: Bool) throws -> String {
        String(decoding: try StatusReport.encoder(pretty: pretty).encode(self), as: UTF8.self)
    }
}

// MARK: - The text view

extension StatusReport {
    /// The delivery states in the order a broadcast's bar draws them, with their look.
    static let barStates: [(state: DeliveryState, style: ProgressBar.Style)] = [
        (.confirmed, .full), (.delivered, .dark), (.sent, .medium), (.failed, .cross), (.cancelled, .dotted),
        (.queued, .light),
    ]

    /// The view, one string per line. `unicode`: block characters in bars.
    func rendered(unicode: Bool) -> [String] {
        guard databaseExists else {
            return ["\(database): no database yet, so nothing is queued. "
                    + "`herald migrate --db \(database)` creates it (so does `herald serve`)."]
        }
        if schemaVersion < latestSchemaVersion {
            return ["\(database): schema version \(schemaVersion), herald expects \(latestSchemaVersion): "
                    + "run `herald migrate --db \(database)`"]
        }
        if schemaVersion > latestSchemaVersion {
            return ["\(database): schema version \(schemaVersion) is newer than this herald "
                    + "(\(latestSchemaVersion)); upgrade herald"]
        }
        var lines = ["\(database): schema version \(schemaVersion) (current), \(Self.localTime(generatedAt))",
                     dispatcherLine]
        lines += [""] + queueLines()
        lines += [""] + broadcastLines(unicode: unicode)
        lines += [""] + activityLines()
        return lines
    }

    var dispatcherLine: String {
        switch dispatcherState {
        case .absent:
            return "dispatcher: no report yet (`herald serve` starts it); rate, lines and circuit unknown"
        case .stale:
            return "dispatcher: last report \(DurationText.short(dispatcherAge ?? 0)) ago; not running? "
                + "(rate, lines and circuit below are as it left them)"
        case .running:
            let age = dispatcherAge ?? 0
            return "dispatcher: running (reported \(age < 1 ? "just now" : DurationText.short(age) + " ago"))"
        }
    }

    func queueLines() -> [String] {
        guard !queues.isEmpty else { return ["队列 Queues: none yet (nothing has been enqueued)"] }
        var jobs = TextTable([
            .init("queue", maxWidth: 16), .init("available", .right), .init("scheduled", .right),
            .init("running", .right), .init("retrying", .right), .init("dead", .right),
            .init("oldest waiting", .right), .init("state", maxWidth: 48),
        ])
        jobs.indent = "  "
        var sending = TextTable([
            .init("queue", maxWidth: 16), .init("sends/s 1m", .right), .init("5m", .right), .init("rate", .right),
            .init("lines", .right), .init("circuit"), .init("now", maxWidth: 40),
        ])
        sending.indent = "  "
        for queue in queues {
            let stats = queue.stats
            jobs.append([
                stats.queue, "\(stats.available)", "\(stats.scheduled)", "\(stats.running)", "\(stats.retrying)",
                "\(stats.dead)", stats.available == 0 ? "-" : DurationText.short(stats.oldestAvailableAge),
                stats.paused ? "paused: \(stats.pausedReason ?? "no reason given")" : "active",
            ])
            let limits = queue.limits
            sending.append([
                stats.queue, Self.perSecond(queue.sendsPerSecondOneMinute),
                Self.perSecond(queue.sendsPerSecondFiveMinutes), limits.map { Self.perSecond($0.rate) } ?? "?",
                limits.map { "\($0.inFlight)/\($0.concurrency)" } ?? "?",
                limits.map { $0.circuit + ($0.circuitOpens > 0 ? " (opened \($0.circuitOpens)x)" : "") } ?? "?",
                limits.map { $0.windowOpen ? $0.waiting : "outside \($0.sendWindow)" } ?? "?",
            ])
        }
        return ["队列 Queues"] + jobs.rendered() + [""] + ["发送 Sending"] + sending.rendered()
    }

    func broadcastLines(unicode: Bool) -> [String] {
        let hours = Int(StatusReport.recentBroadcasts / 3600)
        let title = "广播 Broadcasts (under way, or finished in the last \(hours == 1 ? "hour" : "\(hours) hours"))"
        guard !broadcasts.isEmpty else { return [title + ": none"] }
        // The one-resident "places are gone" answers to late sign-ups (ReceiptProcessor)
        // are summed up in one line rather than a row each.
        let isReply = { (item: BroadcastStatus) in
            item.template == ReceiptProcessor.activityFullTemplate && item.total <= 1
        }
        let replies = broadcasts.filter(isReply)
        var replyLines: [String] = []
        if !replies.isEmpty {
            func count(_ state: DeliveryState) -> Int { replies.reduce(0) { $0 + $1.count(state) } }
            let reached = count(.delivered) + count(.confirmed)
            replyLines = ["  activity-full answers to late sign-ups: \(replies.count) (\(reached) delivered, "
                          + "\(count(.sent)) sent, \(count(.queued)) queued, \(count(.failed)) failed)"]
        }
        let shown = broadcasts.filter { !isReply($0) }
        guard !shown.isEmpty else { return [title] + replyLines }
        var table = TextTable([
            .init("#", .right), .init("committee", maxWidth: 14), .init("kind"), .init("template", maxWidth: 20),
            .init("state"), .init("progress"), .init("done", .right), .init("failed", .right),
            .init("channels", maxWidth: 40),
        ])
        table.indent = "  "
        let bar = ProgressBar(width: 20, unicode: unicode)
        for item in shown {
            let segments = Self.barStates.map { ProgressBar.Segment(count: item.count($0.state), style: $0.style) }
            let queued = item.count(.queued)
            let channels = item.channels.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
                .map { "\($0.key) \($0.value)" }.joined(separator: "  ")
            table.append([
                "\(item.id)", item.committee, item.kind, item.template, item.state,
                "[" + bar.rendered(segments, total: item.total) + "]",
                "\(item.total - queued)/\(item.total)", "\(item.count(.failed))",
                channels.isEmpty ? "-" : channels,
            ])
        }
        let legend = Self.barStates.map { "\($0.style.character(unicode: unicode)) \($0.state.name)" }
            .joined(separator: "  ")
        return [title] + table.rendered() + ["  " + legend] + replyLines
    }

    func activityLines() -> [String] {
        let title = "活动 Activities (starting later, or undated)"
        guard !activities.isEmpty else { return [title + ": none"] }
        var table = TextTable([
            .init("title", maxWidth: 24), .init("committee", maxWidth: 14), .init("starts"),
            .init("sign-ups close"), .init("signed up", .right), .init("places"),
        ])
        table.indent = "  "
        var formatters: [String: DateFormatter] = [:]
        func local(_ date: Date?, _ zone: String) -> String {
            guard let date else { return "-" }
            let formatter = formatters[zone] ?? {
                let made = DateFormatter()
                made.locale = Locale(identifier: "en_US_POSIX")
                made.timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "Asia/Shanghai")
                made.dateFormat = "yyyy-MM-dd HH:mm"
                formatters[zone] = made
                return made
            }()
            return formatter.string(from: date)
        }
        for activity in activities {
            let zone = activity.timeZone
            // Sign-ups close at the deadline, else at the start.
            let closes: String
            if let closesAt = activity.closesAt, closesAt <= generatedAt {
                closes = "closed"
            } else if let deadline = activity.signupDeadline {
                closes = local(deadline, zone)
            } else {
                closes = activity.startsAt == nil ? "-" : "at start"
            }
            table.append([
                activity.title, activity.committee, local(activity.startsAt, zone), closes,
                "\(activity.signedUp)/\(activity.capacity)",
                activity.full ? "full" : "\(activity.remaining) left",
            ])
        }
        return [title] + table.rendered()
    }

    /// A rate with at most one decimal: "0", "0.4", "12.5", "300".
    static func perSecond(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    /// `date` in this machine's time zone, to the second.
    static func localTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss ZZZZZ"
        return formatter.string(from: date)
    }
}
