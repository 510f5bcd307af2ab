import Foundation

/// A complete HTTP response: status, headers and the (size-capped) body.
///
/// Headers are kept as the raw header block and parsed only when asked for:
/// most sends read the status and body and never look at a header.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// The protocol the exchange used, e.g. "HTTP/1.1" or "HTTP/2".
    public var httpVersion: String
    /// How many new connections this exchange opened: 0 when it reused a
    /// kept-alive one.
    public var connectionsOpened: Int = 0
    /// The header block as received ("Name: value\r\n" lines).
    var rawHeaders: [UInt8]

    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = [], httpVersion: String = "HTTP/1.1") {
        self.status = status
        self.body = body
        self.httpVersion = httpVersion
        rawHeaders = Array(headers.map { "\($0.name): \($0.value)\r\n" }.joined().utf8)
    }

    init(status: Int, rawHeaders: [UInt8], body: [UInt8], httpVersion: String, connectionsOpened: Int) {
        self.status = status
        self.connectionsOpened = connectionsOpened
        self.rawHeaders = rawHeaders
        self.body = body
        self.httpVersion = httpVersion
    }

    /// Every header, in order.
    public var headers: [HTTPHeader] {
        var headers: [HTTPHeader] = []
        forEachHeader { name, value in
            headers.append(HTTPHeader(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            return true
        }
        return headers
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = Array(name.utf8).map(Self.lowercased)
        var found: String?
        forEachHeader { candidate, value in
            guard candidate.count == wanted.count,
                  zip(candidate, wanted).allSatisfy({ Self.lowercased($0) == $1 }) else { return true }
            found = String(decoding: value, as: UTF8.self)
            return false
        }
        return found
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

    /// Calls `body` with each header's name and value bytes until it returns false.
    private func forEachHeader(_ body: (ArraySlice<UInt8>, ArraySlice<UInt8>) -> Bool) {
        let bytes = rawHeaders
        var lineStart = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            var lineEnd = index
            if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            defer { lineStart = index + 1 }
            guard let colon = bytes[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: ":")) else { continue }
            var valueStart = colon + 1
            while valueStart < lineEnd, bytes[valueStart] == UInt8(ascii: " ") || bytes[valueStart] == UInt8(ascii: "\t") {
                valueStart += 1
            }
            var valueEnd = lineEnd
            while valueEnd > valueStart, bytes[valueEnd - 1] == UInt8(ascii: " ") { valueEnd -= 1 }
            if !body(bytes[lineStart..<colon], bytes[valueStart..<valueEnd]) { return }
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
