/// An adapter whose send is one HTTP exchange: build the gateway request,
/// map the gateway's answer. `send` is written once, here.
///
/// Both halves are pure, so tests drive them with canned answers; WeChat,
/// which fetches a token first and may resend once, implements `send` itself.
public protocol SingleExchangeChannel: Channel {
    /// Where the request goes (the shared `HTTPClient` in production).
    var transport: any HTTPTransport { get }
    /// The gateway request for `message`; a message this gateway cannot take
    /// throws, and becomes the outcome without any request.
    func request(for message: OutboundMessage) throws(ChannelError) -> HTTPRequest
    /// What the exchange's result means.
    func outcome(for result: Result<HTTPResponse, HTTPClientError>) -> SendOutcome
}

extension SingleExchangeChannel {
    public func send(_ message: OutboundMessage, completion: @escaping @Sendable (SendOutcome) -> Void) {
        let request: HTTPRequest
        do {
            request = try self.request(for: message)
        } catch {
            completion(error.sendOutcome)
            return
        }
        transport.exchange(request) { [self] result in completion(outcome(for: result)) }
    }
}
