import HeraldHTTP
import HeraldStore

/// One request as an API handler sees it: the HTTP request, who sent it,
/// and the server's context.
struct APIRequest: Sendable {
    let http: HTTPServerRequest
    /// Nil on open routes (health, metrics, callbacks, signed webhooks).
    let principal: Principal?
    let context: ServerContext

    var isAdmin: Bool { principal == .admin }

    /// The committee a committee-scoped write or list is for: a committee
    /// token's own; an admin names one with `?committee=ID`.
    func committee() throws(APIError) -> Int64 {
        switch principal {
        case .committee(let id)?:
            if let asked = http.queryValue("committee"), asked != String(id) {
                throw APIError.notFound("committee \(asked)")
            }
            return id
        case .admin?:
            guard let text = http.queryValue("committee") else {
                throw APIError(422, "committee_required",
                               "an admin token must say which committee: add ?committee=ID to the URL")
            }
            guard let id = Int64(text), id > 0 else {
                throw APIError(422, "invalid", "?committee must be a committee id (a positive integer), got '\(text)'")
            }
            return id
        case nil:
            throw APIError.unauthenticated
        }
    }

    /// Refuses a record of another committee, as if it did not exist (404),
    /// so a token cannot even learn which ids other committees use.
    func requireAccess(to recordCommittee: Int64, _ what: @autoclosure () -> String) throws(APIError) {
        switch principal {
        case .admin?: return
        case .committee(let id)? where id == recordCommittee: return
        default: throw APIError.notFound(what())
        }
    }

    /// The `{name}` path segment as a positive id; anything else is a 404
    /// (no such record), naming `what`.
    func id(_ name: String, _ what: String) throws(APIError) -> Int64 {
        guard let text = http.pathParameter(name), let id = Int64(text), id > 0 else {
            throw APIError.notFound("\(what) '\(http.pathParameter(name) ?? "")'")
        }
        return id
    }

    /// An integer query parameter within `range`, or `fallback` when absent.
    func integer(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws(APIError) -> Int {
        guard let text = http.queryValue(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError(422, "invalid",
                           "?\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return value
    }
}
