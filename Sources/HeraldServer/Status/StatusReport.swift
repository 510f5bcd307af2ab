import Foundation
import HeraldCore
import HeraldDispatch
import HeraldStore

/// What `herald status` shows and `GET /v1/status` answers, read in one
/// snapshot: every queue's jobs and its dispatcher's limiters, broadcasts
/// under way or finished lately with their deliveries by state and channel,
/// and activities not yet started. Plain values with stable snake_case keys
/// (given explicitly, so renaming a property never changes the JSON), so
/// the CLI renders the same report read locally or fetched from a server.
public struct StatusReport: Codable, Sendable {
    /// Whether the dispatcher's snapshots are current.
    public enum DispatcherState: String, Codable, Sendable {
        /// Written in the last `staleAfter` seconds.
        case running
        /// Older: the dispatcher stopped, or is stuck.
        case stale
        /// None ever written: no dispatcher has run on this database.
        case absent
    }

    /// A dispatcher rewrites its snapshots every second; older than this, it is not running.
    public static let staleAfter: TimeInterval = 10
    /// How long after finishing a broadcast still shows (done ones: since
    /// their latest delivery change, so a late receipt brings one back): two
    /// days, so the morning's broadcasts are still there the next morning.
    public static let recentBroadcasts: TimeInterval = 48 * 3600

    public var generatedAt: Date
    /// The database's path (locally) or the server's address (remotely).
    public var database: String
    public var databaseExists = true
    public var schemaVersion = 0
    public var latestSchemaVersion = Schema.migrator.latestVersion
    public var dispatcherState = DispatcherState.absent
    /// Seconds since the oldest of the dispatcher's snapshots was written.
    public var dispatcherAge: TimeInterval?
    public var queues: [QueueStatus] = []
    public var broadcasts: [BroadcastStatus] = []
    public var activities: [ActivityStatus] = []

    public init(generatedAt: Date, database: String) {
        self.generatedAt = generatedAt
        self.database = database
    }

    enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at"
        case database
        case databaseExists = "database_exists"
        case schemaVersion = "schema_version"
        case latestSchemaVersion = "latest_schema_version"
        case dispatcherState = "dispatcher_state"
        case dispatcherAge = "dispatcher_age_seconds"
        case queues, broadcasts, activities
    }

    public func encode(to encoder: any Encoder) throws {
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
    }

    /// Reads the database at `path` (a missing one is reported, not created).
    public static func read(path: String, now: Date) throws -> StatusReport {
        guard FileManager.default.fileExists(atPath: path) else {
            var report = StatusReport(generatedAt: now, database: path)
            report.databaseExists = false
            return report
        }
        let db = try Database(path: path, options: .reader)
        return try db.transaction(.deferred) { try read(db: db, name: path, now: now) }
    }

    /// Reads through `db`, inside the caller's transaction (one snapshot).
    /// `live`: the dispatcher running in this process, whose numbers are
    /// current rather than its last snapshot (when it runs no queue, the
    /// snapshots of whichever process last did are read).
    public static func read(db: Database, name: String, now: Date, live: [QueueActivity]? = nil) throws -> StatusReport {
        var report = StatusReport(generatedAt: now, database: name)
        report.schemaVersion = try db.userVersion()
        // Older schemas may lack the tables; newer ones may have changed them.
        guard report.schemaVersion == report.latestSchemaVersion else { return report }
        let stats = try QueueStats.read(now: now, db: db)
        var snapshots: [String: (activity: QueueActivity, updatedAt: Date)] = [:]
        if let live, !live.isEmpty {
            for activity in live { snapshots[activity.queue] = (activity, now) }
            report.dispatcherAge = live.isEmpty ? nil : 0
        } else {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .millisecondsSince1970
            for row in try RuntimeStore.load(db: db) {
                guard let activity = try? decoder.decode(QueueActivity.self, from: Data(row.json.utf8)) else { continue }
                let updatedAt = Date(unixMilliseconds: row.updatedAt)
                snapshots[row.queue] = (activity, updatedAt)
                report.dispatcherAge = max(report.dispatcherAge ?? 0, max(0, now.timeIntervalSince(updatedAt)))
            }
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
            now: nowMilliseconds, recent: Int64(recentBroadcasts * 1000), db: db).map(BroadcastStatus.init)
        report.activities = try OpenActivity.list(now: nowMilliseconds, db: db).map { ActivityStatus($0, now: now) }
        return report
    }

    /// The encoder and decoder for the report's JSON (ISO 8601 dates).
    public static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                                          : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                        nan: "nan")
        return decoder
    }
}

