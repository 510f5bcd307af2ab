/// One request on one libmicrohttpd connection, from the access handler's
/// first call until libmicrohttpd reports the request complete.
///
/// Retained in the connection's `*con_cls` (`Unmanaged.passRetained`) and
/// released by the MHD_OPTION_NOTIFY_COMPLETED callback.
///
/// `@unchecked Sendable`: `body` and `bodyTooLarge` are touched only by the
/// access handler, which libmicrohttpd runs for a connection on one thread
/// at a time; `phase` and `response` are guarded by `ListenerContext.lock`,
/// and `connection` is used only while `phase` says libmicrohttpd still
/// holds it.
final class ServerExchange: @unchecked Sendable {
    enum Phase {
        /// Headers in, body arriving.
        case receiving
        /// The handler is running on the access handler's thread.
        case handling
        /// The handler returned without answering; the connection is suspended.
        case suspended
        /// `response` is set and the connection resumed; the next access
        /// handler call queues it.
        case resumed
        /// libmicrohttpd is done with the request; `connection` may be gone.
        case completed
    }

    /// The `struct MHD_Connection *`.
    let connection: OpaquePointer
    var body: [UInt8] = []
    var bodyTooLarge = false
    /// Takes the body instead of `body` when the configuration chose one.
    var stream: HTTPBodyStream?
    /// Bytes handed to `stream` so far.
    var streamedBytes = 0
    var phase: Phase = .receiving
    var response: HTTPServerResponse?

    init(connection: OpaquePointer) {
        self.connection = connection
    }
}
