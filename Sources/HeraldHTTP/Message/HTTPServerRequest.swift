/// A complete inbound request, as a handler sees it.
///
/// The body is whole: `HTTPServer` reads it to the end (within
/// `Configuration.maxBodyBytes`) before calling the handler.
public struct HTTPServerRequest: Sendable {
    /// The method as sent, e.g. "GET" (methods are case-sensitive).
    public var method: String
    /// The path without the query string, percent-decoded by libmicrohttpd
    /// (so `%2F` arrives as `/`).
    public var path: String
    /// The query string's items in order, percent-decoded, `+` as space.
    public var query: [HTTPQueryItem]
    /// The request headers in order, as sent.
    public var headers: [HTTPField]
    public var body: [UInt8]
    /// The peer's IP address as text ("127.0.0.1", "::1"); empty when unknown.
    public var remoteAddress: String
    /// "HTTP/1.1" or "HTTP/1.0".
    public var version: String
    /// Values of the `{name}` segments of the route that matched; set by `HTTPRouter`.
    public var pathParameters: [String: String]
    /// The consumer that took the body as it arrived, when
    /// `HTTPServer.Configuration.bodyStream` chose one (`body` is then empty).
    public var bodyConsumer: (any HTTPBodyConsumer)?

    public init(method: String,
                path: String,
                query: [HTTPQueryItem] = [],
                headers: [HTTPField] = [],
                body: [UInt8] = [],
                remoteAddress: String = "",
                version: String = "HTTP/1.1",
                pathParameters: [String: String] = [:],
                bodyConsumer: (any HTTPBodyConsumer)? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.version = version
        self.pathParameters = pathParameters
        self.bodyConsumer = bodyConsumer
    }

    /// The first header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first(named: name)
    }

    /// The first query item named `name` (case-sensitive), decoded.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// Every query item named `name`, in order.
    public func queryValues(_ name: String) -> [String] {
        query.filter { $0.name == name }.map(\.value)
    }

    /// The value of the route's `{name}` segment.
    public func pathParameter(_ name: String) -> String? {
        pathParameters[name]
    }

    /// The body decoded as UTF-8 (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body read as `application/x-www-form-urlencoded` items, `+` as
    /// space; whatever the Content-Type says (gateways are not always careful).
    public var formItems: [HTTPQueryItem] { HTTPQueryItem.decode(formEncoded: body) }

    /// The first form item named `name` in the body.
    public func formValue(_ name: String) -> String? {
        formItems.first { $0.name == name }?.value
    }
}