/// One queue: its jobs (from the store) and its limiters (from the
/// dispatcher's snapshot; null when none was ever written).
public struct QueueStatus: Codable, Sendable {
    public var stats: QueueStats
    public var limits: QueueLimits?

    public init(stats: QueueStats, limits: QueueLimits?) {
        self.stats = stats
        self.limits = limits
    }

    /// Succeeded sends per second over the last minute and five minutes
    /// (`queue_throughput`'s minute buckets, so the current minute counts
    /// from its start: a lower bound early in a minute).
    public var sendsPerSecondOneMinute: Double { Double(stats.succeededLast.oneMinute) / 60 }
    public var sendsPerSecondFiveMinutes: Double { Double(stats.succeededLast.fiveMinutes) / 300 }

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

    public func encode(to encoder: any Encoder) throws {
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

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var stats = QueueStats(queue: try container.decode(String.self, forKey: .name))
        stats.available = try container.decode(Int.self, forKey: .available)
        stats.scheduled = try container.decode(Int.self, forKey: .scheduled)
        stats.running = try container.decode(Int.self, forKey: .running)
        stats.retrying = try container.decode(Int.self, forKey: .retrying)
        stats.dead = try container.decode(Int.self, forKey: .dead)
        stats.succeeded = try container.decode(Int.self, forKey: .succeeded)
        stats.cancelled = try container.decode(Int.self, forKey: .cancelled)
        stats.oldestAvailableAge = try container.decode(Double.self, forKey: .oldestWaiting)
        stats.paused = try container.decode(Bool.self, forKey: .paused)
        stats.pausedReason = try container.decodeIfPresent(String.self, forKey: .pausedReason)
        stats.succeededLast = QueueStats.Window(
            oneMinute: try container.decode(Int.self, forKey: .succeededLastMinute),
            fiveMinutes: try container.decode(Int.self, forKey: .succeededLastFiveMinutes),
            fifteenMinutes: try container.decode(Int.self, forKey: .succeededLastFifteenMinutes))
        stats.failedLast = QueueStats.Window(
            oneMinute: try container.decode(Int.self, forKey: .failedLastMinute),
            fiveMinutes: try container.decode(Int.self, forKey: .failedLastFiveMinutes),
            fifteenMinutes: try container.decode(Int.self, forKey: .failedLastFifteenMinutes))
        self.stats = stats
        limits = try container.decodeIfPresent(QueueLimits.self, forKey: .limits)
    }
}

/// A queue's limiters as its worker group last reported them.
public struct QueueLimits: Codable, Sendable {
    public var channel: String
    public var adapter: String
    /// Configured sends per second, and the bucket's burst and tokens left.
    public var rate: Double
    public var burst: Int
    public var tokens: Int
    /// Lines (concurrent sends) allowed and in use.
    public var concurrency: Int
    public var inFlight: Int
    public var sendWindow: String
    public var windowOpen: Bool
    public var circuit: String
    public var circuitOpens: Int
    public var circuitNextProbe: Date?
    /// What keeps it from sending more right now (`QueueActivity.Waiting.summary`).
    public var waiting: String
    public var updatedAt: Date

