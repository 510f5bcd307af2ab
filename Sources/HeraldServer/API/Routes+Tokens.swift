import Foundation
import HeraldHTTP
import HeraldStore

/// An API token as `/v1/tokens` and `herald tokens list` show it: its id,
/// prefix and scope, never the token or its hash. `token` is filled in only
/// in the answer that made it, the one time it is ever shown.
public struct TokenView: Codable, Sendable {
    public var id: Int64
    public var prefix: String
    /// "admin" or "committee".
    public var scope: String
    public var committee: Int64?
    public var name: String
    public var createdAt: String
    public var revokedAt: String?
    public var token: String?

    public init(_ record: APIToken, token: String? = nil) {
        id = record.id
        prefix = record.prefix
        switch record.principal {
        case .admin:
            scope = "admin"
            committee = nil
        case .committee(let id):
            scope = "committee"
            committee = id
        }
        name = record.name
        createdAt = APITime.text(milliseconds: record.createdAt)
        revokedAt = record.revokedAt.map { APITime.text(milliseconds: $0) }
        self.token = token
    }

    enum CodingKeys: String, CodingKey {
        case id, prefix, scope, committee, name, token
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }

    /// Every key but `token`, which appears only when there is one.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(prefix, forKey: .prefix)
        try container.encode(scope, forKey: .scope)
        try container.encode(committee, forKey: .committee)
        try container.encode(name, forKey: .name)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(revokedAt, forKey: .revokedAt)
        try container.encodeIfPresent(token, forKey: .token)
    }
}

/// The body of `POST /v1/tokens`; `herald tokens create --url` sends it.
public struct NewTokenBody: APIBody, Codable, Sendable {
    public var name: String
    public var committeeID: Int64?
    public var admin: Bool?

    public init(name: String, committeeID: Int64?, admin: Bool?) {
        self.name = name
        self.committeeID = committeeID
        self.admin = admin
    }

    enum CodingKeys: String, CodingKey {
        case name, admin
        case committeeID = "committee_id"
    }

    static let fields: JSONFields = .object(["name": .any, "committee_id": .any, "admin": .any])
}

extension Routes {
    /// Admin only. The platform's backend, which creates committees through
    /// `POST /v1/committees`, gives each its token here; the token travels
    /// once, in the answer (`Cache-Control: no-store`), and is stored only
    /// as its SHA-256 hash.
    mutating func addTokenRoutes() {
        add("GET", "/v1/tokens", .admin) { request in
            let committee: Int64?
            if let text = request.http.queryValue("committee") {
                guard let id = Int64(text), id > 0 else {
                    throw APIError.invalid("?committee must be a committee id, got '\(text)'")
                }
                committee = id
            } else {
                committee = nil
            }
            let tokens = try request.context.read { db in try TokenStore.list(committee: committee, db: db) }
            return try .api(200, ["tokens": tokens.map { TokenView($0) }])
        }
        add("POST", "/v1/tokens", .admin) { request in
            let body = try request.http.decode(NewTokenBody.self)
            guard (body.admin ?? false) != (body.committeeID != nil) else {
                throw APIError.invalid("give exactly one of committee_id and \"admin\": true")
            }
            let principal: Principal = body.committeeID.map(Principal.committee) ?? .admin
            let now = request.context.nowMilliseconds
            let made = try request.context.write { db in
                try TokenStore.create(for: principal, name: body.name, at: now, db: db)
            }
            var response = try HTTPServerResponse.api(201, TokenView(made.record, token: made.token))
            response.headers.append(HTTPField("Cache-Control", "no-store"))
            return response
        }
        // {id}: the token's id, or its prefix (hrd_ and 6 characters).
        add("POST", "/v1/tokens/{id}/revoke", .admin) { request in
            let key = request.http.pathParameter("id") ?? ""
            let now = request.context.nowMilliseconds
            let revoked = try request.context.write { db -> APIToken? in
                guard try TokenStore.revoke(key, at: now, db: db) else { return nil }
                return try TokenStore.list(db: db).first { String($0.id) == key || key.hasPrefix($0.prefix) }
            }
            guard let revoked else { throw APIError.notFound("token '\(key)'") }
            return try .api(200, TokenView(revoked))
        }
    }
}
