import Foundation
import HeraldCore

/// Any HTTP gateway, described by the queue file's `gateway.http` block
/// (`GenericHTTPSpec`) instead of code.
///
/// Everything is checked when the channel is built, with errors naming the
/// queue-file field: the method, the URL (absolute, or a path appended to
/// `gateway.endpoint`), every placeholder (an unknown one is an error, and
/// `{{env:NAME}}` must name a set variable), headers (only
/// `{{env:NAME}}`, `{{delivery_id}}`, `{{committee_id}}` and `{{attempt}}`
/// may appear in them, so no resident data reaches a header), the body and
/// its encoding, the success rule and the outcome rules.
///
/// Escaping: placeholders in the URL are percent-encoded (RFC 3986); in the
/// body as `bodyEncoding` says (`json`: JSON-string content, the template
/// supplies the quotes; `form`: percent-encoded; `raw`: as is).
///
/// Answers: a status in `success.status` (and, when set, the JSON value at
/// `success.json.path` equal to `success.json.equals`) → `.accepted` with
/// the value at `gatewayIdPath`. Otherwise the `outcomes` rules decide, a
/// rule for the JSON code (at `codePath`, default `success.json.path`)
/// before a rule for the status; then the shared rules (429, 5xx, 401/403,
/// unknown code → bounded retry).
///
/// Sendable: immutable parsed templates, the table and the shared transport.
public final class GenericHTTPChannel: SingleExchangeChannel {
    public let kind: ChannelKind
    public let adapter = "http"
    public let spec: GenericHTTPSpec
    /// The `outcomes` rules as a table: codes `status=NNN` and `code=VALUE`.
    public let table: OutcomeTable

    private let method: HTTPMethod
    private let url: MessageTemplate
    private let headers: [(name: String, value: MessageTemplate)]
    private let body: MessageTemplate?
    private let bodyEncoding: GenericHTTPSpec.BodyEncoding
    private let contentType: String?
    private let success: GenericHTTPSpec.Success
    private let codePath: String?
    private let timeout: Duration
    public let transport: any HTTPTransport
    private let clock: any WallClock
    private let logger: Logger

