import Foundation
import HeraldCore
import HeraldHTTP
import HeraldStore

/// The body of `POST /v1/activities`; the CLI and the demo send it too.
public struct NewActivityBody: APIBody, Codable, Sendable {
    public var title: String
    public var place: String?
    /// RFC 3339 with an offset, e.g. `2026-12-06T09:00:00+08:00`.
    public var startsAt: String
    public var signupDeadline: String?
    public var capacity: Int

    public init(title: String, place: String?, startsAt: String, signupDeadline: String? = nil, capacity: Int) {
        self.title = title
        self.place = place
        self.startsAt = startsAt
        self.signupDeadline = signupDeadline
        self.capacity = capacity
    }

    enum CodingKeys: String, CodingKey {
        case title, place, capacity
        case startsAt = "starts_at"
        case signupDeadline = "signup_deadline"
    }

    static let fields: JSONFields = .object(["title": .any, "place": .any, "starts_at": .any,
                                             "signup_deadline": .any, "capacity": .any])
}

extension Routes {
    mutating func addActivityRoutes() {
        add("POST", "/v1/activities", .token) { request in
            let committee = try request.committee()
            let body = try request.http.decode(NewActivityBody.self)
            let startsAt = try APITime.parse(body.startsAt, field: "starts_at")
            let deadline = try body.signupDeadline.map { text throws(APIError) in
                try APITime.parse(text, field: "signup_deadline")
            }
            let activity = try request.context.activities.create(
                NewActivity(committee: committee, title: body.title, place: body.place, startsAt: startsAt,
                            signupDeadline: deadline, capacity: body.capacity))
            var response = try HTTPServerResponse.api(201, ActivityView(activity))
            response.headers.append(HTTPField("Location", "/v1/activities/\(activity.id)"))
            return response
        }
        add("GET", "/v1/activities", .token) { request in
            let committee = try request.committee()
            let activities = try request.context.activities.activities(committee: committee)
            return try .api(200, ["activities": activities.map(ActivityView.init)])
        }
        add("GET", "/v1/activities/{id}", .token) { request in
            let id = try request.id("id", "activity")
            guard let activity = try request.context.activities.activity(id) else { throw APIError.notFound("activity \(id)") }
            try request.requireAccess(to: activity.committeeID, "activity \(id)")
            return try .api(200, ActivityView(activity))
        }
        // Staff take a resident's place back (the resident phoned to say they cannot come).
        add("DELETE", "/v1/activities/{id}/signups/{resident}", .token) { request in
            let id = try request.id("id", "activity")
            let resident = try request.id("resident", "resident")
            let store = request.context.activities
            guard let activity = try store.activity(id) else { throw APIError.notFound("activity \(id)") }
            try request.requireAccess(to: activity.committeeID, "activity \(id)")
            let owner = try request.context.read { db in
                try db.scalarInt("SELECT committee_id FROM residents WHERE id = ?", [resident])
            }
            guard owner == activity.committeeID else { throw APIError.notFound("resident \(resident)") }
            let result = try store.cancelSignUp(activity: id, resident: resident, source: .staff)
            let outcome = switch result {
            case .cancelled: "cancelled"
            case .notSignedUp: "not_signed_up"
            case .unknownActivity: throw APIError.notFound("activity \(id)")
            }
            guard let updated = try store.activity(id) else { throw APIError.notFound("activity \(id)") }
            struct Answer: Encodable { var result: String; var activity: ActivityView }
            return try .api(200, Answer(result: outcome, activity: ActivityView(updated)))
        }
    }
}
