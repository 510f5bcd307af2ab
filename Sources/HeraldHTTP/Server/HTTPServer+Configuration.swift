import HeraldCore

extension HTTPServer {
    /// Where the server listens and the limits it enforces.
    public struct Configuration: Sendable {
        /// A numeric IPv4 or IPv6 address ("127.0.0.1", "0.0.0.0", "::1"), or
        /// "localhost" for 127.0.0.1.
        public var host: String
        /// 0 asks the kernel for a free port; `HTTPServer.port` tells which.
        public var port: UInt16
        /// libmicrohttpd worker threads, each with its own epoll (or poll)
        /// loop (MHD_OPTION_THREAD_POOL_SIZE). Handlers run on these threads.
        public var threads: Int
        /// Most connections open at once, across all threads
        /// (MHD_OPTION_CONNECTION_LIMIT); past it new connections are refused.
        public var connectionLimit: Int
        /// Seconds a connection may stay idle before it is closed
        /// (MHD_OPTION_CONNECTION_TIMEOUT). A request waiting for an
        /// asynchronous answer is not idle and never times out.
        public var connectionTimeoutSeconds: Int
        /// Largest request body accepted. A larger declared Content-Length is
        /// answered 413 at once, before any of the body is read; a chunked
        /// body that grows past it is read to its end, thrown away and
        /// answered 413.
        public var maxBodyBytes: Int
        /// Memory each connection has for its request line, headers and read
        /// buffer (MHD_OPTION_CONNECTION_MEMORY_LIMIT). libmicrohttpd itself
        /// answers 431 (headers) or 414 (URI) when a request does not fit.
        public var maxHeaderBytes: Int
        /// Where libmicrohttpd's own error messages and refused response
        /// headers are reported.
        public var logger: Logger
        /// Picks, from a request's head, a consumer that takes its body as it
        /// streams in (with its own size cap) instead of the server
        /// buffering it up to `maxBodyBytes`. Nil, or nil returned: buffered.
        /// Called on a libmicrohttpd thread once per request.
        public var bodyStream: (@Sendable (HTTPRequestHead) -> HTTPBodyStream?)?

        public init(host: String = "127.0.0.1",
                    port: UInt16 = 0,
                    threads: Int = 2,
                    connectionLimit: Int = 1024,
                    connectionTimeoutSeconds: Int = 30,
                    maxBodyBytes: Int = 1 << 20,
                    maxHeaderBytes: Int = 32 * 1024,
                    logger: Logger = Logger(label: "http"),
                    bodyStream: (@Sendable (HTTPRequestHead) -> HTTPBodyStream?)? = nil) {
            self.host = host
            self.port = port
            self.threads = threads
            self.connectionLimit = connectionLimit
            self.connectionTimeoutSeconds = connectionTimeoutSeconds
            self.maxBodyBytes = maxBodyBytes
            self.maxHeaderBytes = maxHeaderBytes
            self.logger = logger
            self.bodyStream = bodyStream
        }

        /// Throws `.invalidConfiguration` naming the first field out of range.
        func validate() throws(HTTPServerError) {
            func check(_ valid: Bool, _ field: String, _ value: Int, _ range: String) throws(HTTPServerError) {
                guard valid else {
                    throw HTTPServerError(code: .invalidConfiguration,
                                          message: "HTTPServer.Configuration.\(field) is \(value); it must be \(range)",
                                          host: host, port: port)
                }
            }
            try check((1...256).contains(threads), "threads", threads, "between 1 and 256")
            try check((1...1_000_000).contains(connectionLimit), "connectionLimit", connectionLimit,
                      "between 1 and 1000000")
            try check((0...86_400).contains(connectionTimeoutSeconds), "connectionTimeoutSeconds",
                      connectionTimeoutSeconds, "between 0 (no timeout) and 86400")
            try check(maxBodyBytes >= 0, "maxBodyBytes", maxBodyBytes, "0 or more")
            try check((4096...(16 << 20)).contains(maxHeaderBytes), "maxHeaderBytes", maxHeaderBytes,
                      "between 4096 and 16 MiB")
        }
    }
}
