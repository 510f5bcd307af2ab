import Foundation
import HeraldCore
import Testing
@testable import HeraldChannels

/// The rules every adapter shares around its own table.
@Suite struct OutcomeRulesTests {
    static let table = OutcomeTable(gateway: "Test gateway", duplicateRisk: "a retry may send twice", rows: [
        .init("OK", .accepted, "accepted"),
        .init("BUSY", .retry, "busy"),
        .init("SLOW", .rateLimited, "slow down", delay: .seconds(60)),
        .init("PACE", .rateLimited, "pace"),
        .init("BAD_NUMBER", .permanent, "bad number"),
        .init("NO_MONEY", .gatewayFailure, "no money"),
        .init("Internal", .retry, "internal", match: .prefix),
        .init("Internal.Fatal", .gatewayFailure, "fatal", match: .prefix),
        .init("Internal.Fatal.Disk", .permanent, "exact beats prefix"),
    ])

    /// A reader for `{"code": "...", "id": "..."}` bodies.
    static func read(_ response: HTTPResponse) -> GatewayAnswer {
        guard let json = JSONValue.parse(response.body), let code = json["code"]?.text else { return .unreadable }
        return .code(code, message: json["message"]?.text, gatewayID: json["id"]?.text)
    }

    static func outcome(_ result: Result<HTTPResponse, HTTPClientError>, logger: Logger = Logger(label: "test")) -> SendOutcome {
        table.outcome(for: result, now: Fixture.now, logger: logger, read: read)
    }

    // MARK: - Table lookup

    @Test func exactRowsWinOverPrefixRowsAndLongerPrefixesOverShorter() {
        #expect(Self.table.row(for: "Internal.Fatal.Disk")?.verdict == .permanent)
        #expect(Self.table.row(for: "Internal.Fatal.Memory")?.verdict == .gatewayFailure)
        #expect(Self.table.row(for: "Internal.Timeout")?.verdict == .retry)
        #expect(Self.table.row(for: "internal.timeout") == nil, "codes are case-sensitive, as gateways send them")
        #expect(Self.table.row(for: "NOPE") == nil)
    }

    @Test func acceptedRowCarriesTheGatewayID() {
        #expect(Self.outcome(Fixture.response(200, #"{"code":"OK","id":"biz-1"}"#)) == .accepted(gatewayID: "biz-1"))
        #expect(Self.outcome(Fixture.response(200, #"{"code":"OK"}"#)) == .accepted(gatewayID: nil))
    }

    @Test func rowReasonNamesGatewayCodeMeaningAndGatewayMessage() {
        let outcome = Self.outcome(Fixture.response(200, #"{"code":"BAD_NUMBER","message":"号码 13800000001 不合法"}"#))
        #expect(outcome == .permanent(reason: "Test gateway BAD_NUMBER: bad number (gateway said: 号码 … 不合法)"))
    }

    @Test func rowDelayWinsOverRetryAfterAndRetryAfterFillsRowsWithoutOne() {
        let headers = [HTTPHeader("Retry-After", "17")]
        #expect(Self.outcome(Fixture.response(200, #"{"code":"SLOW"}"#, headers: headers)).delay == .seconds(60))
        #expect(Self.outcome(Fixture.response(200, #"{"code":"PACE"}"#, headers: headers)).delay == .seconds(17))
        #expect(Self.outcome(Fixture.response(503, #"{"code":"BUSY"}"#, headers: headers)) ==
            .retry(after: .seconds(17), reason: "Test gateway BUSY: busy"))
        #expect(Self.outcome(Fixture.response(200, #"{"code":"PACE"}"#)).delay == nil)
    }

    @Test func unknownCodeRetriesNamingTheCodeAndIsLogged() {
        let logs = LogCollector()
        let outcome = Self.outcome(Fixture.response(200, #"{"code":"isv.SOMETHING_NEW","message":"新错误"}"#),
                                   logger: logs.logger)
        #expect(outcome.verdict == .retry)
        #expect(outcome.delay == nil)
        #expect(outcome.reason.contains("isv.SOMETHING_NEW"))
        #expect(outcome.reason.contains("unknown answer code"))
        #expect(outcome.reason.contains("新错误"))
        #expect(logs.all.count == 1)
        #expect(logs.all.first?.contains("\"code\":\"isv.SOMETHING_NEW\"") == true)
        #expect(logs.all.first?.contains("\"level\":\"warning\"") == true)
    }

    // MARK: - HTTP rules

    @Test func http429IsRateLimitedWhateverTheBodySays() {
        #expect(Self.outcome(Fixture.response(429, "", headers: [HTTPHeader("Retry-After", "30")])) ==
            .rateLimited(retryAfter: .seconds(30), reason: "Test gateway answered HTTP 429 Too Many Requests"))
        #expect(Self.outcome(Fixture.response(429, #"{"code":"OK"}"#)) ==
            .rateLimited(retryAfter: nil, reason: "Test gateway answered HTTP 429 Too Many Requests (OK)"))
    }

