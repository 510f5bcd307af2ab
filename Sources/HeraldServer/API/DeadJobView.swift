import Foundation
import HeraldCore
import HeraldStore

/// A dead job as `GET /v1/dead` and `herald dead list|show` show it. The
/// payload is summarised, never dumped: for a send job, the delivery it
/// sends with the resident's phone masked.
public struct DeadJobView: Codable, Sendable {
    public var id: Int64
    public var queue: String
    public var priority: String
    public var attempts: Int
    public var maxAttempts: Int
    public var committee: Int64
    public var broadcast: Int64?
    public var createdAt: String
    public var diedAt: String?
    public var lastError: String?
    public var payload: Payload?
    public var history: [Attempt]?

    public struct Payload: Codable, Sendable {
        public var bytes: Int
        public var deliveryID: Int64?
        /// The plan step it sends, 1-based as people count.
        public var step: Int?
        public var residentID: Int64?
        public var residentName: String?
        public var phone: String?
        public var channel: String?
        public var deliveryState: String?

        enum CodingKeys: String, CodingKey {
            case bytes, step, phone, channel
            case deliveryID = "delivery_id"
            case residentID = "resident_id"
            case residentName = "resident_name"
            case deliveryState = "delivery_state"
        }
    }

    public struct Attempt: Codable, Sendable {
        public var attempt: Int
        public var finishedAt: String
        public var outcome: String
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case attempt, outcome, error
            case finishedAt = "finished_at"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, queue, priority, attempts, committee, broadcast, payload, history
        case maxAttempts = "max_attempts"
        case createdAt = "created_at"
        case diedAt = "died_at"
        case lastError = "last_error"
    }

    public init(_ job: DeadJob) {
        id = job.id
        queue = job.queue
        priority = job.priority.name
        attempts = job.attempts
        maxAttempts = job.maxAttempts
        committee = job.committee
        broadcast = job.group
        createdAt = APITime.text(milliseconds: job.createdAt)
        diedAt = job.finishedAt.map { APITime.text(milliseconds: $0) }
        lastError = job.lastError
    }

    public init(_ detail: DeadJob.Detail) {
        self.init(detail.job)
        var payload = Payload(bytes: detail.job.payload.count)
        if let send = detail.deliveryJob {
            payload.deliveryID = send.deliveryID
            payload.step = send.step + 1
        }
        if let delivery = detail.delivery {
            payload.residentID = delivery.residentID
            payload.residentName = delivery.residentName
            payload.phone = delivery.maskedPhone
            payload.channel = delivery.channel
            payload.deliveryState = delivery.state?.name
        }
        self.payload = payload
        history = detail.history.map {
            Attempt(attempt: $0.attempt, finishedAt: APITime.text(milliseconds: $0.finishedAt),
                    outcome: $0.outcome, error: $0.error)
        }
    }
}
