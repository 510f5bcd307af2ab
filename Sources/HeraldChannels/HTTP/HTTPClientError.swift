/// Why an exchange produced no HTTP response.
///
/// An HTTP status is not an error here: every status comes back as an
/// `HTTPResponse`, and each adapter's outcome table decides what it means.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// The class of failure; adapters map these to outcomes.
    public enum Kind: String, Sendable, Hashable {
        /// The host name did not resolve.
        case dns
        /// Nothing listens there, or the connection was reset before a response.
        case refused
        /// The connect or total timeout passed. The request may have reached
        /// the gateway: a non-idempotent send may have happened.
        case timeout
        /// TLS handshake or certificate verification failed.
        case tls
        /// The response was larger than `maxResponseBytes`.
        case responseTooLarge
        /// The connection closed mid-response or the peer spoke bad HTTP.
        case connectionLost
        /// `HTTPTask.cancel()` or client shutdown.
        case cancelled
        /// The request itself was unusable (a bad URL).
        case invalidRequest
        /// Anything else libcurl reported.
        case other
    }

    public var kind: Kind
    /// libcurl's message, with no query string in it.
    public var message: String
    /// The URL without its query string.
    public var url: String
    /// libcurl's CURLcode, or 0 when the error did not come from libcurl.
    public var curlCode: Int

    public init(kind: Kind, message: String, url: String, curlCode: Int = 0) {
        self.kind = kind
        self.message = message
        self.url = url
        self.curlCode = curlCode
    }

    /// True when the request may have reached the server before failing, so
    /// a retry can duplicate a non-idempotent send.
    public var mayHaveBeenSent: Bool {
        switch kind {
        case .timeout, .connectionLost, .responseTooLarge, .other: true
        case .dns, .refused, .tls, .cancelled, .invalidRequest: false
        }
    }

    public var description: String { "\(kind.rawValue): \(message) (\(url))" }
}
