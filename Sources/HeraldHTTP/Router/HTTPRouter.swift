/// Sends each request to the handler registered for its method and path.
///
/// ```swift
/// var router = HTTPRouter()
/// router.add("GET", "/v1/broadcasts/{id}") { request, responder in
///     responder.respond(.text(200, request.pathParameter("id") ?? ""))
/// }
/// let server = try HTTPServer(configuration: configuration, handler: router.handler)
/// ```
///
/// A pattern is a path whose segments are literal or `{name}`, which matches
/// any one non-empty segment and is handed to the handler in
/// `request.pathParameters`. Empty segments are ignored, so `/a/` and `/a`
/// are the same path. Routes are tried in the order they were added; the
/// first whose method and path match wins. A path that matches no route
/// gets 404 `not_found`; one that matches only for other methods gets 405
/// `method_not_allowed` with an `Allow` header. HEAD is served by a GET
/// route when no HEAD route matches (libmicrohttpd leaves the body out).
public struct HTTPRouter: Sendable {
    private struct Route: Sendable {
        var method: String
        var pattern: RoutePattern
        var handler: HTTPServer.Handler
    }

    private var routes: [Route] = []

    public init() {}

    /// Every route as (method, pattern), in the order added: what the
    /// OpenAPI document is checked against.
    public var routeTable: [(method: String, pattern: String)] {
        routes.map { ($0.method, $0.pattern.text) }
    }

    /// Adds a route. `pattern` must start with "/"; a `{name}` segment is a
    /// parameter, and a name may appear only once.
    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping HTTPServer.Handler) {
        routes.append(Route(method: method, pattern: RoutePattern(pattern), handler: handler))
    }

    public mutating func get(_ pattern: String, _ handler: @escaping HTTPServer.Handler) {
        add("GET", pattern, handler)
    }

    public mutating func post(_ pattern: String, _ handler: @escaping HTTPServer.Handler) {
        add("POST", pattern, handler)
    }

    public mutating func put(_ pattern: String, _ handler: @escaping HTTPServer.Handler) {
        add("PUT", pattern, handler)
    }

    public mutating func delete(_ pattern: String, _ handler: @escaping HTTPServer.Handler) {
        add("DELETE", pattern, handler)
    }

    /// This router as a server handler.
    public var handler: HTTPServer.Handler {
        { request, responder in self.handle(request, responder) }
    }

    /// Routes one request: runs the matching handler, or answers 404 or 405.
    public func handle(_ request: HTTPServerRequest, _ responder: HTTPServerResponder) {
        let segments = RoutePattern.segments(of: request.path)
        var allowed: [String] = []
        var headFallback: (Route, [String: String])?
        for route in routes {
            guard let parameters = route.pattern.match(segments) else { continue }
            if route.method == request.method {
                var routed = request
                routed.pathParameters = parameters
                route.handler(routed, responder)
                return
            }
            if request.method == "HEAD", route.method == "GET", headFallback == nil {
                headFallback = (route, parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let (route, parameters) = headFallback {
            var routed = request
            routed.pathParameters = parameters
            route.handler(routed, responder)
            return
        }
        if allowed.isEmpty {
            responder.respond(.error(status: 404, code: "not_found",
                                     message: "no resource at \(request.path)"))
        } else {
            var response = HTTPServerResponse.error(
                status: 405, code: "method_not_allowed",
                message: "\(request.method) is not allowed on \(request.path); use \(allowed.joined(separator: ", "))")
            response.headers.append(HTTPField("Allow", allowed.joined(separator: ", ")))
            responder.respond(response)
        }
    }
}
