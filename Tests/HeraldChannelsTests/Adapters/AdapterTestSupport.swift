import Foundation
import HeraldCore
import Synchronization
import Testing
@testable import HeraldChannels

/// An `HTTPTransport` that records every request and answers from a
/// handler, or holds the exchange until the test releases it.
///
/// Completions run on the caller's thread, outside the fake's lock, so an
/// adapter that sends again from a completion (WeChat's resend) works.
final class FakeTransport: HTTPTransport {
    typealias Completion = @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void
    /// nil holds the exchange for `releaseHeld`.
    typealias Handler = @Sendable (HTTPRequest) -> Result<HTTPResponse, HTTPClientError>?

    private struct State {
        var requests: [HTTPRequest] = []
        var held: [(request: HTTPRequest, completion: Completion)] = []
    }

    private let state = Mutex(State())
    private let handler: Handler

    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    /// Answers every request with `result`.
    convenience init(answer result: Result<HTTPResponse, HTTPClientError>) {
        self.init { _ in result }
    }

    /// Answers every request with `status` and a UTF-8 body.
    convenience init(status: Int, body: String, headers: [HTTPHeader] = []) {
        self.init(answer: .success(HTTPResponse(status: status, headers: headers, body: Array(body.utf8))))
    }

    func exchange(_ request: HTTPRequest, completion: @escaping Completion) {
        state.withLock { $0.requests.append(request) }
        if let result = handler(request) {
            completion(result)
        } else {
            state.withLock { $0.held.append((request, completion)) }
        }
    }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }
    var heldCount: Int { state.withLock { $0.held.count } }

    /// Completes every held exchange with `result`.
    func releaseHeld(with result: @Sendable (HTTPRequest) -> Result<HTTPResponse, HTTPClientError>) {
        let held = state.withLock { state in
            defer { state.held.removeAll() }
            return state.held
        }
        for exchange in held { exchange.completion(result(exchange.request)) }
    }
}

/// Collects log lines for assertions.
final class LogCollector: Sendable {
    private final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    private let box = Lines()
    let system: LoggingSystem

    init() {
        let box = box
        system = LoggingSystem(minimumLevel: .trace, sink: { line in box.lines.withLock { $0.append(line) } })
    }

    var logger: Logger { Logger(label: "channels", system: system) }
    var all: [String] { box.lines.withLock { $0 } }
}

enum Fixture {
    /// 2026-11-30T00:53:20Z.
    static let now = Date(timeIntervalSince1970: 1_796_000_000)
    static var clock: ManualClock { ManualClock(now) }

    static func phone(_ text: String = "+8613800000001") -> PhoneNumber {
        // The fixtures are valid numbers; a failure here is a broken fixture.
        guard let phone = try? PhoneNumber(parsing: text) else { fatalError("bad fixture number \(text)") }
        return phone
    }

    /// Parameters with Chinese, a space, a quote and a backslash, to check encoding.
    static let parameters = [
        TemplateParameter("activity", "重阳节\"包\"饺子"),
        TemplateParameter("time", "10月11日 9:30"),
        TemplateParameter("place", "活动室\\2楼"),
    ]

    static func message(phone: String? = "+8613800000001", openID: String? = nil, text: String = "社区通知：明早9点停水",
                        template: String? = "SMS_1234", parameters: [TemplateParameter] = Fixture.parameters,
                        page: String? = nil, voiceMenu: VoiceMenu? = nil, deliveryID: Int64 = 4242,
                        attempt: Int = 1) -> OutboundMessage {
        OutboundMessage(deliveryID: deliveryID, committeeID: 7,
                        recipient: Recipient(phone: phone.map { Fixture.phone($0) }, openID: openID),
                        text: text, templateCode: template, parameters: parameters, page: page,
                        voiceMenu: voiceMenu, attempt: attempt)
    }

    static func response(_ status: Int, _ body: String, headers: [HTTPHeader] = []) -> Result<HTTPResponse, HTTPClientError> {
        .success(HTTPResponse(status: status, headers: headers, body: Array(body.utf8)))
    }

