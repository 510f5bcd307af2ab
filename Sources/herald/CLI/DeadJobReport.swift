import Foundation
import HeraldCore
import HeraldStore

/// A dead job as `herald dead list|show` prints it. The payload is
/// summarised, never dumped: for a send job, the delivery it sends with the
/// resident's phone masked.
struct DeadJobReport: Encodable {
    var id: Int64
    var queue: String
    var priority: String
    var attempts: Int
    var maxAttempts: Int
    var committee: Int64
    var broadcast: Int64?
    var createdAt: String
    var diedAt: String?
    var lastError: String?
    var payload: Payload?
    var history: [Attempt]?

    struct Payload: Encodable {
        var bytes: Int
        var deliveryID: Int64?
        /// The plan step it sends, 1-based as people count.
        var step: Int?
        var residentID: Int64?
        var residentName: String?
        var phone: String?
        var channel: String?
        var deliveryState: String?

        enum CodingKeys: String, CodingKey {
            case bytes, step, phone, channel
            case deliveryID = "delivery_id"
            case residentID = "resident_id"
            case residentName = "resident_name"
            case deliveryState = "delivery_state"
        }
    }

    struct Attempt: Encodable {
        var attempt: Int
        var finishedAt: String
        var outcome: String
        var error: String?

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

    init(_ job: DeadJob) {
        id = job.id
        queue = job.queue
        priority = job.priority.name
        attempts = job.attempts
        maxAttempts = job.maxAttempts
        committee = job.committee
        broadcast = job.group
        createdAt = CommandTime.apiText(Date(unixMilliseconds: job.createdAt))
        diedAt = job.finishedAt.map { CommandTime.apiText(Date(unixMilliseconds: $0)) }
        lastError = job.lastError
    }

    init(_ detail: DeadJob.Detail) {
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
            Attempt(attempt: $0.attempt, finishedAt: CommandTime.apiText(Date(unixMilliseconds: $0.finishedAt)),
                    outcome: $0.outcome, error: $0.error)
        }
    }

    /// Every field, one per line, then the attempts.
    var rendered: String {
        var fields: [(String, String)] = [
            ("job", "\(id)  queue \(queue), \(priority) priority"),
            ("attempts", "\(attempts) of \(maxAttempts)"),
            ("created", CommandTime.display(createdAt)),
            ("died", CommandTime.display(diedAt)),
            ("committee", "\(committee)"),
            ("broadcast", broadcast.map(String.init) ?? "-"),
            ("last error", lastError.map(RemoteAPI.oneLine) ?? "-"),
        ]
        if let payload { fields.append(("payload", Self.describe(payload))) }
        var lines = TextColumns.fields(fields)
        if let history, !history.isEmpty {
            lines += ["", "attempts:"]
            var rows = [["", "finished", "outcome", "error"]]
            for attempt in history {
                rows.append(["\(attempt.attempt)", CommandTime.display(attempt.finishedAt), attempt.outcome,
                             attempt.error.map(RemoteAPI.oneLine) ?? "-"])
            }
            lines += TextColumns.lines(rows, numeric: [0]).map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ payload: Payload) -> String {
        guard let delivery = payload.deliveryID else {
            return "\(payload.bytes) bytes (not a delivery send job)"
        }
        var text = "send job: delivery \(delivery), plan step \(payload.step ?? 0)"
        if let resident = payload.residentID {
            text += "; resident \(resident) \(payload.residentName ?? "")" + (payload.phone.map { " \($0)" } ?? "")
            text += "; delivery \(payload.deliveryState ?? "?")" + (payload.channel.map { " on \($0)" } ?? "")
        } else {
            text += " (the delivery no longer exists)"
        }
        return text
    }
}