    /// Builds and validates the channel.
    ///
    /// - Parameters:
    ///   - queue: the queue's name, for errors and reasons.
    ///   - endpoint: `gateway.endpoint`, the base of a relative `spec.url`.
    ///   - environment: where `{{env:NAME}}` is read, once, here.
    public init(queue: String, kind: ChannelKind, endpoint: String, spec: GenericHTTPSpec,
                environment: [String: String], timeout: Duration = .seconds(10), transport: any HTTPTransport,
                clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "channels")) throws(ChannelError) {
        func invalid(_ field: String, _ message: String) -> ChannelError {
            ChannelError(.invalidHTTPSpec, message, queue: queue, field: "gateway.http.\(field)")
        }
        self.kind = kind
        self.spec = spec
        self.timeout = timeout
        self.transport = transport
        self.clock = clock
        self.logger = logger

        guard let method = HTTPMethod(rawValue: spec.method.uppercased()) else {
            throw invalid("method", "\"\(spec.method)\" is not GET, POST, PUT or DELETE")
        }
        self.method = method

        var urlText = spec.url.trimmingCharacters(in: .whitespaces)
        if urlText.hasPrefix("/") {
            urlText = try GatewaySettingsReader.baseURL(endpoint, queue: queue, field: "gateway.endpoint") + urlText
        }
        let url = try MessageTemplate.parse(urlText, queue: queue, field: "gateway.http.url", environment: environment)
        guard case .literal(let head)? = url.parts.first,
              let base = URLComponents(string: String(head.prefix { $0 != "?" })),
              ["http", "https"].contains(base.scheme?.lowercased() ?? ""), !(base.host ?? "").isEmpty else {
            throw invalid("url", "\"\(spec.url)\" must be an http:// or https:// URL with its host written out, "
                          + "or a path starting with / under gateway.endpoint")
        }
        self.url = url

        var headers: [(name: String, value: MessageTemplate)] = []
        for (name, value) in spec.headers.sorted(by: { $0.key < $1.key }) {
            let field = "gateway.http.headers.\(name)"
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) else {
                throw invalid("headers.\(name)", "\"\(name)\" is not a header name (letters, digits, - and _)")
            }
            let template = try MessageTemplate.parse(value, queue: queue, field: field, environment: environment)
            if let unsafe = template.fields.first(where: { !$0.isNumeric }) {
                throw invalid("headers.\(name)", "placeholder \(unsafe) cannot go in a header; headers may use "
                              + "{{env:NAME}}, {{delivery_id}}, {{committee_id}} and {{attempt}}")
            }
            for part in template.parts {
                if case .literal(let text) = part, text.contains(where: \.isNewline) {
                    throw invalid("headers.\(name)", "a header value cannot contain a line break")
                }
                if case .value(let text) = part, text.contains(where: \.isNewline) {
                    throw invalid("headers.\(name)", "an {{env:…}} value used in a header contains a line break")
                }
            }
            headers.append((name, template))
        }
        self.headers = headers

        if let bodyText = spec.body {
            guard method != .get else { throw invalid("body", "a GET request cannot have a body") }
            guard let encoding = spec.bodyEncoding else {
                throw invalid("bodyEncoding", "a body needs \"bodyEncoding\": \"json\", \"form\" or \"raw\" "
                              + "to say how placeholders are escaped")
            }
            bodyEncoding = encoding
            body = try MessageTemplate.parse(bodyText, queue: queue, field: "gateway.http.body", environment: environment)
        } else {
            bodyEncoding = spec.bodyEncoding ?? .raw
            body = nil
        }
        contentType = spec.contentType

        let success = spec.success ?? GenericHTTPSpec.Success()
        guard !success.status.isEmpty else { throw invalid("success.status", "list at least one HTTP status") }
        if let bad = success.status.first(where: { !(100...599).contains($0) }) {
            throw invalid("success.status", "\(bad) is not an HTTP status")
        }
        if let json = success.json, json.path.isEmpty {
            throw invalid("success.json.path", "the path is empty; use a dot path such as \"code\" or \"result.status\"")
        }
        self.success = success
        codePath = spec.codePath ?? success.json?.path

        var rows: [OutcomeTable.Row] = []
        for (index, rule) in spec.outcomes.enumerated() {
            let field = "outcomes.\(index)"
            let key: String
            switch (rule.status, rule.code) {
            case (let status?, nil):
                guard (100...599).contains(status) else { throw invalid(field + ".status", "\(status) is not an HTTP status") }
                key = "status=\(status)"
            case (nil, let code?):
                guard codePath != nil else {
                    throw invalid(field + ".code", "a code rule needs \"codePath\" (or success.json.path) "
                                  + "to say where the code is in the answer")
                }
                key = "code=\(code)"
            default:
                throw invalid(field, "a rule needs exactly one of \"status\" and \"code\"")
            }
            if let seconds = rule.retryAfterSeconds {
                guard rule.outcome == .retry || rule.outcome == .rateLimited else {
                    throw invalid(field + ".retryAfterSeconds", "only retry and rateLimited rules wait")
                }
                guard (0...86_400).contains(seconds) else {
                    throw invalid(field + ".retryAfterSeconds", "\(seconds) is not from 0 to 86400")
                }
            }
            guard !rows.contains(where: { $0.code == key }) else {
                throw invalid(field, "a second rule for \(key)")
            }
            rows.append(.init(key, rule.outcome, rule.reason ?? "\(rule.outcome.rawValue) per the queue file",
                              delay: rule.retryAfterSeconds.map { .seconds($0) }))
        }
        table = OutcomeTable(gateway: "HTTP gateway of queue \(queue)",
                             duplicateRisk: "unless the gateway deduplicates, a retry may send twice", rows: rows)
    }

    /// The request for `message`, the templates filled in.
    public func request(for message: OutboundMessage) throws(ChannelError) -> HTTPRequest {
        let url = try self.url.render(message, encode: PercentEncoding.queryComponent)
        var headers = try self.headers.map { (header) throws(ChannelError) in
            HTTPHeader(header.name, try header.value.render(message) { $0 })
        }
        var bytes: [UInt8] = []
        if let body {
            let encode: (String) -> String = switch bodyEncoding {
            case .json: JSONValue.escaped
            case .form: PercentEncoding.queryComponent
            case .raw: { $0 }
            }
            bytes = Array(try body.render(message, encode: encode).utf8)
            if !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                headers.append(HTTPHeader("Content-Type", contentType ?? Self.contentType(for: bodyEncoding)))
            }
        }
        return HTTPRequest(method: method, url: url, headers: headers, body: bytes,
                           connectTimeout: min(.seconds(5), timeout), timeout: timeout)
    }

    static func contentType(for encoding: GenericHTTPSpec.BodyEncoding) -> String {
        switch encoding {
        case .json: "application/json; charset=utf-8"
        case .form: "application/x-www-form-urlencoded"
        case .raw: "text/plain; charset=utf-8"
        }
    }

    /// What the gateway's answer (or the transport's failure) means.
    public func outcome(for result: Result<HTTPResponse, HTTPClientError>) -> SendOutcome {
        table.outcome(for: result, now: clock.now(), logger: logger, read: answer)
    }

    private func answer(_ response: HTTPResponse) -> GatewayAnswer {
        let json = JSONValue.parse(response.body)
        let gatewayID = spec.gatewayIdPath.flatMap { json?.value(atPath: $0)?.text }
        let code = codePath.flatMap { json?.value(atPath: $0)?.text }
        if success.status.contains(response.status) {
            guard let rule = success.json else { return .succeeded(gatewayID: gatewayID) }
            guard let value = json?.value(atPath: rule.path)?.text else { return .unreadable }
            if value == rule.equals { return .succeeded(gatewayID: gatewayID) }
        }
        if let code, table.row(for: "code=\(code)") != nil {
            return .code("code=\(code)", message: nil, gatewayID: gatewayID)
        }
        if table.row(for: "status=\(response.status)") != nil {
            return .code("status=\(response.status)", message: nil, gatewayID: gatewayID)
        }
        if let code { return .code("code=\(code)", message: nil, gatewayID: gatewayID) }
        return .unreadable
    }
}
