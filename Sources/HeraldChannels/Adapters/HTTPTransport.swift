/// Where an adapter sends its gateway requests: the shared `HTTPClient` in
/// production, a canned-response fake in tests.
///
/// The requirement is named `exchange` rather than `execute` because
/// `HTTPClient.execute` returns an `HTTPTask` and a protocol requirement must
/// match its witness's type exactly.
///
/// Contract (the one `HTTPClient.execute` keeps): `completion` runs exactly
/// once, possibly on another thread, and must be quick.
public protocol HTTPTransport: Sendable {
    func exchange(_ request: HTTPRequest,
                  completion: @escaping @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void)
}

extension HTTPClient: HTTPTransport {
    /// `execute(_:completion:)` without the task handle: completions run on
    /// the client's event-loop thread.
    public func exchange(_ request: HTTPRequest,
                         completion: @escaping @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void) {
        execute(request, completion: completion)
    }
}
