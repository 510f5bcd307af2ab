import Foundation
import HeraldHTTP
import HeraldStore

/// A queue as the API and `herald queue list` show it: sending or paused
/// (and why), and its jobs by state.
public struct QueueView: Codable, Sendable {
    public var queue: String
    public var paused: Bool
    public var pausedReason: String?
    public var available: Int
    public var scheduled: Int
    public var retrying: Int
    public var running: Int
    public var dead: Int

    public init(_ stats: QueueStats) {
        queue = stats.queue
        paused = stats.paused
        pausedReason = stats.paused ? stats.pausedReason ?? "paused" : nil
        available = stats.available
        scheduled = stats.scheduled
        retrying = stats.retrying
        running = stats.running
        dead = stats.dead
    }

    /// The database's queues and those the queue files name but no job has
    /// used yet, by name.
    public static func all(_ jobs: JobQueue, configured: [String]) throws -> [QueueView] {
        var stats = try jobs.stats()
        for name in configured where !stats.contains(where: { $0.queue == name }) {
            stats.append(QueueStats(queue: name))
        }
        return stats.sorted { $0.queue < $1.queue }.map(QueueView.init)
    }

    enum CodingKeys: String, CodingKey {
        case queue, paused, available, scheduled, retrying, running, dead
        case pausedReason = "paused_reason"
    }

    /// Every key, `paused_reason` as null while sending.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(queue, forKey: .queue)
        try container.encode(paused, forKey: .paused)
        try container.encode(pausedReason, forKey: .pausedReason)
        try container.encode(available, forKey: .available)
        try container.encode(scheduled, forKey: .scheduled)
        try container.encode(retrying, forKey: .retrying)
        try container.encode(running, forKey: .running)
        try container.encode(dead, forKey: .dead)
    }
}

/// What a pause or a resume did.
public struct QueueChange: Codable, Sendable {
    public var queue: String
    public var paused: Bool
    public var reason: String?
    /// Why it was paused before this call; nil when it was sending.
    public var previousReason: String?

    public init(queue: String, paused: Bool, reason: String?, previousReason: String?) {
        self.queue = queue
        self.paused = paused
        self.reason = reason
        self.previousReason = previousReason
    }

    enum CodingKeys: String, CodingKey {
        case queue, paused, reason
        case previousReason = "previous_reason"
    }

    /// Every key, the reasons as null when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(queue, forKey: .queue)
        try container.encode(paused, forKey: .paused)
        try container.encode(reason, forKey: .reason)
        try container.encode(previousReason, forKey: .previousReason)
    }
}

/// The body of `POST /v1/queues/{name}/pause`; `herald queue pause --url` sends it.
public struct QueuePauseBody: APIBody, Codable, Sendable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    static let fields: JSONFields = .object(["reason": .any])
}

extension Routes {
    /// Admin only: pausing a queue stops every committee's sends through it.
    /// A pause is stored, so the dispatcher of every `herald serve` on the
    /// database honours it at its next claim.
    mutating func addQueueRoutes() {
        add("GET", "/v1/queues", .admin) { request in
            try .api(200, ["queues": try QueueView.all(request.context.jobs, configured: request.context.queueNames)])
        }
        add("POST", "/v1/queues/{name}/pause", .admin) { request in
            let body = try request.http.decode(QueuePauseBody.self)
            let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else {
                throw APIError.invalid("reason must say why the queue is paused (it shows in herald status)")
            }
            let name = try request.knownQueue()
            let jobs = request.context.jobs
            let before = try jobs.pausedReason(queue: name)
            try jobs.pause(queue: name, reason: reason)
            return try .api(200, QueueChange(queue: name, paused: true, reason: reason, previousReason: before))
        }
        add("POST", "/v1/queues/{name}/resume", .admin) { request in
            let name = try request.knownQueue()
            let jobs = request.context.jobs
            let before = try jobs.pausedReason(queue: name)
            try jobs.resume(queue: name)
            return try .api(200, QueueChange(queue: name, paused: false, reason: nil, previousReason: before))
        }
    }
}

extension ServerContext {
    /// The queues the server's queue files name.
    var queueNames: [String] { (queues?.queues ?? []).map(\.name) }
}

extension APIRequest {
    /// The `{name}` of a queue route, when the database or the queue files
    /// know it; a 404 listing the queues otherwise (a typo must not pause
    /// nothing, nor make a new queue).
    func knownQueue() throws -> String {
        let name = http.pathParameter("name") ?? ""
        let known = Set(try context.jobs.queueNames()).union(context.queueNames)
        guard known.contains(name) else {
            throw APIError(404, "not_found", "no queue '\(name)'"
                           + (known.isEmpty ? "" : "; queues: " + known.sorted().joined(separator: ", ")))
        }
        return name
    }
}
