import Foundation
import HeraldChannels

/// The `/v1` API of a running `herald serve`, called one request at a time
/// for one command, through HeraldChannels' `HTTPClient`.
///
/// The server's error shape `{"error":{"code","message"}}` becomes a
/// one-line `CommandFailure`: 401 and 403 exit 77, 404 exits 66, any other
/// 4xx exits 65, a 5xx or a server that cannot be reached exits 69.
///
/// Not Sendable: one command's thread uses it; the client shuts down with it.
final class RemoteAPI {
    /// What the server answered.
    struct Response {
        var status: Int
        var body: [UInt8]
        var headers: [HTTPHeader]

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    /// The server's address without a trailing slash, e.g. `http://127.0.0.1:8080`.
    let baseURL: String
    private let token: String
    private let client: HTTPClient

    init(url: String, token: String) throws {
        var base = url.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        guard let parsed = URL(string: base), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = parsed.host, !host.isEmpty, parsed.query == nil else {
            throw CommandFailure(.usage, "--url must be the server's http(s) address, e.g. http://127.0.0.1:8080; got '\(url)'")
        }
        guard !token.isEmpty else {
            throw CommandFailure(.usage, "the API token is empty: give --token TOKEN or set HERALD_TOKEN")
        }
        baseURL = base
        self.token = token
        // A proxy from the environment must not carry loopback requests away.
        let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
        do {
            client = try HTTPClient(configuration: HTTPClient.Configuration(proxy: loopback ? "" : nil))
        } catch {
            throw CommandFailure(.software, "cannot start the HTTP client: \(error)")
        }
    }

    deinit {
        client.shutdown()
    }

    // MARK: Calls

    /// GETs `path` and decodes a 2xx answer as `T`.
    func get<T: Decodable>(_ path: String, query: [(String, String?)] = [], as type: T.Type) throws -> T {
        try decode(T.self, try checked(send(.get, path, query: query)), "GET \(path)")
    }

    /// POSTs `value` as JSON to `path` and decodes a 2xx answer as `T`.
    func post<T: Decodable>(_ path: String, query: [(String, String?)] = [], json value: some Encodable,
                            headers: [HTTPHeader] = [], as type: T.Type) throws -> T {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = Array(try encoder.encode(value))
        let response = try send(.post, path, query: query, body: body, contentType: "application/json", headers: headers)
        return try decode(T.self, try checked(response), "POST \(path)")
    }

    /// Sends one request and returns whatever the server answered; fails
    /// only when it cannot be reached (exit 69).
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String?)] = [], body: [UInt8] = [],
              contentType: String? = nil, headers: [HTTPHeader] = [], timeout: Duration = .seconds(30)) throws
        -> Response {
        var all = headers + [HTTPHeader("Authorization", "Bearer \(token)"), HTTPHeader("Accept", "application/json")]
        if let contentType { all.append(HTTPHeader("Content-Type", contentType)) }
        let request = HTTPRequest(method: method, url: url(path, query), headers: all, body: body, timeout: timeout,
                                  maxResponseBytes: 64 << 20)
        let outcome = Outcome()
        client.execute(request) { result in outcome.finish(result) }
        switch outcome.wait() {
        case .success(let response):
            return Response(status: response.status, body: response.body, headers: response.headers)
        case .failure(let error):
            throw CommandFailure(.unavailable, "cannot reach the server at \(baseURL): \(error.message)")
        }
    }

    /// The `?committee=` of a committee-scoped call: an id as given; a slug
    /// looked up in `/v1/committees` (admin tokens); none when not given (a
    /// committee token acts for its own committee).
    func committeeQuery(_ committee: String?) throws -> [(String, String?)] {
        guard let committee else { return [] }
        if let id = Int64(committee), id > 0 { return [("committee", String(id))] }
        struct Committees: Decodable {
            struct Entry: Decodable { var id: Int64; var slug: String }
            var committees: [Entry]
        }
        let response = try send(.get, "/v1/committees")
        if response.status == 403 {
            throw CommandFailure(.usage, "a committee token cannot look up committee '\(committee)' by slug: "
                                 + "give its id, or leave out --committee to act for the token's own committee")
        }
        let known = try decode(Committees.self, try checked(response), "GET /v1/committees").committees
        guard let found = known.first(where: { $0.slug == committee }) else {
            throw CommandFailure(.noInput, "no committee '\(committee)' on \(baseURL)"
                                 + (known.isEmpty ? "" : "; committees: " + known.map(\.slug).joined(separator: ", ")))
        }
        return [("committee", String(found.id))]
    }

    /// The response when it is a 2xx; otherwise the failure it stands for.
    func checked(_ response: Response) throws -> Response {
        guard (200..<300).contains(response.status) else { throw failure(response) }
        return response
    }

    /// The one-line failure for a non-2xx answer, with the sysexits code its status maps to.
    func failure(_ response: Response) -> CommandFailure {
        let code: ExitCode = switch response.status {
        case 401, 403: .noPermission
        case 404: .noInput
        case 400..<500: .dataError
        default: .unavailable
        }
        guard let error = Self.errorBody(response.body) else {
            return CommandFailure(code, "the server answered HTTP \(response.status) without Herald's error body")
        }
        if error.code == "committee_required" {
            return CommandFailure(.usage, "an admin token acts for one committee at a time: give --committee ID")
        }
        return CommandFailure(code, "the server refused it (HTTP \(response.status) \(error.code)): "
                              + Self.oneLine(error.message))
    }

    /// The `{"error":{"code","message"}}` of an error answer, when it has one.
    static func errorBody(_ body: [UInt8]) -> (code: String, message: String)? {
        struct Envelope: Decodable {
            struct Detail: Decodable { var code: String; var message: String }
            var error: Detail
        }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)) else { return nil }
        return (envelope.error.code, envelope.error.message)
    }

    /// `path` with its query, values percent-encoded; nil values are left out.
    private func url(_ path: String, _ query: [(String, String?)]) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let pairs = query.compactMap { name, value in
            value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
        }
        return baseURL + path + (pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&"))
    }

    /// A 2xx answer's body as `T`; `what` names the call in the error.
    func decode<T: Decodable>(_ type: T.Type, _ response: Response, _ what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw CommandFailure(.unavailable, "the server's answer to \(what) is not what this herald expects "
                                 + "(is it the same version?): \(Self.oneLine("\(error)"))")
        }
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// One request's result, handed from the client's loop thread to the
    /// waiting command. `@unchecked Sendable`: `result` is written once
    /// before `done` is signalled and read only after `wait` returns.
    private final class Outcome: @unchecked Sendable {
        private var result: Result<HTTPResponse, HTTPClientError>?
        private let done = DispatchSemaphore(value: 0)

        func finish(_ result: Result<HTTPResponse, HTTPClientError>) {
            self.result = result
            done.signal()
        }

        func wait() -> Result<HTTPResponse, HTTPClientError> {
            done.wait()
            guard let result else {
                return .failure(HTTPClientError(kind: .cancelled, message: "no answer", url: ""))
            }
            return result
        }
    }
}
