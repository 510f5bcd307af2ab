import Foundation

/// A complete HTTP response: status, headers and the (size-capped) body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// The protocol the exchange used, e.g. "HTTP/1.1" or "HTTP/2".
    public var httpVersion: String

    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = [], httpVersion: String = "HTTP/1.1") {
        self.status = status
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The body decoded as UTF-8 (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The `Retry-After` header as a delay: either delta-seconds or an
    /// HTTP-date (RFC 9110 §10.2.3), measured from `now`. Nil when absent or
    /// unreadable; never negative.
    public func retryAfter(now: Date = Date()) -> Duration? {
        guard let raw = header("Retry-After")?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            return nil
        }
        if let seconds = Int(raw) {
            return .seconds(max(0, seconds))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: raw) else { return nil }
        let delay = date.timeIntervalSince(now)
        return .milliseconds(max(0, Int64((delay * 1000).rounded())))
    }

    /// 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
