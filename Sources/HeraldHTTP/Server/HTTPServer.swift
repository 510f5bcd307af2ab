import CMicroHTTPD
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP/1.1 server on libmicrohttpd, for Herald's API and the gateway
/// simulator.
///
/// ```swift
/// let server = try HTTPServer(configuration: .init(port: 8080)) { request, responder in
///     responder.respond(.text(200, "hello \(request.queryValue("name") ?? "")"))
/// }
/// ```
///
/// The server listens from `init` until `stop()` (or deinit). libmicrohttpd
/// runs `Configuration.threads` worker threads, each an epoll (poll on
/// macOS) loop, and calls the handler on them once a request's body is
/// complete. A handler may answer before it returns or later from any
/// thread: a request still unanswered when the handler returns has its
/// connection suspended (`MHD_suspend_connection`), so waiting costs no
/// thread, and resumed when `respond` is called. A handler must not block
/// its thread for long, and must not call `stop()`.
///
/// `@unchecked Sendable`: `daemon` is read and cleared only while holding
/// `stopLock`; everything else is immutable or is the Sendable context.
public final class HTTPServer: @unchecked Sendable {
    /// Answers a request now or later through the responder. Called on a
    /// libmicrohttpd thread, possibly on several threads at once.
    public typealias Handler = @Sendable (HTTPServerRequest, HTTPServerResponder) -> Void

    public let configuration: Configuration
    /// The port the server listens on: the configured one, or the one the
    /// kernel picked for port 0 (MHD_DAEMON_INFO_BIND_PORT).
    public let port: UInt16

    private let context: ListenerContext
    private let stopLock = NSLock()
    /// The `struct MHD_Daemon *`; nil once stopped.
    private var daemon: OpaquePointer?

    /// Starts listening; throws `HTTPServerError` (`.addressInUse` when the
    /// port is taken) if the server cannot.
    public init(configuration: Configuration = Configuration(), handler: @escaping Handler) throws(HTTPServerError) {
        try configuration.validate()
        guard var address = SocketAddress(host: configuration.host, port: configuration.port) else {
            throw HTTPServerError(code: .invalidConfiguration,
                                  message: "HTTPServer.Configuration.host '\(configuration.host)' is not a numeric "
                                      + "IPv4 or IPv6 address; use e.g. 127.0.0.1, 0.0.0.0 or ::1",
                                  host: configuration.host, port: configuration.port)
        }
        let context = ListenerContext(handler: handler, maxBodyBytes: configuration.maxBodyBytes,
                                      bodyStream: configuration.bodyStream, logger: configuration.logger)
        let contextPointer = Unmanaged.passRetained(context).toOpaque()

        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_AUTO.rawValue
            | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_ERROR_LOG.rawValue
        if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }

        let started = address.withSockaddrPointer { sockaddr -> OpaquePointer? in
            var options: [MHD_OptionItem] = [
                // First, so that start-up messages reach it too (microhttpd.h).
                cmhd_option_external_logger(DaemonCallbacks.log, contextPointer),
                MHD_OptionItem(option: .SOCK_ADDR, value: 0, ptr_value: UnsafeMutableRawPointer(sockaddr)),
                MHD_OptionItem(option: .CONNECTION_LIMIT, value: configuration.connectionLimit, ptr_value: nil),
                MHD_OptionItem(option: .CONNECTION_TIMEOUT, value: configuration.connectionTimeoutSeconds,
                               ptr_value: nil),
                MHD_OptionItem(option: .CONNECTION_MEMORY_LIMIT, value: configuration.maxHeaderBytes,
                               ptr_value: nil),
                cmhd_option_notify_completed(DaemonCallbacks.requestCompleted, contextPointer),
            ]
            if configuration.threads > 1 {
                options.append(MHD_OptionItem(option: .THREAD_POOL_SIZE, value: configuration.threads,
                                              ptr_value: nil))
            }
            options.append(MHD_OptionItem(option: .END, value: 0, ptr_value: nil))
            return options.withUnsafeMutableBufferPointer { items in
                cmhd_start_daemon(flags, configuration.port, nil, nil, DaemonCallbacks.access, contextPointer,
                                  items.baseAddress)
            }
        }

        guard let started else {
            let messages = context.takeStartupMessages()
            Unmanaged<ListenerContext>.fromOpaque(contextPointer).release()
            throw HTTPServer.startError(configuration: configuration, address: &address, messages: messages)
        }
        let boundPort = cmhd_daemon_bind_port(started)
        guard boundPort != 0 else {
            MHD_stop_daemon(started)
            Unmanaged<ListenerContext>.fromOpaque(contextPointer).release()
            throw HTTPServerError(code: .startFailed,
                                  message: "libmicrohttpd started but cannot tell its port (MHD_DAEMON_INFO_BIND_PORT)",
                                  host: configuration.host, port: configuration.port)
        }
        for message in context.markStarted() {
            configuration.logger.notice("libmicrohttpd: \(message)")
        }
        self.configuration = configuration
        self.context = context
        self.daemon = started
        self.port = boundPort
    }

    deinit {
        stop()
    }

    /// Stops listening, answers requests still waiting for an asynchronous
    /// answer with 503, closes every connection and waits for
    /// libmicrohttpd's threads to end. Idempotent; the port is free when it
    /// returns.
    public func stop() {
        stopLock.lock()
        defer { stopLock.unlock() }
        guard let daemon else { return }
        self.daemon = nil
        // Stop accepting first; the listening socket is then ours to close,
        // after MHD_stop_daemon (its threads may still look at it until then).
        let listenSocket = MHD_quiesce_daemon(daemon)
        context.beginStopping()
        MHD_stop_daemon(daemon)
        if listenSocket != MHD_INVALID_SOCKET, close(listenSocket) != 0 {
            configuration.logger.warning("closing the listening socket failed",
                                         ["errno": .int(Int(errno)), "port": .int(Int(port))])
        }
        Unmanaged.passUnretained(context).release()
    }

    private static func startError(configuration: Configuration, address: inout SocketAddress,
                                   messages: [String]) -> HTTPServerError {
        let place = "\(configuration.host):\(configuration.port)"
        if configuration.port != 0, address.isInUse() {
            return HTTPServerError(code: .addressInUse,
                                   message: "cannot listen on \(place): the port is already in use; stop what "
                                       + "holds it or configure another port",
                                   host: configuration.host, port: configuration.port)
        }
        let detail = messages.isEmpty ? "it gave no reason" : messages.joined(separator: "; ")
        return HTTPServerError(code: .startFailed,
                               message: "libmicrohttpd could not start listening on \(place): \(detail)",
                               host: configuration.host, port: configuration.port)
    }
}
