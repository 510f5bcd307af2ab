/// Takes a request body piece by piece as it arrives, so a large upload
/// (a resident roster) is parsed as it streams in instead of being held
/// whole in memory.
///
/// `HTTPServer.Configuration.bodyConsumer` decides per request, from its
/// head, whether one takes the body; the handler then finds it in
/// `HTTPServerRequest.bodyConsumer` (and `body` is empty).
public protocol HTTPBodyConsumer: AnyObject, Sendable {
    /// One piece of the body, in order. Called on a libmicrohttpd thread,
    /// never for two pieces of one request at once; must not block long.
    func consume(_ bytes: UnsafeRawBufferPointer)
}

/// What is known of a request before its body: enough to pick a consumer.
public struct HTTPRequestHead: Sendable {
    public var method: String
    public var path: String
    public var headers: [HTTPField]

    public init(method: String, path: String, headers: [HTTPField]) {
        self.method = method
        self.path = path
        self.headers = headers
    }

    /// The first header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first(named: name)
    }
}

/// A consumer for one request and the most body bytes it accepts (past it
/// the request is answered 413, as with `maxBodyBytes`).
public struct HTTPBodyStream: Sendable {
    public var consumer: any HTTPBodyConsumer
    public var maxBytes: Int

    public init(consumer: any HTTPBodyConsumer, maxBytes: Int) {
        self.consumer = consumer
        self.maxBytes = maxBytes
    }
}