    static func failure(_ kind: HTTPClientError.Kind) -> Result<HTTPResponse, HTTPClientError> {
        .failure(HTTPClientError(kind: kind, message: "simulated \(kind.rawValue)", url: "http://127.0.0.1:9300/"))
    }
}

/// Splits `name=value&…` and percent-decodes both sides (`+` stays `+`).
func decodeForm(_ text: String) -> [String: String] {
    var fields: [String: String] = [:]
    for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
        let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
        fields[name] = value
    }
    return fields
}

/// The names of `name=value&…` in order.
func formNames(_ text: String) -> [String] {
    text.split(separator: "&").map { String($0.split(separator: "=", maxSplits: 1)[0]) }
}

/// The query string of a URL (after `?`).
func query(of url: String) -> String {
    guard let mark = url.firstIndex(of: "?") else { return "" }
    return String(url[url.index(after: mark)...])
}

extension HTTPRequest {
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

extension SendOutcome {
    var verdict: OutcomeTable.Verdict {
        switch self {
        case .accepted: .accepted
        case .retry: .retry
        case .rateLimited: .rateLimited
        case .permanent: .permanent
        case .gatewayFailure: .gatewayFailure
        }
    }

    var reason: String {
        switch self {
        case .accepted: ""
        case .retry(_, let reason), .rateLimited(_, let reason), .permanent(let reason), .gatewayFailure(let reason): reason
        }
    }

    var delay: Duration? {
        switch self {
        case .retry(let after, _): after
        case .rateLimited(let after, _): after
        default: nil
        }
    }
}

/// One expected row of an adapter's table, written out in the test so the
/// test is the specification. `code` is the row's code; `sample` is what the
/// gateway sends (the same, or a code under a prefix row).
struct ExpectedRow: Sendable, CustomStringConvertible {
    var code: String
    var sample: String
    var verdict: OutcomeTable.Verdict
    var delay: Duration?

    init(_ code: String, _ verdict: OutcomeTable.Verdict, delay: Duration? = nil, sample: String? = nil) {
        self.code = code
        self.sample = sample ?? code
        self.verdict = verdict
        self.delay = delay
    }

    var description: String { "\(sample) → \(verdict.rawValue)" }
}

/// Checks that `table` has exactly the rows `expected` names, so a row
/// added to or dropped from the table without the test fails.
func expectTable(_ table: OutcomeTable, hasExactly expected: [ExpectedRow],
                 sourceLocation: SourceLocation = #_sourceLocation) {
    let tableCodes = Set(table.rows.map(\.code))
    let expectedCodes = Set(expected.map(\.code))
    #expect(expectedCodes.count == expected.count, "the test lists a code twice", sourceLocation: sourceLocation)
    let missing = expectedCodes.subtracting(tableCodes)
    let extra = tableCodes.subtracting(expectedCodes)
    #expect(missing.isEmpty, "rows the test expects but the table lacks: \(missing.sorted())", sourceLocation: sourceLocation)
    #expect(extra.isEmpty, "rows in the table the test does not cover: \(extra.sorted())", sourceLocation: sourceLocation)
}

/// Checks one row's outcome: the verdict, the delay, and that a reason
/// names the code.
func expectOutcome(_ outcome: SendOutcome, matches row: ExpectedRow, gatewayID: String? = nil,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(outcome.verdict == row.verdict, "\(row.sample): got \(outcome)", sourceLocation: sourceLocation)
    if row.verdict == .accepted {
        #expect(outcome == .accepted(gatewayID: gatewayID), sourceLocation: sourceLocation)
    } else {
        #expect(outcome.reason.contains(row.sample), "reason should name \(row.sample): \(outcome.reason)",
                sourceLocation: sourceLocation)
        if row.verdict == .retry || row.verdict == .rateLimited {
            #expect(outcome.delay == row.delay, "\(row.sample) delay", sourceLocation: sourceLocation)
        }
    }
}

/// A thread-safe counter for nonce sources.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}

