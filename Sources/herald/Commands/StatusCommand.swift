import Foundation
import HeraldCore
import HeraldDispatch
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
    /// How long after finishing a broadcast still shows (done ones: since
    /// their latest delivery change, so a late receipt brings one back): two
    /// days, so the morning's broadcasts are still there the next morning.
    static let recentBroadcasts: TimeInterval = 48 * 3600

    static let spec = CommandSpec(
        path: ["status"],
        summary: "Show each queue's jobs and sending, broadcasts under way and open activities",
        discussion: """
            Reads only: a database that does not exist yet is reported, not created.
            Broadcasts: those scheduled, fanning out or sending, and those that finished in the last 48 hours.
            Activities: those starting later or without a start time.
            --watch redraws every --interval seconds until Ctrl-C (or --count views); with --json it prints one \
            JSON document per line.
            """,
        options: [
            DatabaseOption.spec,
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
        let path = DatabaseOption.path(invocation)
        try DatabaseOption.requireDirectory(of: path)
        if watch {
            StatusWatch(path: path, json: json, interval: interval, count: count).run()
            return .ok
        }
        let report: StatusReport
        do {
            report = try StatusReport.read(path: path, now: SystemClock().now())
        } catch {
            throw CommandFailure(.dataError, "cannot read \(path): \(error)")
        }
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
struct StatusWatch {
    let path: String
    let json: Bool
    let interval: TimeInterval
    let count: Int?

    func run() {
        signal(SIGINT, SIG_IGN)
        let interrupted = DispatchSemaphore(value: 0)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { interrupted.signal() }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
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
            let report = try StatusReport.read(path: path, now: now)
            return json ? [try report.json(pretty: false)] : report.rendered(unicode: unicode)
        } catch {
            let message = "cannot read \(path): \(error)"
            if json {
                let escaped = String(decoding: (try? JSONEncoder().encode(message)) ?? Data("\"\"".utf8), as: UTF8.self)
                return ["{\"error\":\(escaped)}"]
            }
            return ["herald status: \(message) (trying again)"]
        }
    }
}

// MARK: - The report

/// What `herald status` shows, read in one snapshot. Encodes with the stable
/// snake_case keys of `--json` (given explicitly, so renaming a property
/// never changes the output); the dispatcher's raw snapshots (`dispatcher`)
/// are encoded as `GET /v1/status` encodes them.
struct StatusReport: Encodable {
    /// Whether the dispatcher's snapshots are current.
    enum DispatcherState: String, Encodable {
        /// Written in the last `staleAfter` seconds.
        case running
        /// Older: the dispatcher stopped, or is stuck.
        case stale
        /// None ever written: no dispatcher has run on this database.
        case absent
    }

    /// A dispatcher rewrites its snapshots every second; older than this, it is not running.
    static let staleAfter: TimeInterval = 10

    var generatedAt: Date
    var database: String
    var databaseExists = true
    var schemaVersion = 0
    var latestSchemaVersion = Schema.migrator.latestVersion
    var dispatcherState = DispatcherState.absent
    /// Seconds since the oldest of the dispatcher's snapshots was written.
    var dispatcherAge: TimeInterval?
    var queues: [QueueStatus] = []
    var broadcasts: [BroadcastStatus] = []
    var activities: [ActivityStatus] = []
    /// What the dispatcher's worker groups reported last, as written.
    var dispatcher: [QueueActivity] = []

    enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at"
        case database
        case databaseExists = "database_exists"
        case schemaVersion = "schema_version"
        case latestSchemaVersion = "latest_schema_version"
        case dispatcherState = "dispatcher_state"
        case dispatcherAge = "dispatcher_age_seconds"
        case queues, broadcasts, activities, dispatcher
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(generatedAt, forKey: .generatedAt)
        try container.encode(database, forKey: .database)
        try container.encode(databaseExists, forKey: .databaseExists)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(latestSchemaVersion, forKey: .latestSchemaVersion)
        try container.encode(dispatcherState, forKey: .dispatcherState)
        try container.encode(dispatcherAge, forKey: .dispatcherAge)
        try container.encode(queues, forKey: .queues)
        try container.encode(broadcasts, forKey: .broadcasts)
        try container.encode(activities, forKey: .activities)
        try container.encode(dispatcher, forKey: .dispatcher)
    }

    static func read(path: String, now: Date) throws -> StatusReport {
        var report = StatusReport(generatedAt: now, database: path)
        guard FileManager.default.fileExists(atPath: path) else {
            report.databaseExists = false
            return report
        }
        let db = try Database(path: path, options: .reader)
        try db.transaction(.deferred) {
            report.schemaVersion = try db.userVersion()
            // Older schemas may lack the tables; newer ones may have changed them.
            guard report.schemaVersion == report.latestSchemaVersion else { return }
            let stats = try QueueStats.read(now: now, db: db)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .millisecondsSince1970
            var snapshots: [String: (activity: QueueActivity, updatedAt: Date)] = [:]
            for row in try RuntimeStore.load(db: db) {
                guard let activity = try? decoder.decode(QueueActivity.self, from: Data(row.json.utf8)) else { continue }
                report.dispatcher.append(activity)
                let updatedAt = Date(unixMilliseconds: row.updatedAt)
                snapshots[row.queue] = (activity, updatedAt)
                report.dispatcherAge = max(report.dispatcherAge ?? 0, max(0, now.timeIntervalSince(updatedAt)))
            }
            if let age = report.dispatcherAge { report.dispatcherState = age > staleAfter ? .stale : .running }
            var names = Set(stats.map(\.queue))
            names.formUnion(snapshots.keys)
            report.queues = names.sorted().map { name in
                QueueStatus(stats: stats.first { $0.queue == name } ?? QueueStats(queue: name),
                            limits: snapshots[name].map { QueueLimits($0.activity, updatedAt: $0.updatedAt) })
            }
            let nowMilliseconds = now.unixMilliseconds
            report.broadcasts = try BroadcastProgress.current(
                now: nowMilliseconds, recent: Int64(StatusCommand.recentBroadcasts * 1000), db: db).map(BroadcastStatus.init)
            report.activities = try OpenActivity.list(now: nowMilliseconds, db: db).map { ActivityStatus($0, now: now) }
        }
        return report
    }

    /// The report as JSON: pretty-printed, or one line (for `--watch --json`).
    func json(pretty: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                                          : [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// One queue in `--json`: its jobs (from the store) and its limiters (from
/// the dispatcher's snapshot; null when none was ever written).
struct QueueStatus: Encodable {
    var stats: QueueStats
    var limits: QueueLimits?

    /// Succeeded sends per second over the last minute and five minutes
    /// (`queue_throughput`'s minute buckets, so the current minute counts
    /// from its start: a lower bound early in a minute).
    var sendsPerSecondOneMinute: Double { Double(stats.succeededLast.oneMinute) / 60 }
    var sendsPerSecondFiveMinutes: Double { Double(stats.succeededLast.fiveMinutes) / 300 }

    enum CodingKeys: String, CodingKey {
        case name, available, scheduled, running, retrying, dead, succeeded, cancelled, paused, limits
        case pausedReason = "paused_reason"
        case oldestWaiting = "oldest_waiting_seconds"
        case sendsPerSecondOneMinute = "sends_per_second_1m"
        case sendsPerSecondFiveMinutes = "sends_per_second_5m"
        case succeededLastMinute = "succeeded_last_1m"
        case succeededLastFiveMinutes = "succeeded_last_5m"
        case succeededLastFifteenMinutes = "succeeded_last_15m"
        case failedLastMinute = "failed_last_1m"
        case failedLastFiveMinutes = "failed_last_5m"
        case failedLastFifteenMinutes = "failed_last_15m"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stats.queue, forKey: .name)
        try container.encode(stats.available, forKey: .available)
        try container.encode(stats.scheduled, forKey: .scheduled)
        try container.encode(stats.running, forKey: .running)
        try container.encode(stats.retrying, forKey: .retrying)
        try container.encode(stats.dead, forKey: .dead)
        try container.encode(stats.succeeded, forKey: .succeeded)
        try container.encode(stats.cancelled, forKey: .cancelled)
        try container.encode(stats.oldestAvailableAge, forKey: .oldestWaiting)
        try container.encode(stats.paused, forKey: .paused)
        try container.encode(stats.pausedReason, forKey: .pausedReason)
        try container.encode(sendsPerSecondOneMinute, forKey: .sendsPerSecondOneMinute)
        try container.encode(sendsPerSecondFiveMinutes, forKey: .sendsPerSecondFiveMinutes)
        try container.encode(stats.succeededLast.oneMinute, forKey: .succeededLastMinute)
        try container.encode(stats.succeededLast.fiveMinutes, forKey: .succeededLastFiveMinutes)
        try container.encode(stats.succeededLast.fifteenMinutes, forKey: .succeededLastFifteenMinutes)
        try container.encode(stats.failedLast.oneMinute, forKey: .failedLastMinute)
        try container.encode(stats.failedLast.fiveMinutes, forKey: .failedLastFiveMinutes)
        try container.encode(stats.failedLast.fifteenMinutes, forKey: .failedLastFifteenMinutes)
        try container.encode(limits, forKey: .limits)
    }
}

/// A queue's limiters as its worker group last reported them.
struct QueueLimits: Encodable {
    var channel: String
    var adapter: String
    /// Configured sends per second, and the bucket's burst and tokens left.
    var rate: Double
    var burst: Int
    var tokens: Int
    /// Lines (concurrent sends) allowed and in use.
    var concurrency: Int
    var inFlight: Int
    var sendWindow: String
    var windowOpen: Bool
    var circuit: String
    var circuitOpens: Int
    var circuitNextProbe: Date?
    /// What keeps it from sending more right now (`QueueActivity.Waiting.summary`).
    var waiting: String
    var updatedAt: Date

    init(_ activity: QueueActivity, updatedAt: Date) {
        channel = activity.channel
        adapter = activity.adapter
        rate = activity.rate
        burst = activity.burst
        tokens = activity.tokens
        concurrency = activity.concurrency
        inFlight = activity.inFlight
        sendWindow = activity.sendWindow
        windowOpen = activity.windowOpen
        circuit = activity.circuit
        circuitOpens = activity.circuitOpens
        circuitNextProbe = activity.circuitNextProbe
        waiting = activity.waiting.summary
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case channel, adapter, rate, burst, tokens, concurrency, circuit, waiting
        case inFlight = "in_flight"
        case sendWindow = "send_window"
        case windowOpen = "window_open"
        case circuitOpens = "circuit_opens"
        case circuitNextProbe = "circuit_next_probe"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(channel, forKey: .channel)
        try container.encode(adapter, forKey: .adapter)
        try container.encode(rate, forKey: .rate)
        try container.encode(burst, forKey: .burst)
        try container.encode(tokens, forKey: .tokens)
        try container.encode(concurrency, forKey: .concurrency)
        try container.encode(inFlight, forKey: .inFlight)
        try container.encode(sendWindow, forKey: .sendWindow)
        try container.encode(windowOpen, forKey: .windowOpen)
        try container.encode(circuit, forKey: .circuit)
        try container.encode(circuitOpens, forKey: .circuitOpens)
        try container.encode(circuitNextProbe, forKey: .circuitNextProbe)
        try container.encode(waiting, forKey: .waiting)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// One broadcast in `--json`; `by_state` and `by_channel` as `GET /v1/broadcasts/{id}` has them.
struct BroadcastStatus: Encodable {
    var progress: BroadcastProgress

    init(_ progress: BroadcastProgress) { self.progress = progress }

    /// Deliveries per state name, every state present.
    var byState: [String: Int] {
        Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0.name, progress.byState[$0] ?? 0) })
    }

    /// Deliveries per channel ("none": not taken by a channel yet).
    var channels: [String: Int] {
        progress.byChannel.mapValues { $0.values.reduce(0, +) }
    }

    enum CodingKeys: String, CodingKey {
        case id, committee, kind, template, state, priority, recipients, total, channels
        case committeeID = "committee_id"
        case activityID = "activity_id"
        case scheduledAt = "scheduled_at"
        case createdAt = "created_at"
        case lastChangedAt = "last_changed_at"
        case byState = "by_state"
        case byChannel = "by_channel"
    }

    func encode(to encoder: any Encoder) throws {
        let broadcast = progress.broadcast
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(broadcast.id, forKey: .id)
        try container.encode(broadcast.committeeID, forKey: .committeeID)
        try container.encode(progress.committeeName, forKey: .committee)
        try container.encode(broadcast.kind.rawValue, forKey: .kind)
        try container.encode(broadcast.template, forKey: .template)
        try container.encode(broadcast.state.rawValue, forKey: .state)
        try container.encode(broadcast.priority.rawValue, forKey: .priority)
        try container.encode(broadcast.activityID, forKey: .activityID)
        try container.encode(Date(unixMilliseconds: broadcast.scheduledAt), forKey: .scheduledAt)
        try container.encode(Date(unixMilliseconds: broadcast.createdAt), forKey: .createdAt)
        try container.encode(progress.lastChangedAt.map(Date.init(unixMilliseconds:)), forKey: .lastChangedAt)
        try container.encode(broadcast.recipients, forKey: .recipients)
        try container.encode(progress.total, forKey: .total)
        try container.encode(byState, forKey: .byState)
        try container.encode(progress.byChannel.mapValues { counts in
            Dictionary(uniqueKeysWithValues: counts.map { ($0.key.name, $0.value) })
        }, forKey: .byChannel)
        try container.encode(channels, forKey: .channels)
    }
}

/// One open activity in `--json`.
struct ActivityStatus: Encodable {
    var open: OpenActivity
    /// Whether sign-ups are still taken: before the deadline (or the start), and not full.
    var signupsOpen: Bool

    init(_ open: OpenActivity, now: Date) {
        self.open = open
        signupsOpen = !open.activity.isFull && (open.activity.closesAt.map { now < $0 } ?? true)
    }

    enum CodingKeys: String, CodingKey {
        case id, committee, title, place, capacity, remaining, full
        case committeeID = "committee_id"
        case startsAt = "starts_at"
        case signupDeadline = "signup_deadline"
        case signedUp = "signed_up"
        case fullAt = "full_at"
        case signupsOpen = "signups_open"
    }

    func encode(to encoder: any Encoder) throws {
        let activity = open.activity
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(activity.id, forKey: .id)
        try container.encode(activity.committeeID, forKey: .committeeID)
        try container.encode(open.committeeName, forKey: .committee)
        try container.encode(activity.title, forKey: .title)
        try container.encode(activity.place, forKey: .place)
        try container.encode(activity.startsAt, forKey: .startsAt)
        try container.encode(activity.signupDeadline, forKey: .signupDeadline)
        try container.encode(activity.capacity, forKey: .capacity)
        try container.encode(activity.signedUp, forKey: .signedUp)
        try container.encode(activity.remaining, forKey: .remaining)
        try container.encode(activity.isFull, forKey: .full)
        try container.encode(activity.fullAt, forKey: .fullAt)
        try container.encode(signupsOpen, forKey: .signupsOpen)
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
        let hours = Int(StatusCommand.recentBroadcasts / 3600)
        let title = "广播 Broadcasts (under way, or finished in the last \(hours == 1 ? "hour" : "\(hours) hours"))"
        guard !broadcasts.isEmpty else { return [title + ": none"] }
        // The one-resident "places are gone" answers to late sign-ups (ReceiptProcessor)
        // are summed up in one line rather than a row each.
        let isReply = { (item: BroadcastStatus) in
            item.progress.broadcast.template == ReceiptProcessor.activityFullTemplate && item.progress.total <= 1
        }
        let replies = broadcasts.filter(isReply)
        var replyLines: [String] = []
        if !replies.isEmpty {
            func count(_ state: DeliveryState) -> Int { replies.reduce(0) { $0 + ($1.progress.byState[state] ?? 0) } }
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
            let progress = item.progress
            let counts = progress.byState
            let segments = Self.barStates.map { ProgressBar.Segment(count: counts[$0.state] ?? 0, style: $0.style) }
            let queued = counts[.queued] ?? 0
            let channels = item.channels.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
                .map { "\($0.key) \($0.value)" }.joined(separator: "  ")
            table.append([
                "\(progress.broadcast.id)", progress.committeeName, progress.broadcast.kind.rawValue,
                progress.broadcast.template, progress.broadcast.state.rawValue,
                "[" + bar.rendered(segments, total: progress.total) + "]",
                "\(progress.total - queued)/\(progress.total)", "\(counts[.failed] ?? 0)",
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
        for item in activities {
            let activity = item.open.activity
            let zone = item.open.committeeTimeZone
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
                activity.title, item.open.committeeName, local(activity.startsAt, zone), closes,
                "\(activity.signedUp)/\(activity.capacity)",
                activity.isFull ? "full" : "\(activity.remaining) left",
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
