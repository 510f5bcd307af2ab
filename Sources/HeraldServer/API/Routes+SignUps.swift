import HeraldCore
import HeraldHTTP
import HeraldStore

/// The mini program's sign-up: a resident pressed 报名 (or 取消报名) on an
/// activity page, whether or not an invitation reached them.
struct SignUpBody: APIBody {
    var activityID: Int64
    var residentID: Int64?
    var openID: String?
    var action: String?

    enum CodingKeys: String, CodingKey {
        case activityID = "activity_id"
        case residentID = "resident_id"
        case openID = "openid"
        case action
    }

    static let fields: JSONFields = .object(["activity_id": .any, "resident_id": .any, "openid": .any, "action": .any])
}

/// What a sign-up did: `result` is signed_up, already_signed_up, cancelled
/// or not_signed_up; `signed_up` the activity's count afterwards.
struct SignUpAnswer: Encodable {
    var result: String
    var activityID: Int64
    var signedUp: Int

    enum CodingKeys: String, CodingKey {
        case result
        case activityID = "activity_id"
        case signedUp = "signed_up"
    }
}

extension Routes {
    /// `POST /v1/signups`: signed with `HERALD_WEBHOOK_SECRET` rather than
    /// a bearer token, because the mini program's backend relays residents'
    /// taps (docs/CALLBACKS.md).
    mutating func addSignUpRoutes() {
        add("POST", "/v1/signups", .open) { request in
            let metrics = request.context.metrics
            do {
                let response = try request.signedWebhook { try request.signUp() }
                metrics.recordCallback(gateway: "miniprogram", result: "ok")
                return response
            } catch {
                metrics.recordCallback(gateway: "miniprogram", result: Self.callbackResult(of: error))
                throw error
            }
        }
    }
}

extension APIRequest {
    fileprivate func signUp() throws -> HTTPServerResponse {
        let body = try http.decode(SignUpBody.self)
        let action = body.action ?? "signup"
        guard action == "signup" || action == "cancel" else {
            throw APIError(422, "invalid", "action must be signup or cancel, got '\(action)'")
        }
        let store = context.activities
        guard let activity = try store.activity(body.activityID) else {
            throw APIError.notFound("activity \(body.activityID)")
        }
        let resident = try resident(of: body, committee: activity.committeeID)
        if action == "cancel" {
            let result = switch try store.cancelSignUp(activity: activity.id, resident: resident, source: .miniProgram) {
            case .cancelled(let count, _): SignUpAnswer(result: "cancelled", activityID: activity.id, signedUp: count)
            case .notSignedUp(let count): SignUpAnswer(result: "not_signed_up", activityID: activity.id, signedUp: count)
            case .unknownActivity: throw APIError.notFound("activity \(body.activityID)")
            }
            return try .api(200, result)
        }
        switch try store.signUp(activity: activity.id, resident: resident, source: .miniProgram) {
        case .signedUp(let count, let becameFull):
            if becameFull { _ = try store.cancelPendingInvitations(activity: activity.id) }
            return try .api(201, SignUpAnswer(result: "signed_up", activityID: activity.id, signedUp: count))
        case .alreadySignedUp(let count):
            return try .api(200, SignUpAnswer(result: "already_signed_up", activityID: activity.id, signedUp: count))
        case .full:
            throw APIError(409, "activity_full", "activity \(activity.id) has no place left (\(activity.capacity) taken)")
        case .closed:
            throw APIError(409, "signup_closed", "sign-ups for activity \(activity.id) are closed")
        case .unknownActivity:
            throw APIError.notFound("activity \(activity.id)")
        case .unknownResident, .wrongCommittee:
            throw APIError.notFound("resident")
        }
    }

    /// The resident the body names, by id or by mini-program openid, within
    /// the activity's committee; another committee's resident is a 404.
    private func resident(of body: SignUpBody, committee: Int64) throws -> Int64 {
        let found: Int64?
        let named: String
        if let id = body.residentID {
            named = "resident \(id)"
            found = try context.read { db in
                try db.scalarInt("SELECT id FROM residents WHERE id = ?1 AND committee_id = ?2", [id, committee])
            }
        } else if let openID = body.openID, !openID.isEmpty {
            named = "the resident with this openid"
            found = try context.read { db in
                try db.scalarInt("SELECT id FROM residents WHERE committee_id = ?1 AND openid = ?2", [committee, openID])
            }
        } else {
            throw APIError(422, "invalid", "name the resident: resident_id or openid")
        }
        guard let found else { throw APIError.notFound(named) }
        return found
    }
}
