import HeraldHTTP
import HeraldStore

/// A committee as the API shows it.
struct CommitteeView: Encodable {
    var id: Int64
    var slug: String
    var name: String
    var timeZone: String
    var createdAt: String

    init(_ committee: Committee) {
        id = committee.id
        slug = committee.slug
        name = committee.name
        timeZone = committee.timeZone
        createdAt = APITime.text(milliseconds: committee.createdAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, slug, name
        case timeZone = "time_zone"
        case createdAt = "created_at"
    }
}

struct NewCommitteeBody: APIBody {
    var slug: String
    var name: String
    var timeZone: String?

    enum CodingKeys: String, CodingKey {
        case slug, name
        case timeZone = "time_zone"
    }

    static let fields: JSONFields = .object(["slug": .any, "name": .any, "time_zone": .any])
}

extension Routes {
    /// Admin only: committees are set up by the platform's operators.
    mutating func addCommitteeRoutes() {
        add("POST", "/v1/committees", .admin) { request in
            let body = try request.http.decode(NewCommitteeBody.self)
            let now = request.context.nowMilliseconds
            let committee = try request.context.write { db in
                if try CommitteeStore.find(slug: body.slug.trimmingCharacters(in: .whitespaces), db: db) != nil {
                    throw APIError(409, "conflict", "a committee with slug '\(body.slug)' already exists")
                }
                return try CommitteeStore.create(slug: body.slug, name: body.name,
                                                 timeZone: body.timeZone ?? "Asia/Shanghai", at: now, db: db)
            }
            return try .api(201, CommitteeView(committee))
        }
        add("GET", "/v1/committees", .admin) { request in
            let committees = try request.context.read { db in try CommitteeStore.list(db: db) }
            return try .api(200, ["committees": committees.map(CommitteeView.init)])
        }
    }
}
