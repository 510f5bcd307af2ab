import Foundation
import HeraldCore
import Testing
@testable import HeraldChannels

@Suite struct AlibabaSMSChannelTests {
    static let configuration = AlibabaSMSChannel.Configuration(
        endpoint: "http://127.0.0.1:9300", accessKeyID: "testId", accessKeySecret: Secret("testSecret"),
        signName: "阳光社区", timeout: .seconds(7))

    static func channel(_ transport: FakeTransport = FakeTransport(status: 200, body: "{}")) -> AlibabaSMSChannel {
        AlibabaSMSChannel(configuration: configuration, transport: transport, clock: Fixture.clock,
                          nonce: { "45e25e9b-0a6f-4070-8c85-2956eda1b466" })
    }

    // MARK: - Request

    @Test func requestIsASignedFormPostWithEveryParameter() throws {
        let request = try Self.channel().request(for: Fixture.message())
        #expect(request.method == .post)
        #expect(request.url == "http://127.0.0.1:9300/")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(request.timeout == .seconds(7))

        let fields = decodeForm(request.bodyText)
        #expect(fields == [
            "AccessKeyId": "testId",
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
            "SignatureVersion": "1.0",
            "Timestamp": "2026-11-30T00:53:20Z",
            "Version": "2017-05-25",
            "PhoneNumbers": "13800000001",
            "SignName": "阳光社区",
            "TemplateCode": "SMS_1234",
            "TemplateParam": #"{"activity":"重阳节\"包\"饺子","time":"10月11日 9:30","place":"活动室\\2楼"}"#,
            "OutId": "4242",
            "Signature": fields["Signature"] ?? "missing",
        ])
    }

    @Test func signatureVerifiesAgainstTheParsedBody() throws {
        let request = try Self.channel().request(for: Fixture.message())
        var fields = decodeForm(request.bodyText)
        let sent = try #require(fields["Signature"])
        fields["Signature"] = nil
        let expected = try AlibabaRPCSignature.sign(method: .post, parameters: fields, accessKeySecret: "testSecret")
        #expect(sent == expected.signature)
        // The body is the canonicalized query plus Signature, exactly as signed.
        #expect(request.bodyText == expected.signedQuery)
        // A different secret would not verify.
        let forged = try AlibabaRPCSignature.sign(method: .post, parameters: fields, accessKeySecret: "otherSecret")
        #expect(sent != forged.signature)
    }

    @Test func bodyIsPercentEncodedAsAlibabaWants() throws {
        let body = try Self.channel().request(for: Fixture.message()).bodyText
        // Names sorted by byte order, spaces as %20 (never +), UTF-8 bytes for Chinese.
        let names = formNames(body).filter { $0 != "Signature" }
        #expect(names == names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(body.contains("SignName=%E9%98%B3%E5%85%89%E7%A4%BE%E5%8C%BA"))
        #expect(body.contains("9%3A30"))
        #expect(body.contains("%209%3A30"))
        #expect(!body.contains("+"))
        #expect(body.contains("Timestamp=2026-11-30T00%3A53%3A20Z"))
    }

    @Test func timestampIsISO8601InUTC() {
        #expect(AlibabaRPC.timestamp(Date(timeIntervalSince1970: 1_499_827_339)) == "2017-07-12T02:42:19Z")
        #expect(AlibabaRPC.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(AlibabaRPC.timestamp(Date(timeIntervalSince1970: 951_868_799.9)) == "2000-02-29T23:59:59Z")
    }

    @Test func nonceAndTimestampComeFromTheInjectedSources() throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_499_827_339))
        let counter = Counter()
        let channel = AlibabaSMSChannel(configuration: Self.configuration, transport: FakeTransport(status: 200, body: ""),
                                        clock: clock, nonce: { "nonce-\(counter.next())" })
        let first = decodeForm(try channel.request(for: Fixture.message()).bodyText)
        clock.advance(by: 61)
        let second = decodeForm(try channel.request(for: Fixture.message()).bodyText)
        #expect(first["SignatureNonce"] == "nonce-1")
        #expect(second["SignatureNonce"] == "nonce-2")
        #expect(first["Timestamp"] == "2017-07-12T02:42:19Z")
        #expect(second["Timestamp"] == "2017-07-12T02:43:20Z")
    }

    @Test func internationalNumbersKeepTheirCountryCodeWithoutPlus() throws {
        let request = try Self.channel().request(for: Fixture.message(phone: "+85291234567"))
        #expect(decodeForm(request.bodyText)["PhoneNumbers"] == "85291234567")
    }

    @Test func noParametersSendsNoTemplateParam() throws {
        let request = try Self.channel().request(for: Fixture.message(parameters: []))
        #expect(decodeForm(request.bodyText)["TemplateParam"] == nil)
    }

    @Test func messagesItCannotSendArePermanentWithoutARequest() async {
        let transport = FakeTransport(status: 200, body: #"{"Code":"OK"}"#)
        let channel = Self.channel(transport)
        let noPhone = await channel.send(Fixture.message(phone: nil, openID: "o-1"))
        #expect(noPhone.verdict == .permanent)
        #expect(noPhone.reason.contains("phone number"))
        let noTemplate = await channel.send(Fixture.message(template: nil))
        #expect(noTemplate.verdict == .permanent)
        #expect(noTemplate.reason.contains("template code"))
        #expect(transport.requests.isEmpty)
    }

    @Test func sendComposesRequestAndOutcome() async {
        let transport = FakeTransport(status: 200,
                                      body: #"{"Code":"OK","Message":"OK","BizId":"900619746936498440^0","RequestId":"F655A8D5"}"#)
        let outcome = await Self.channel(transport).send(Fixture.message())
        #expect(outcome == .accepted(gatewayID: "900619746936498440^0"))
        #expect(transport.requests.count == 1)
    }

    @Test func timeoutReasonWarnsThatARetryMaySendTwice() {
        let outcome = Self.channel().outcome(for: Fixture.failure(.timeout))
        #expect(outcome.verdict == .retry)
        #expect(outcome.reason.contains("SendSms is not idempotent: a retry may send the SMS twice"))
    }

    // MARK: - Outcome table, row by row

    static let rows: [ExpectedRow] = [
        ExpectedRow("OK", .accepted),
        ExpectedRow("isp.SYSTEM_ERROR", .retry),
        ExpectedRow("ServiceUnavailable", .retry),
        ExpectedRow("Throttling.User", .retry),
        ExpectedRow("SignatureNonceUsed", .accepted),
        ExpectedRow("isv.BUSINESS_LIMIT_CONTROL", .rateLimited, delay: .seconds(60)),
        ExpectedRow("isv.DAY_LIMIT_CONTROL", .rateLimited, delay: .seconds(3600)),
        ExpectedRow("isv.MOBILE_NUMBER_ILLEGAL", .permanent),
        ExpectedRow("isv.TEMPLATE_MISSING_PARAMETERS", .permanent),
        ExpectedRow("isv.INVALID_PARAMETERS", .permanent),
        ExpectedRow("isv.PARAM_LENGTH_LIMIT", .permanent),
        ExpectedRow("isv.PARAM_NOT_SUPPORT_URL", .permanent),
        ExpectedRow("isv.BLACK_KEY_CONTROL_LIMIT", .permanent),
        ExpectedRow("isv.SMS_TEMPLATE_ILLEGAL", .permanent),
        ExpectedRow("isv.SMS_CONTENT_ILLEGAL", .permanent),
        ExpectedRow("isv.DOMESTIC_NUMBER_NOT_SUPPORTED", .permanent),
        ExpectedRow("isv.AMOUNT_NOT_ENOUGH", .gatewayFailure),
        ExpectedRow("InvalidAccessKeyId.NotFound", .gatewayFailure),
        ExpectedRow("InvalidAccessKeyId.Inactive", .gatewayFailure),
        ExpectedRow("SignatureDoesNotMatch", .gatewayFailure),
        ExpectedRow("InvalidTimeStamp.Expired", .gatewayFailure),
        ExpectedRow("isv.ACCOUNT_NOT_EXISTS", .gatewayFailure),
        ExpectedRow("isv.ACCOUNT_ABNORMAL", .gatewayFailure),
        ExpectedRow("isv.OUT_OF_SERVICE", .gatewayFailure),
        ExpectedRow("isv.PRODUCT_UN_SUBSCRIPT", .gatewayFailure),
        ExpectedRow("isv.PRODUCT_UNSUBSCRIBE", .gatewayFailure),
        ExpectedRow("isv.SMS_SIGNATURE_ILLEGAL", .gatewayFailure),
        ExpectedRow("isv.SMS_SIGN_ILLEGAL", .gatewayFailure),
        ExpectedRow("isv.SMS_SIGNATURE_SCENE_ILLEGAL", .gatewayFailure),
        ExpectedRow("isv.MONTH_LIMIT_CONTROL", .gatewayFailure),
        ExpectedRow("isv.DENY_IP_RANGE", .gatewayFailure),
        ExpectedRow("Forbidden.RAM", .gatewayFailure),
        ExpectedRow("isp.RAM_PERMISSION_DENY", .gatewayFailure),
    ]

    @Test func tableHasExactlyTheExpectedRows() {
        expectTable(AlibabaSMSChannel.table, hasExactly: Self.rows)
    }

    @Test(arguments: rows)
    func row(_ row: ExpectedRow) {
        // Alibaba answers errors as JSON with HTTP 200 or 4xx; the code decides either way.
        for status in [200, 400] {
            let body = #"{"RequestId":"F655A8D5","Code":"\#(row.sample)","Message":"msg","BizId":"b-1"}"#
            let outcome = Self.channel().outcome(for: Fixture.response(status, body))
            expectOutcome(outcome, matches: row, gatewayID: "b-1")
        }
    }
}