    public init(_ activity: QueueActivity, updatedAt: Date) {
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

    public func encode(to encoder: any Encoder) throws {
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

/// One broadcast: what it is, and its deliveries by state and channel
/// (`by_state` and `by_channel` as `GET /v1/broadcasts/{id}` has them).
public struct BroadcastStatus: Codable, Sendable {
    public var id: Int64
    public var committeeID: Int64
    public var committee: String
    public var kind: String
    public var template: String
    public var state: String
    public var priority: String
    public var activityID: Int64?
    public var scheduledAt: Date
    public var createdAt: Date
    public var lastChangedAt: Date?
    public var recipients: Int
    public var total: Int
    /// Deliveries per state name, every state present.
    public var byState: [String: Int]
    /// Deliveries per channel ("none": not taken by a channel yet), then per state.
    public var byChannel: [String: [String: Int]]
    /// Deliveries per channel.
    public var channels: [String: Int]

    public init(_ progress: BroadcastProgress) {
        let broadcast = progress.broadcast
        id = broadcast.id
        committeeID = broadcast.committeeID
        committee = progress.committeeName
        kind = broadcast.kind.rawValue
        template = broadcast.template
        state = broadcast.state.rawValue
        priority = broadcast.priority.rawValue
        activityID = broadcast.activityID
        scheduledAt = Date(unixMilliseconds: broadcast.scheduledAt)
        createdAt = Date(unixMilliseconds: broadcast.createdAt)
        lastChangedAt = progress.lastChangedAt.map(Date.init(unixMilliseconds:))
        recipients = broadcast.recipients
        total = progress.total
        byState = Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0.name, progress.byState[$0] ?? 0) })
        byChannel = progress.byChannel.mapValues { counts in
            Dictionary(uniqueKeysWithValues: counts.map { ($0.key.name, $0.value) })
        }
        channels = progress.byChannel.mapValues { $0.values.reduce(0, +) }
    }

    /// Deliveries in `state`.
    public func count(_ state: DeliveryState) -> Int { byState[state.name] ?? 0 }

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

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(committeeID, forKey: .committeeID)
        try container.encode(committee, forKey: .committee)
        try container.encode(kind, forKey: .kind)
        try container.encode(template, forKey: .template)
        try container.encode(state, forKey: .state)
        try container.encode(priority, forKey: .priority)
        try container.encode(activityID, forKey: .activityID)
        try container.encode(scheduledAt, forKey: .scheduledAt)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(lastChangedAt, forKey: .lastChangedAt)
        try container.encode(recipients, forKey: .recipients)
        try container.encode(total, forKey: .total)
        try container.encode(byState, forKey: .byState)
        try container.encode(byChannel, forKey: .byChannel)
        try container.encode(channels, forKey: .channels)
    }
}

/// One activity not yet started.
public struct ActivityStatus: Codable, Sendable {
    public var id: Int64
    public var committeeID: Int64
    public var committee: String
    /// The committee's time zone, for showing times as its staff read them.
    public var timeZone: String
    public var title: String
    public var place: String?
    public var startsAt: Date?
    public var signupDeadline: Date?
    public var capacity: Int
    public var signedUp: Int
    public var remaining: Int
    public var full: Bool
    public var fullAt: Date?
    /// Whether sign-ups are still taken: before the deadline (or the start), and not full.
    public var signupsOpen: Bool

    public init(_ open: OpenActivity, now: Date) {
        let activity = open.activity
        id = activity.id
        committeeID = activity.committeeID
        committee = open.committeeName
        timeZone = open.committeeTimeZone
        title = activity.title
        place = activity.place
        startsAt = activity.startsAt
        signupDeadline = activity.signupDeadline
        capacity = activity.capacity
        signedUp = activity.signedUp
        remaining = activity.remaining
        full = activity.isFull
        fullAt = activity.fullAt
        signupsOpen = !activity.isFull && (activity.closesAt.map { now < $0 } ?? true)
    }

    /// When sign-ups close: the deadline, else the start.
    public var closesAt: Date? { signupDeadline ?? startsAt }

    enum CodingKeys: String, CodingKey {
        case id, committee, title, place, capacity, remaining, full
        case committeeID = "committee_id"
        case timeZone = "time_zone"
        case startsAt = "starts_at"
        case signupDeadline = "signup_deadline"
        case signedUp = "signed_up"
        case fullAt = "full_at"
        case signupsOpen = "signups_open"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(committeeID, forKey: .committeeID)
        try container.encode(committee, forKey: .committee)
        try container.encode(timeZone, forKey: .timeZone)
        try container.encode(title, forKey: .title)
        try container.encode(place, forKey: .place)
        try container.encode(startsAt, forKey: .startsAt)
        try container.encode(signupDeadline, forKey: .signupDeadline)
        try container.encode(capacity, forKey: .capacity)
        try container.encode(signedUp, forKey: .signedUp)
        try container.encode(remaining, forKey: .remaining)
        try container.encode(full, forKey: .full)
        try container.encode(fullAt, forKey: .fullAt)
        try container.encode(signupsOpen, forKey: .signupsOpen)
    }
}
