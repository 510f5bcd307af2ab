import Dispatch
import Foundation
import HeraldHTTP
import HeraldStore

/// Builds the server's router: each route says who may call it, and its
/// handler runs off libmicrohttpd's threads with errors turned into the one
/// error shape.
struct Routes {
    /// Who may call a route.
    enum Access {
        /// Anyone; the handler checks what it needs (a path secret, a signature).
        case open
        /// Any valid token; committee tokens are scoped to their committee.
        case token
        /// Admin tokens only.
        case admin
    }

    typealias Handler = @Sendable (APIRequest) throws -> HTTPServerResponse

    private(set) var router = HTTPRouter()
    let context: ServerContext
    /// Handlers run here, so a slow database write never holds a listener thread.
    let work: DispatchQueue

    init(context: ServerContext) {
        self.context = context
        work = DispatchQueue(label: "herald.server.handlers", qos: .userInitiated, attributes: .concurrent)
    }

    mutating func add(_ method: String, _ pattern: String, _ access: Access, _ handler: @escaping Handler) {
        let context = context
        let work = work
        router.add(method, pattern) { request, responder in
            work.async {
                responder.respond(Routes.run(request, access, context, handler))
            }
        }
    }

    static func run(_ request: HTTPServerRequest, _ access: Access, _ context: ServerContext,
                    _ handler: Handler) -> HTTPServerResponse {
        do {
            var principal: Principal?
            if access != .open {
                principal = try authenticate(request, context)
                if access == .admin, principal != .admin { throw APIError.forbidden }
            }
            return try handler(APIRequest(http: request, principal: principal, context: context))
        } catch {
            let failure = APIError.from(error)
            if failure.status >= 500 {
                context.logger.error("request failed", ["method": .string(request.method),
                                                        "path": .string(request.path),
                                                        "error": .string("\(error)")])
            }
            return failure.response
        }
    }

    /// The principal of the request's bearer token; 401 when it is missing,
    /// malformed, unknown or revoked (one answer for all, so a caller learns
    /// nothing about which).
    static func authenticate(_ request: HTTPServerRequest, _ context: ServerContext) throws -> Principal {
        guard let header = request.header("Authorization") else { throw APIError.unauthenticated }
        return try principal(bearer: header, context)
    }

    /// The principal of an `Authorization` header's bearer token.
    static func principal(bearer header: String, _ context: ServerContext) throws -> Principal {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthenticated }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard let principal = try context.read({ db in try TokenStore.authenticate(token, db: db) }) else {
            throw APIError.unauthenticated
        }
        return principal
    }
}

extension HTTPServerResponse {
    /// A JSON answer for an API value; encoding our own types cannot fail in
    /// practice, and if it does the caller gets a 500 rather than a crash.
    static func api(_ status: Int = 200, _ value: some Encodable) throws -> HTTPServerResponse {
        try .json(status: status, encoding: value)
    }
}
