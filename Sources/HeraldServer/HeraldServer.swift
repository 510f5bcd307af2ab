import HeraldCore
import HeraldHTTP

/// Herald's HTTP server: the `/v1` API for committees' systems and the mini
/// program, the gateways' `/callbacks/...`, `/metrics`, `/healthz` and
/// `/readyz`, on libmicrohttpd (`HTTPServer`).
///
/// ```swift
/// let context = ServerContext(jobs: jobs, templates: templates, dispatcher: dispatcher,
///                             configuration: configuration)
/// let server = try HeraldServer(context: context)
/// print("listening on", server.port)
/// ```
///
/// Listens from `init` until `stop()`. Handlers run on a concurrent
/// DispatchQueue and answer asynchronously, so libmicrohttpd's threads only
/// read and write sockets.
public final class HeraldServer: Sendable {
    public let context: ServerContext
    /// Every route as (method, pattern), in the order matched; the OpenAPI
    /// document is checked against it.
    public let routeTable: [(method: String, pattern: String)]
    private let http: HTTPServer

    public var port: UInt16 { http.port }

    public init(context: ServerContext) throws(HTTPServerError) {
        var routes = Routes(context: context)
        routes.addHealthRoutes()
        routes.addAPIRoutes()
        routes.addCallbackRoutes()
        self.context = context
        self.routeTable = routes.router.routeTable
        var configuration = context.configuration.http
        configuration.bodyStream = RosterUpload.stream(context)
        http = try HTTPServer(configuration: configuration, handler: routes.router.handler)
    }

    /// Stops listening and closes every connection; idempotent.
    public func stop() {
        http.stop()
    }
}
