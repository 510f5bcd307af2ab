import Dispatch
import HeraldCore
import HeraldHTTP

/// A loopback HTTPServer on a free port that logs nowhere; stopped by the caller.
///
/// Idle connections stay open for five minutes: on a loaded 2-core machine a
/// test's next request can come more than the default 30 s after its last,
/// and a keep-alive test must see the client reuse its connection, not the
/// server close it.
func startTestServer(maxBodyBytes: Int = 1 << 20,
                     handler: @escaping HTTPServer.Handler) throws -> HTTPServer {
    try HTTPServer(configuration: HTTPServer.Configuration(
        host: "127.0.0.1", port: 0, threads: 2, connectionTimeoutSeconds: 300, maxBodyBytes: maxBodyBytes,
        logger: Logger(label: "test-server", system: LoggingSystem(sink: { _ in }))), handler: handler)
}

/// Runs `body` with a started server and stops it afterwards, even on error.
func withTestServer<T>(handler: @escaping HTTPServer.Handler,
                       _ body: (HTTPServer) async throws -> T) async throws -> T {
    let server = try startTestServer(handler: handler)
    defer { server.stop() }
    return try await body(server)
}

/// Answers that a test wants given "later, from another thread": a serial
/// queue of its own (GCD's shared pool can be busy with blocked test threads).
let laterQueue = DispatchQueue(label: "herald.channels-tests.later")

/// A free loopback port: bound, read and released (for "nothing listens here").
func unusedLoopbackPort() throws -> UInt16 {
    let server = try startTestServer { _, responder in responder.respond(.empty(204)) }
    let port = server.port
    server.stop()
    return port
}
