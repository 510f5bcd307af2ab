import Foundation
import HeraldHTTP
import HeraldStore

/// `GET /v1/dead`: the newest dead jobs and how many there are in all.
public struct DeadJobList: Codable, Sendable {
    public var total: Int
    public var dead: [DeadJobView]

    public init(total: Int, dead: [DeadJobView]) {
        self.total = total
        self.dead = dead
    }
}

/// What a retry did: jobs made pending again, and those left dead because
/// another unfinished job sends the same message.
public struct DeadRetryView: Codable, Sendable {
    public struct Held: Codable, Sendable {
        public var job: Int64
        public var heldBy: Int64

        enum CodingKeys: String, CodingKey {
            case job
            case heldBy = "held_by"
        }
    }

    public var retried: Int
    public var keyHeld: [Held]

    public init(_ report: DeadLetters.RetryReport) {
        retried = report.retried
        keyHeld = report.keyHeld.map { Held(job: $0.job, heldBy: $0.heldBy) }
    }

    /// One job made pending again.
    static let one = DeadRetryView(retried: 1, keyHeld: [])

    private init(retried: Int, keyHeld: [Held]) {
        self.retried = retried
        self.keyHeld = keyHeld
    }

    enum CodingKeys: String, CodingKey {
        case retried
        case keyHeld = "key_held"
    }
}

/// What a purge deleted.
public struct DeadPurgeView: Codable, Sendable {
    public var deleted: Int
}

/// The body of `POST /v1/dead/retry`; `herald dead retry --all --url` sends it.
public struct DeadRetryAllBody: APIBody, Codable, Sendable {
    public var queue: String?

    public init(queue: String?) {
        self.queue = queue
    }

    static let fields: JSONFields = .object(["queue": .any])
}

/// The body of `POST /v1/dead/purge`; `herald dead purge --url` sends it.
public struct DeadPurgeBody: APIBody, Codable, Sendable {
    public var olderThanSeconds: Int?
    public var all: Bool?
    public var queue: String?

    public init(olderThanSeconds: Int?, all: Bool?, queue: String?) {
        self.olderThanSeconds = olderThanSeconds
        self.all = all
        self.queue = queue
    }

    enum CodingKeys: String, CodingKey {
        case all, queue
        case olderThanSeconds = "older_than_seconds"
    }

    static let fields: JSONFields = .object(["older_than_seconds": .any, "all": .any, "queue": .any])
}

extension Routes {
    /// Admin only: dead jobs belong to queues, which serve every committee.
    /// The same `DeadLetters` operations as `herald dead`, each one
    /// transaction.
    mutating func addDeadLetterRoutes() {
        add("GET", "/v1/dead", .admin) { request in
            let limit = try request.integer("limit", in: 1...1000, default: 100)
            let queue = request.http.queryValue("queue")
            let dead = DeadLetters(request.context.jobs)
            let list = DeadJobList(total: try dead.count(queue: queue),
                                   dead: try dead.list(queue: queue, limit: limit).map(DeadJobView.init))
            return try .api(200, list)
        }
        add("GET", "/v1/dead/{id}", .admin) { request in
            let id = try request.id("id", "job")
            switch try DeadLetters(request.context.jobs).lookup(id) {
            case .dead(let detail): return try .api(200, DeadJobView(detail))
            case .notDead(let state): throw APIError.notDead(id, state)
            case .notFound: throw APIError.notFound("job \(id)")
            }
        }
        add("POST", "/v1/dead/{id}/retry", .admin) { request in
            let id = try request.id("id", "job")
            switch try DeadLetters(request.context.jobs).retry(id) {
            case .retried:
                return try .api(200, DeadRetryView.one)
            case .notDead(let state): throw APIError.notDead(id, state)
            case .notFound: throw APIError.notFound("job \(id)")
            case .keyHeld(let holder):
                throw APIError(409, "key_held", "job \(id) stays dead: job \(holder) sends the same message and is "
                               + "still pending or running")
            }
        }
        add("POST", "/v1/dead/retry", .admin) { request in
            let body = try request.http.decode(DeadRetryAllBody.self)
            return try .api(200, DeadRetryView(try DeadLetters(request.context.jobs).retryAll(queue: body.queue)))
        }
        add("POST", "/v1/dead/purge", .admin) { request in
            let body = try request.http.decode(DeadPurgeBody.self)
            let all = body.all ?? false
            guard all != (body.olderThanSeconds != nil) else {
                throw APIError.invalid("give exactly one of older_than_seconds and \"all\": true")
            }
            if let seconds = body.olderThanSeconds, seconds < 0 {
                throw APIError.invalid("older_than_seconds must be 0 or more; got \(seconds)")
            }
            let jobs = request.context.jobs
            let cutoff = body.olderThanSeconds.map { jobs.clock.now() - TimeInterval($0) }
            return try .api(200, DeadPurgeView(deleted: try DeadLetters(jobs).purge(diedBefore: cutoff,
                                                                                     queue: body.queue)))
        }
    }
}

extension APIError {
    static func notDead(_ id: Int64, _ state: JobState) -> APIError {
        APIError(409, "not_dead", "job \(id) is not dead: it is \(state.name)")
    }
}
