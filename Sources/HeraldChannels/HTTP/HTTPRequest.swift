import Foundation

/// One HTTP header; order and repeats are kept as given.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An HTTP method Herald sends.
public enum HTTPMethod: String, Sendable, Hashable, Codable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"
}

/// One outbound request for `HTTPClient`.
///
/// The body is bytes so that adapters can build it once into a buffer; the
/// client hands it to libcurl without copying again.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// An absolute http or https URL. Query strings may hold credentials
    /// (Kannel's password, WeChat's access_token): `HTTPClientError` and logs
    /// print only `redactedURL`.
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// The most time to spend connecting (DNS, TCP, TLS).
    public var connectTimeout: Duration
    /// The most time for the whole exchange, connecting included.
    public var timeout: Duration
    /// Responses larger than this fail with `.responseTooLarge`.
    public var maxResponseBytes: Int

    public init(method: HTTPMethod = .get,
                url: String,
                headers: [HTTPHeader] = [],
                body: [UInt8] = [],
                connectTimeout: Duration = .seconds(5),
                timeout: Duration = .seconds(15),
                maxResponseBytes: Int = 1 << 20) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// The URL without its query string, safe to print.
    public var redactedURL: String { HTTPRequest.redact(url) }

    static func redact(_ url: String) -> String {
        guard let mark = url.firstIndex(of: "?") else { return url }
        return String(url[..<mark]) + "?…"
    }
}

extension HTTPRequest {
    /// A request whose body is a UTF-8 string.
    public init(method: HTTPMethod, url: String, headers: [HTTPHeader] = [], text: String,
                timeout: Duration = .seconds(15)) {
        self.init(method: method, url: url, headers: headers, body: Array(text.utf8), timeout: timeout)
    }
}
