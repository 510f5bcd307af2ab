import CMicroHTTPD
import Foundation
import HeraldCore

/// What libmicrohttpd's callbacks reach through their `void *cls`: the
/// handler, the limits, and the state of every request that is waiting for
/// an asynchronous answer.
///
/// The daemon holds it retained (`Unmanaged.passRetained`) from start until
/// `MHD_stop_daemon` has returned.
///
/// `@unchecked Sendable`: `stopping`, `started`, `startupMessages`, `held`
/// and each exchange's `phase` and `response` are guarded by `lock`. The
/// lock is held across `MHD_suspend_connection` and `MHD_resume_connection`
/// (lock order: this lock, then libmicrohttpd's internal ones), so that a
/// connection is never resumed before it is suspended and `stop()` never
/// misses a suspended connection.
final class ListenerContext: @unchecked Sendable {
    let handler: HTTPServer.Handler
    let maxBodyBytes: Int
    let bodyStream: (@Sendable (HTTPRequestHead) -> HTTPBodyStream?)?
    let logger: Logger

    private let lock = NSLock()
    private var stopping = false
    private var started = false
    private var startupMessages: [String] = []
    /// Suspended connections, by exchange identity.
    private var held: [ObjectIdentifier: ServerExchange] = [:]

    init(handler: @escaping HTTPServer.Handler, maxBodyBytes: Int,
         bodyStream: (@Sendable (HTTPRequestHead) -> HTTPBodyStream?)?, logger: Logger) {
        self.handler = handler
        self.maxBodyBytes = maxBodyBytes
        self.bodyStream = bodyStream
        self.logger = logger
    }

    // MARK: Life cycle

    /// Records one of libmicrohttpd's messages: kept for the start error
    /// while starting, logged once running.
    ///
    /// "Application reported internal error" follows every MHD_NO from the
    /// access handler: `dropConnection` on purpose, or a failure this module
    /// has already logged as an error. It is logged at debug level so that
    /// injected faults do not fill the log.
    func record(libraryMessage message: String) {
        lock.lock()
        let running = started
        if !running { startupMessages.append(message) }
        lock.unlock()
        guard running else { return }
        if message.hasPrefix("Application reported internal error") {
            logger.debug("libmicrohttpd: \(message)")
        } else {
            logger.warning("libmicrohttpd: \(message)")
        }
    }

    /// The daemon is up: from now on libmicrohttpd's messages go to the log.
    /// Returns what it said while starting.
    func markStarted() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        started = true
        return startupMessages
    }

    /// Start failed: what libmicrohttpd said while trying.
    func takeStartupMessages() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        let messages = startupMessages
        startupMessages = []
        return messages
    }

    /// Answers every held request 503 and resumes its connection, and makes
    /// requests finishing from now on get 503 rather than be suspended;
    /// `MHD_stop_daemon` must not meet a suspended connection.
    func beginStopping() {
        lock.lock()
        defer { lock.unlock() }
        stopping = true
        for exchange in held.values {
            exchange.response = ListenerContext.stoppingResponse
            exchange.phase = .resumed
            MHD_resume_connection(exchange.connection)
        }
        held.removeAll()
    }

    static let stoppingResponse: HTTPServerResponse = {
        var response = HTTPServerResponse.error(status: 503, code: "stopping",
                                                message: "the server is shutting down; try again later")
        response.headers.append(HTTPField("Connection", "close"))
        return response
    }()

    static let tooLargeResponse: HTTPServerResponse = {
        var response = HTTPServerResponse.error(status: 413, code: "body_too_large",
                                                message: "the request body is larger than this server accepts")
        response.headers.append(HTTPField("Connection", "close"))
        return response
    }()

    // MARK: Exchange state

    enum Next {
        /// Run the handler.
        case handle
        /// Queue this response (the answer after a resume).
        case respond(HTTPServerResponse)
        /// Called in a phase where it should not be: close the connection.
        case unexpected
    }

    /// The request is complete (or its connection was resumed): what to do.
    func next(for exchange: ServerExchange) -> Next {
        lock.lock()
        defer { lock.unlock() }
        switch exchange.phase {
        case .receiving:
            exchange.phase = .handling
            return .handle
        case .resumed:
            exchange.phase = .handling
            // `response` is always set before `.resumed`.
            return exchange.response.map(Next.respond) ?? .unexpected
        case .handling, .suspended, .completed:
            return .unexpected
        }
    }

    /// The handler returned. Returns its answer if it gave one, or nil
    /// after suspending the connection until `deliver` resumes it.
    func finishHandling(_ exchange: ServerExchange) -> HTTPServerResponse? {
        lock.lock()
        defer { lock.unlock() }
        if let response = exchange.response { return response }
        if stopping {
            exchange.response = ListenerContext.stoppingResponse
            return exchange.response
        }
        MHD_suspend_connection(exchange.connection)
        exchange.phase = .suspended
        held[ObjectIdentifier(exchange)] = exchange
        return nil
    }

    /// A responder's answer: stored, and the connection resumed if the
    /// handler has already returned. Ignored once a response is set or the
    /// request is complete.
    func deliver(_ response: HTTPServerResponse, to exchange: ServerExchange) {
        lock.lock()
        defer { lock.unlock() }
        guard exchange.response == nil, exchange.phase != .completed else { return }
        exchange.response = response
        if exchange.phase == .suspended {
            exchange.phase = .resumed
            held[ObjectIdentifier(exchange)] = nil
            MHD_resume_connection(exchange.connection)
        }
    }

    /// libmicrohttpd is done with the request (answered, failed, timed out
    /// or shut down); late answers are dropped from now on.
    func complete(_ exchange: ServerExchange) {
        lock.lock()
        defer { lock.unlock() }
        exchange.phase = .completed
        held[ObjectIdentifier(exchange)] = nil
    }
}
