import Foundation

/// What a handler answers: a status, headers and a body, or the
/// `dropConnection` fault.
///
/// libmicrohttpd writes `Content-Length`, `Date` and (for keep-alive)
/// `Connection` itself; a `Content-Length` given here is ignored.
public struct HTTPServerResponse: Sendable {
    public var status: Int
    public var headers: [HTTPField]
    public var body: [UInt8]
    /// True only for `dropConnection`.
    public private(set) var dropsConnection: Bool = false

    public init(status: Int, headers: [HTTPField] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first(named: name)
    }

    /// Closes the connection without writing any response: a fault the
    /// gateway simulator injects to stand for a peer that hangs up.
    public static let dropConnection: HTTPServerResponse = {
        var response = HTTPServerResponse(status: 0)
        response.dropsConnection = true
        return response
    }()

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ status: Int, _ string: String) -> HTTPServerResponse {
        HTTPServerResponse(status: status,
                           headers: [HTTPField("Content-Type", "text/plain; charset=utf-8")],
                           body: Array(string.utf8))
    }

    /// An `application/json` response with an already-encoded body.
    public static func json(status: Int = 200, bytes: [UInt8]) -> HTTPServerResponse {
        HTTPServerResponse(status: status,
                           headers: [HTTPField("Content-Type", "application/json")],
                           body: bytes)
    }

    /// An `application/json` response encoding `value` with `encoder`
    /// (sorted keys and unescaped slashes unless another encoder is given).
    public static func json(status: Int = 200, encoding value: some Encodable,
                            encoder: JSONEncoder = HTTPServerResponse.jsonEncoder()) throws -> HTTPServerResponse {
        json(status: status, bytes: Array(try encoder.encode(value)))
    }

    /// Herald's error body, `{"error":{"code":"...","message":"..."}}`.
    ///
    /// `code` is a stable snake_case identifier for programs; `message` is
    /// for people and may change.
    public static func error(status: Int, code: String, message: String) -> HTTPServerResponse {
        let envelope = ErrorEnvelope(error: .init(code: code, message: message))
        // Two strings always encode; the fallback only keeps this non-throwing.
        let bytes = (try? jsonEncoder().encode(envelope)).map { Array($0) }
            ?? Array(#"{"error":{"code":"internal","message":"unencodable error"}}"#.utf8)
        return json(status: status, bytes: bytes)
    }

    /// A response with no body, e.g. `.empty(204)`.
    public static func empty(_ status: Int) -> HTTPServerResponse {
        HTTPServerResponse(status: status)
    }

    /// The encoder `json(status:encoding:)` uses by default.
    public static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private struct ErrorEnvelope: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
    }
}
