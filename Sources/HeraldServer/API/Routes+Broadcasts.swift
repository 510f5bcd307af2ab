import Foundation
import HeraldCore
import HeraldDispatch
import HeraldHTTP
import HeraldStore

struct NewBroadcastBody: APIBody {
    var kind: BroadcastKind?
    var template: String
    var variables: [String: String]?
    var audience: Audience
    var plan: ChannelPlan
    var activityID: Int64?
    var priority: BroadcastPriority?
    var scheduledAt: String?

    enum CodingKeys: String, CodingKey {
        case kind, template, variables, audience, plan, priority
        case activityID = "activity_id"
        case scheduledAt = "scheduled_at"
    }

    static let fields: JSONFields = .object([
        "kind": .any, "template": .any, "variables": .any, "priority": .any, "activity_id": .any, "scheduled_at": .any,
        "audience": .object(["all": .any, "buildings": .any, "tags": .any, "residents": .any]),
        "plan": .object(["steps": .array(.object(["channel": .any, "queue": .any, "escalate_after_seconds": .any]))]),
    ])
}

extension Routes {
    mutating func addBroadcastRoutes() {
        add("POST", "/v1/broadcasts", .token) { request in
            let committee = try request.committee()
            let body = try request.http.decode(NewBroadcastBody.self)
            let key = request.http.header("Idempotency-Key")
            if let key, key.isEmpty || key.utf8.count > 200 {
                throw APIError(422, "invalid", "the Idempotency-Key header must be 1 to 200 bytes")
            }
            let new = try Routes.validate(body, committee: committee, idempotencyKey: key, request.context)
            let now = request.context.nowMilliseconds
            let (broadcast, created) = try request.context.write { db in
                let result = try BroadcastStore.create(new, at: now, db: db)
                if !result.created, !BroadcastCheck.sameRequest(result.broadcast, new) {
                    throw APIError(409, "idempotency_key_reused",
                                   "Idempotency-Key '\(key ?? "")' was used for broadcast \(result.broadcast.id) with "
                                   + "a different body; use a new key for a new broadcast")
                }
                return (try BroadcastView.detailed(result.broadcast, db: db), result.created)
            }
            if created { request.context.dispatcher?.broadcastCreated() }
            var response = try HTTPServerResponse.api(201, broadcast)
            response.headers.append(HTTPField("Location", "/v1/broadcasts/\(broadcast.id)"))
            if !created { response.headers.append(HTTPField("Idempotent-Replayed", "true")) }
            return response
        }
        add("GET", "/v1/broadcasts", .token) { request in
            let committee = try request.committee()
            let limit = try request.integer("limit", in: 1...500, default: 50)
            let broadcasts = try request.context.read { db in
                try BroadcastStore.list(committee: committee, limit: limit, db: db)
            }
            return try .api(200, ["broadcasts": broadcasts.map(BroadcastView.init)])
        }
        add("GET", "/v1/broadcasts/{id}", .token) { request in
            let id = try request.id("id", "broadcast")
            let view = try request.context.read { db in
                guard let broadcast = try BroadcastStore.find(id: id, db: db) else { throw APIError.notFound("broadcast \(id)") }
                try request.requireAccess(to: broadcast.committeeID, "broadcast \(id)")
                return try BroadcastView.detailed(broadcast, db: db)
            }
            return try .api(200, view)
        }
        add("POST", "/v1/broadcasts/{id}/cancel", .token) { request in
            let id = try request.id("id", "broadcast")
            let context = request.context
            let now = context.nowMilliseconds
            try context.write { db in
                guard let broadcast = try BroadcastStore.find(id: id, db: db) else { throw APIError.notFound("broadcast \(id)") }
                try request.requireAccess(to: broadcast.committeeID, "broadcast \(id)")
                if broadcast.state == .done {
                    throw APIError(409, "already_done", "broadcast \(id) has finished; there is nothing left to cancel")
                }
                try BroadcastStore.cancel(id, at: now, db: db)
            }
            // Jobs are cancelled after the broadcast is marked: a job claimed in
            // between sees the cancelled broadcast at its send-time check.
            _ = try context.jobs.cancel(group: id)
            let view = try context.read { db in
                guard let broadcast = try BroadcastStore.find(id: id, db: db) else { throw APIError.notFound("broadcast \(id)") }
                return try BroadcastView.detailed(broadcast, db: db)
            }
            return try .api(200, view)
        }
    }

    /// Checks what the stores cannot (`BroadcastCheck`), answering 422 with
    /// the check's code and the place as the body names it.
    static func validate(_ body: NewBroadcastBody, committee: Int64, idempotencyKey: String?,
                         _ context: ServerContext) throws -> NewBroadcast {
        let variables = body.variables ?? [:]
        let template: Template
        do {
            template = try BroadcastCheck.check(template: body.template, variables: variables, plan: body.plan,
                                                audience: body.audience, templates: context.templates,
                                                queues: context.queues)
        } catch {
            let place = switch error.place {
            case .template: ""
            case .variables: error.code == .templateError ? "variables: " : ""
            case .plan: "plan: "
            case .audience: "audience: "
            case .step(let index): "plan.steps[\(index)]: "
            }
            throw APIError(422, error.code.rawValue, place + error.message)
        }
        let scheduled = try body.scheduledAt.map { text throws(APIError) in try APITime.parse(text, field: "scheduled_at") }
        return NewBroadcast(committeeID: committee, kind: body.kind ?? BroadcastKind(rawValue: template.kind.rawValue) ?? .notice,
                            template: template.name, variables: variables,
                            audience: body.audience, plan: body.plan, activityID: body.activityID,
                            priority: body.priority ?? .normal, scheduledAt: scheduled?.unixMilliseconds,
                            idempotencyKey: idempotencyKey)
    }
}
