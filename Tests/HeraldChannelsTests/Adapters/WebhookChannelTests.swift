import Foundation
import HeraldCore
import Testing
@testable import HeraldChannels

@Suite struct WebhookChannelTests {
    static let secret = "whsec_社区_1"

    static func channel(_ transport: FakeTransport = FakeTransport(status: 200, body: "")) -> WebhookChannel {
        WebhookChannel(configuration: .init(url: "http://127.0.0.1:9300/webhook/notices?tenant=7",
                                            secret: Secret(secret)),
                       transport: transport, clock: Fixture.clock)
    }

    @Test func requestIsASignedJSONPost() throws {
        let message = Fixture.message(openID: "oABC", template: "notice-1", page: "pages/n/1", attempt: 3)
        let request = try Self.channel().request(for: message)
        #expect(request.method == .post)
        #expect(request.url == "http://127.0.0.1:9300/webhook/notices?tenant=7")
        #expect(request.bodyText == #"{"delivery_id":4242,"committee_id":7,"openid":"oABC","phone":"+8613800000001","#
            + #""text":"社区通知：明早9点停水","template":"notice-1","#
            + #""parameters":{"activity":"重阳节\"包\"饺子","time":"10月11日 9:30","place":"活动室\\2楼"},"#
            + #""page":"pages/n/1","attempt":3}"#)
        #expect(request.header("Content-Type") == "application/json; charset=utf-8")
        #expect(request.header("X-Herald-Timestamp") == "1796000000")
        #expect(request.header("Idempotency-Key") == "herald-delivery-4242")
        #expect(request.header("X-Herald-Attempt") == "3")
        // The receiver's check passes with the shared secret, and fails with another.
        #expect(try WebhookSignature.verify(secret: Array(Self.secret.utf8), headers: request.headers, body: request.body,
                                            now: 1_796_000_010) == .valid)
        #expect(try WebhookSignature.verify(secret: Array("other".utf8), headers: request.headers, body: request.body,
                                            now: 1_796_000_010) == .mismatch)
    }

    @Test func absentFieldsAreNullAndTheKeyIsTheSameOnEveryAttempt() throws {
        let first = try Self.channel().request(for: Fixture.message(template: nil, parameters: [], attempt: 1))
        let second = try Self.channel().request(for: Fixture.message(template: nil, parameters: [], attempt: 2))
        #expect(first.bodyText.contains(#""openid":null"#))
        #expect(first.bodyText.contains(#""template":null,"parameters":{},"page":null,"attempt":1"#))
        #expect(first.header("Idempotency-Key") == second.header("Idempotency-Key"))
        #expect(first.header("X-Herald-Attempt") != second.header("X-Herald-Attempt"))
    }

    @Test func aResidentWithNeitherPhoneNorOpenIDIsPermanent() async {
        let transport = FakeTransport(status: 200, body: "")
        let outcome = await Self.channel(transport).send(Fixture.message(phone: nil, openID: nil))
        #expect(outcome.verdict == .permanent)
        #expect(transport.requests.isEmpty)
    }

    @Test(arguments: [
        (200, #"{"id":"rcv-9"}"#, SendOutcome.accepted(gatewayID: "rcv-9")),
        (201, #"{"id":12}"#, .accepted(gatewayID: "12")),
        (202, "queued", .accepted(gatewayID: nil)),
        (204, "", .accepted(gatewayID: nil)),
        (409, #"{"id":"rcv-9"}"#, .accepted(gatewayID: "rcv-9")),
    ])
    func successes(status: Int, body: String, expected: SendOutcome) {
        #expect(Self.channel().outcome(for: Fixture.response(status, body)) == expected)
    }

    static let rows: [ExpectedRow] = [
        ExpectedRow("409", .accepted),
        ExpectedRow("400", .permanent), ExpectedRow("404", .permanent), ExpectedRow("410", .permanent),
        ExpectedRow("413", .permanent), ExpectedRow("422", .permanent),
        ExpectedRow("401", .gatewayFailure), ExpectedRow("403", .gatewayFailure),
    ]

    @Test func tableHasExactlyTheExpectedRows() {
        expectTable(WebhookChannel.table, hasExactly: Self.rows)
    }

    @Test(arguments: rows)
    func row(_ row: ExpectedRow) {
        let outcome = Self.channel().outcome(for: Fixture.response(Int(row.code) ?? 0, "{}"))
        expectOutcome(outcome, matches: row)
    }

    @Test func sharedRulesCoverPacingServerErrorsAndTheRest() {
        let channel = Self.channel()
        #expect(channel.outcome(for: Fixture.response(429, "", headers: [HTTPHeader("Retry-After", "20")])) ==
            .rateLimited(retryAfter: .seconds(20), reason: "Webhook answered HTTP 429 Too Many Requests"))
        let unavailable = channel.outcome(for: Fixture.response(503, "", headers: [HTTPHeader("Retry-After", "9")]))
        #expect(unavailable.verdict == .retry)
        #expect(unavailable.delay == .seconds(9))
        let redirect = channel.outcome(for: Fixture.response(302, ""))
        #expect(redirect.verdict == .retry)
        #expect(redirect.reason.contains("302"))
        let timeout = channel.outcome(for: Fixture.failure(.timeout))
        #expect(timeout.reason.contains("deduplicates by Idempotency-Key"))
    }
}
