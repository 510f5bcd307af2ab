import Foundation
import HeraldCore
import Synchronization
import Testing
@testable import HeraldChannels

/// A fake WeChat: hands out tokens `token-1`, `token-2`, … and answers sends
/// from `sendAnswers` in order (the last one repeats).
final class FakeWeChat: Sendable {
    private let tokensIssued = Counter()
    private let sends = Counter()
    let transport: FakeTransport

    init(tokenAnswer: (@Sendable (Int) -> Result<HTTPResponse, HTTPClientError>)? = nil,
         sendAnswers: [Result<HTTPResponse, HTTPClientError>] = [Fixture.response(200, #"{"errcode":0,"errmsg":"ok"}"#)]) {
        let tokensIssued = tokensIssued
        let sends = sends
        transport = FakeTransport { request in
            if request.url.contains("/cgi-bin/token?") {
                let number = tokensIssued.next()
                return tokenAnswer?(number)
                    ?? Fixture.response(200, #"{"access_token":"token-\#(number)","expires_in":7200}"#)
            }
            let index = sends.next() - 1
            return sendAnswers[min(index, sendAnswers.count - 1)]
        }
    }

    var tokenRequests: [HTTPRequest] { transport.requests.filter { $0.url.contains("/cgi-bin/token?") } }
    var sendRequests: [HTTPRequest] { transport.requests.filter { $0.url.contains("/subscribe/send?") } }
}

@Suite struct WeChatSubscribeChannelTests {
    static let tokenConfiguration = AccessTokenCache.Configuration(endpoint: "http://127.0.0.1:9300", appID: "wx1234",
                                                                   appSecret: Secret("s3cret"))

    static func channel(_ fake: FakeWeChat, clock: ManualClock = Fixture.clock,
                        state: String = "formal") -> WeChatSubscribeChannel {
        let tokens = AccessTokenCache(configuration: tokenConfiguration, transport: fake.transport, clock: clock, logger: silentLogger)
        return WeChatSubscribeChannel(configuration: .init(endpoint: "http://127.0.0.1:9300", miniprogramState: state),
                                      tokens: tokens, transport: fake.transport, clock: clock, logger: silentLogger)
    }

    static func pushMessage(page: String? = "pages/activity/detail?id=88", template: String? = "tmpl-Abc_123")
        -> OutboundMessage {
        Fixture.message(phone: nil, openID: "oABC-123_xyz", template: template,
                        parameters: [.init("thing1", "重阳节\"包\"饺子"), .init("time2", "2026-10-11 09:30")], page: page)
    }

    // MARK: - Request

    @Test func requestPostsTheDocumentedJSONWithTheTokenInTheQuery() throws {
        let request = try Self.channel(FakeWeChat()).request(for: Self.pushMessage(), accessToken: "ACCESS+TOKEN/1")
        #expect(request.method == .post)
        #expect(request.url == "http://127.0.0.1:9300/cgi-bin/message/subscribe/send?access_token=ACCESS%2BTOKEN%2F1")
        #expect(request.header("Content-Type") == "application/json; charset=utf-8")
        #expect(request.bodyText == #"{"touser":"oABC-123_xyz","template_id":"tmpl-Abc_123","#
            + #""page":"pages/activity/detail?id=88","data":{"thing1":{"value":"重阳节\"包\"饺子"},"#
            + #""time2":{"value":"2026-10-11 09:30"}},"miniprogram_state":"formal","lang":"zh_CN"}"#)
        #expect(!request.redactedURL.contains("TOKEN"))
    }

    @Test func pageIsLeftOutWhenTheMessageHasNone() throws {
        let request = try Self.channel(FakeWeChat(), state: "trial").request(for: Self.pushMessage(page: nil),
                                                                              accessToken: "t")
        let json = try #require(JSONValue.parse(request.body))
        #expect(json["page"] == nil)
        #expect(json["miniprogram_state"] == .string("trial"))
    }

    @Test func messagesItCannotSendArePermanentWithoutAnyRequest() async {
        let fake = FakeWeChat()
        let channel = Self.channel(fake)
        let noOpenID = await channel.send(Fixture.message(openID: nil, template: "t"))
        #expect(noOpenID.verdict == .permanent)
        #expect(noOpenID.reason.contains("openid"))
        let noTemplate = await channel.send(Self.pushMessage(template: nil))
        #expect(noTemplate.verdict == .permanent)
        #expect(noTemplate.reason.contains("template id"))
        #expect(fake.transport.requests.isEmpty, "not even a token request")
    }

    // MARK: - Sending with the token cache

    @Test func sendFetchesATokenOnceAndReusesIt() async {
        let fake = FakeWeChat(sendAnswers: [Fixture.response(200, #"{"errcode":0,"errmsg":"ok","msgid":1234567}"#)])
        let channel = Self.channel(fake)
        #expect(await channel.send(Self.pushMessage()) == .accepted(gatewayID: "1234567"))
        #expect(await channel.send(Self.pushMessage()) == .accepted(gatewayID: "1234567"))
        #expect(fake.tokenRequests.count == 1)
        #expect(fake.sendRequests.count == 2)
        #expect(fake.sendRequests.allSatisfy { $0.url.hasSuffix("access_token=token-1") })
    }

    @Test func staleTokenRefreshesOnceAndResendsOnce() async {
        let fake = FakeWeChat(sendAnswers: [
            Fixture.response(200, #"{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest"}"#),
            Fixture.response(200, #"{"errcode":0,"errmsg":"ok"}"#),
        ])
        let outcome = await Self.channel(fake).send(Self.pushMessage())
        #expect(outcome == .accepted(gatewayID: nil))
        #expect(fake.tokenRequests.count == 2)
        #expect(fake.sendRequests.map { query(of: $0.url) } == ["access_token=token-1", "access_token=token-2"])
    }

    @Test(arguments: ["40001", "42001", "40014"])
    func stillStaleAfterOneResendIsARetry(code: String) async {
        let fake = FakeWeChat(sendAnswers: [Fixture.response(200, #"{"errcode":\#(code),"errmsg":"stale"}"#)])
        let outcome = await Self.channel(fake).send(Self.pushMessage())
        #expect(outcome.verdict == .retry)
        #expect(outcome.reason.contains(code))
        #expect(fake.tokenRequests.count == 2, "one refresh")
        #expect(fake.sendRequests.count == 2, "one resend, no more")
    }

    @Test func tokenFailureFailsTheSendWithoutSending() async {
        let fake = FakeWeChat(tokenAnswer: { _ in Fixture.response(200, #"{"errcode":40125,"errmsg":"invalid appsecret"}"#) })
        let outcome = await Self.channel(fake).send(Self.pushMessage())
        #expect(outcome.verdict == .gatewayFailure)
        #expect(outcome.reason.contains("40125"))
        #expect(fake.sendRequests.isEmpty)
    }

    @Test func neitherTokenNorSecretAppearsInAnyOutcome() async {
        let timeout = HTTPClientError(kind: .timeout, message: "Operation timed out after 10000 milliseconds",
                                      url: "http://127.0.0.1:9300/cgi-bin/message/subscribe/send?…")
        let fake = FakeWeChat(sendAnswers: [.failure(timeout)])
        let outcome = await Self.channel(fake).send(Self.pushMessage())
        #expect(outcome.verdict == .retry)
        #expect(!outcome.reason.contains("token-1"))
        #expect(!outcome.reason.contains("s3cret"))
        #expect(fake.tokenRequests.allSatisfy { !$0.redactedURL.contains("s3cret") })
    }

    // MARK: - Outcome table, row by row

    static let rows: [ExpectedRow] = [
        ExpectedRow("0", .accepted),
        ExpectedRow("-1", .retry),
        ExpectedRow("40001", .retry),
        ExpectedRow("42001", .retry),
        ExpectedRow("40014", .retry),
        ExpectedRow("43101", .permanent),
        ExpectedRow("47003", .permanent),
        ExpectedRow("40037", .permanent),
        ExpectedRow("40003", .permanent),
        ExpectedRow("41030", .permanent),
        ExpectedRow("45009", .rateLimited, delay: .seconds(3600)),
        ExpectedRow("45011", .rateLimited, delay: .seconds(60)),
        ExpectedRow("40013", .gatewayFailure),
        ExpectedRow("48001", .gatewayFailure),
        ExpectedRow("40164", .gatewayFailure),
    ]

    @Test func tableHasExactlyTheExpectedRows() {
        expectTable(WeChatSubscribeChannel.table, hasExactly: Self.rows)
    }

    @Test(arguments: rows)
    func row(_ row: ExpectedRow) {
        let outcome = Self.channel(FakeWeChat()).outcome(
            for: Fixture.response(200, #"{"errcode":\#(row.sample),"errmsg":"m","msgid":"77"}"#))
        expectOutcome(outcome, matches: row, gatewayID: "77")
    }

    @Test func noSubscriptionLeftSaysToEscalate() {
        let outcome = Self.channel(FakeWeChat()).outcome(
            for: Fixture.response(200, #"{"errcode":43101,"errmsg":"user refuse to accept the msg"}"#))
        #expect(outcome.reason.contains("resident has no subscription left; escalate"))
    }
}
