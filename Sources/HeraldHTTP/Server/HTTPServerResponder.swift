import Foundation

/// Answers one request, once, from any thread and at any time.
///
/// The server's handler receives one per request. Keep it to answer later
/// (after a timer, from another queue); only the first `respond` counts.
/// A responder released without answering sends 500 `no_response`, so a
/// forgotten path in a handler shows up as an error instead of a client
/// that hangs until the server stops.
///
/// `@unchecked Sendable`: `answered` is guarded by `lock`; `deliver` is a
/// Sendable closure called at most once.
public final class HTTPServerResponder: @unchecked Sendable {
    private let lock = NSLock()
    private var answered = false
    private let deliver: @Sendable (HTTPServerResponse) -> Void

    /// A responder that hands the response to `deliver`: for calling
    /// handlers and routers in tests without a server.
    public init(_ deliver: @escaping @Sendable (HTTPServerResponse) -> Void) {
        self.deliver = deliver
    }

    deinit {
        if !answered {
            deliver(.error(status: 500, code: "no_response",
                           message: "the handler finished without answering this request"))
        }
    }

    /// Sends `response`; calls after the first are ignored.
    public func respond(_ response: HTTPServerResponse) {
        lock.lock()
        let first = !answered
        answered = true
        lock.unlock()
        if first { deliver(response) }
    }

    /// Whether `respond` has been called.
    public var hasResponded: Bool {
        lock.lock()
        defer { lock.unlock() }
        return answered
    }
}