    @Test func http429RetryAfterAsAnHTTPDate() {
        // Fixture.now is Mon, 30 Nov 2026 00:53:20 GMT.
        let headers = [HTTPHeader("Retry-After", "Mon, 30 Nov 2026 00:55:20 GMT")]
        #expect(Self.outcome(Fixture.response(429, "", headers: headers)).delay == .seconds(120))
    }

    @Test func serverErrorsRetryAfterRetryAfter() {
        #expect(Self.outcome(Fixture.response(503, "<html>busy</html>", headers: [HTTPHeader("Retry-After", "12")])) ==
            .retry(after: .seconds(12), reason: "Test gateway answered HTTP 503"))
        #expect(Self.outcome(Fixture.response(500, "")) == .retry(after: nil, reason: "Test gateway answered HTTP 500"))
        let unknown = Self.outcome(Fixture.response(502, #"{"code":"WHO"}"#, headers: [HTTPHeader("Retry-After", "5")]))
        #expect(unknown.verdict == .retry)
        #expect(unknown.delay == .seconds(5))
        #expect(unknown.reason.contains("HTTP 502") && unknown.reason.contains("WHO"))
    }

    @Test func unauthorizedWithoutARecognisedCodeIsAGatewayFailure() {
        for status in [401, 403] {
            let plain = Self.outcome(Fixture.response(status, "Forbidden"))
            #expect(plain.verdict == .gatewayFailure)
            #expect(plain.reason.contains("HTTP \(status)") && plain.reason.contains("credentials"))
            let unknown = Self.outcome(Fixture.response(status, #"{"code":"Denied.Somehow"}"#))
            #expect(unknown.verdict == .gatewayFailure)
            #expect(unknown.reason.contains("Denied.Somehow"))
        }
        // A recognised code decides, whatever the status.
        #expect(Self.outcome(Fixture.response(403, #"{"code":"BAD_NUMBER"}"#)).verdict == .permanent)
    }

    @Test func successStatusWithAnUnreadableBodyIsAMalformedResponse() {
        for body in ["", "<html>ok</html>", #"{"no_code":1}"#, "[1,2]"] {
            let outcome = Self.outcome(Fixture.response(200, body))
            #expect(outcome.verdict == .retry)
            #expect(outcome.delay == nil)
            #expect(outcome.reason.contains("malformed response"), "\(body)")
        }
    }

    @Test func otherStatusesWithoutACodeRetry() {
        let outcome = Self.outcome(Fixture.response(404, "Not Found"))
        #expect(outcome == .retry(after: nil, reason: "Test gateway answered HTTP 404 with no recognisable answer code"))
    }

    // MARK: - Transport rules

    @Test(arguments: [
        (HTTPClientError.Kind.timeout, OutcomeTable.Verdict.retry, true),
        (.connectionLost, .retry, true),
        (.responseTooLarge, .retry, true),
        (.other, .retry, true),
        (.refused, .retry, false),
        (.dns, .retry, false),
        (.tls, .retry, false),
        (.cancelled, .retry, false),
        (.invalidRequest, .permanent, false),
    ])
    func transportErrors(kind: HTTPClientError.Kind, verdict: OutcomeTable.Verdict, maySendTwice: Bool) {
        let outcome = Self.outcome(Fixture.failure(kind))
        #expect(outcome.verdict == verdict)
        #expect(outcome.delay == nil)
        #expect(outcome.reason.hasPrefix("Test gateway"))
        #expect(outcome.reason.contains("simulated \(kind.rawValue)"))
        // The duplicate warning appears exactly where the gateway may have taken the message.
        #expect(outcome.reason.contains("a retry may send twice") == maySendTwice, "\(outcome.reason)")
        #expect(outcome.reason.contains("may have") == maySendTwice)
    }

    @Test func timeoutReasonSaysTheSendMayHaveHappened() {
        let outcome = Self.outcome(Fixture.failure(.timeout))
        #expect(outcome.reason == "Test gateway: timed out (simulated timeout); the gateway may have taken the "
            + "message before the answer was lost. a retry may send twice")
    }

    // MARK: - Gateway text

    @Test func gatewayTextMasksLongDigitRunsAndFlattensLines() {
        #expect(OutcomeTable.gatewayText("bad number 8613800000001\nline two 123456") == "bad number … line two 123456")
        #expect(OutcomeTable.gatewayText(String(repeating: "x", count: 500)).count == 200)
    }
}
