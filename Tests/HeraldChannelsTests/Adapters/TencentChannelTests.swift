import Foundation
import HeraldCore
import Testing
@testable import HeraldChannels

@Suite struct TencentChannelTests {
    /// 2019-02-26 00:44:25 in UTC+8, still 2019-02-25 in UTC (Tencent's midnight trap).
    static let clock = ManualClock(Date(timeIntervalSince1970: 1_551_113_065))

    static func sms(_ transport: FakeTransport = FakeTransport(status: 200, body: "{}")) -> TencentSMSChannel {
        TencentSMSChannel(configuration: .init(endpoint: "http://127.0.0.1:9300", secretID: "AKIDexample",
                                               secretKey: Secret("secretKeyExample"), smsSdkAppID: "1400006666",
                                               signName: "阳光社区"),
                          transport: transport, clock: clock)
    }

    static func voice(_ transport: FakeTransport = FakeTransport(status: 200, body: "{}")) -> TencentVoiceChannel {
        TencentVoiceChannel(configuration: .init(endpoint: "https://vms.tencentcloudapi.com", secretID: "AKIDvoice",
                                                 secretKey: Secret("voiceKey"), voiceSdkAppID: "1400001111",
                                                 playTimes: 2, region: "ap-beijing"),
                            transport: transport, clock: clock)
    }

    /// Recomputes TC3-HMAC-SHA256 step by step from Signer's primitives and
    /// checks the request's Authorization against it.
    static func expectValidTC3(_ request: HTTPRequest, secretID: String, secretKey: String, service: String,
                               host: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let payloadHash = Signer.hexEncode(try Signer.sha256(request.body))
        let canonical = "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:\(host)\n\ncontent-type;host\n"
            + payloadHash
        let date = "2019-02-25"
        let scope = "\(date)/\(service)/tc3_request"
        let stringToSign = "TC3-HMAC-SHA256\n1551113065\n\(scope)\n" + Signer.hexEncode(try Signer.sha256(canonical))
        var key = try Signer.hmacSHA256(key: "TC3" + secretKey, message: date)
        key = try Signer.hmacSHA256(key: key, message: service)
        key = try Signer.hmacSHA256(key: key, message: "tc3_request")
        let signature = Signer.hexEncode(try Signer.hmacSHA256(key: key, message: stringToSign))
        #expect(request.header("Authorization") == "TC3-HMAC-SHA256 Credential=\(secretID)/\(scope), "
            + "SignedHeaders=content-type;host, Signature=\(signature)", sourceLocation: sourceLocation)
        #expect(request.header("Content-Type") == "application/json; charset=utf-8", sourceLocation: sourceLocation)
        #expect(request.header("Host") == host, sourceLocation: sourceLocation)
        #expect(request.header("X-TC-Timestamp") == "1551113065", sourceLocation: sourceLocation)
    }

    // MARK: - SendSms

    @Test func smsRequestIsAnExactJSONBody() throws {
        let request = try Self.sms().request(for: Fixture.message(template: "1110"))
        #expect(request.method == .post)
        #expect(request.url == "http://127.0.0.1:9300/")
        #expect(request.bodyText == #"{"PhoneNumberSet":["+8613800000001"],"SmsSdkAppId":"1400006666","#
            + #""SignName":"阳光社区","TemplateId":"1110","#
            + #""TemplateParamSet":["重阳节\"包\"饺子","10月11日 9:30","活动室\\2楼"],"SessionContext":"4242"}"#)
        // It is JSON a standard parser reads back to the same values.
        let decoded = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(decoded?["TemplateParamSet"] as? [String] == Fixture.parameters.map(\.value))
    }

    @Test func smsRequestCarriesTC3HeadersThatVerify() throws {
        let request = try Self.sms().request(for: Fixture.message(template: "1110"))
        #expect(request.header("X-TC-Action") == "SendSms")
        #expect(request.header("X-TC-Version") == "2021-01-11")
        #expect(request.header("X-TC-Region") == "ap-guangzhou")
        try Self.expectValidTC3(request, secretID: "AKIDexample", secretKey: "secretKeyExample", service: "sms",
                                host: "127.0.0.1:9300")
    }

    @Test func smsMessagesItCannotSendArePermanentWithoutARequest() async {
        let transport = FakeTransport(status: 200, body: "{}")
        #expect(await Self.sms(transport).send(Fixture.message(phone: nil, openID: "o")).verdict == .permanent)
        #expect(await Self.sms(transport).send(Fixture.message(template: nil)).verdict == .permanent)
        #expect(transport.requests.isEmpty)
    }

    @Test func smsAcceptedCarriesTheSerialNumber() async {
        let body = #"{"Response":{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619","#
            + #""PhoneNumber":"+8613800000001","Fee":1,"SessionContext":"4242","Code":"Ok","#
            + #""Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6-cf91-4f3e-a81f-9198114a2279"}}"#
        #expect(await Self.sms(FakeTransport(status: 200, body: body)).send(Fixture.message()) ==
            .accepted(gatewayID: "5000:1045710669157053657849499619"))
    }

    @Test func smsEmptyStatusSetIsMalformed() {
        let outcome = Self.sms().outcome(for: Fixture.response(200, #"{"Response":{"SendStatusSet":[],"RequestId":"x"}}"#))
        #expect(outcome.reason.contains("malformed response"))
    }

    static let smsRows: [ExpectedRow] = commonRows + [
        ExpectedRow("Ok", .accepted),
        ExpectedRow("LimitExceeded.PhoneNumberThirtySecondLimit", .rateLimited, delay: .seconds(30)),
        ExpectedRow("LimitExceeded.PhoneNumberOneHourLimit", .rateLimited, delay: .seconds(3600)),
        ExpectedRow("LimitExceeded.PhoneNumberDailyLimit", .rateLimited, delay: .seconds(3600)),
        ExpectedRow("LimitExceeded.PhoneNumberSameContentDailyLimit", .rateLimited, delay: .seconds(3600)),
        ExpectedRow("LimitExceeded.DeliveryFrequencyLimit", .rateLimited, delay: .seconds(60)),
        ExpectedRow("LimitExceeded.AppDailyLimit", .gatewayFailure),
        ExpectedRow("LimitExceeded.AppMainlandChinaDailyLimit", .gatewayFailure),
        ExpectedRow("LimitExceeded.DailyLimit", .gatewayFailure),
        ExpectedRow("InvalidParameterValue.IncorrectPhoneNumber", .permanent),
        ExpectedRow("FailedOperation.PhoneNumberParseFail", .permanent),
        ExpectedRow("FailedOperation.PhoneNumberInBlacklist", .permanent),
        ExpectedRow("FailedOperation.ContainSensitiveWord", .permanent),
        ExpectedRow("InvalidParameterValue.ContentLengthLimit", .permanent),
        ExpectedRow("InvalidParameterValue.TemplateParameterLengthLimit", .permanent),
        ExpectedRow("InvalidParameterValue.TemplateParameterFormatError", .permanent),
        ExpectedRow("InvalidParameterValue.ProhibitedUseUrlInTemplateParameter", .permanent),
        ExpectedRow("FailedOperation.TemplateParamSetNotMatchApprovedTemplate", .permanent),
        ExpectedRow("FailedOperation.TemplateIncorrectOrUnapproved", .permanent),
        ExpectedRow("UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone", .permanent),
        ExpectedRow("UnsupportedOperation.GlobalTemplateToChineseMainlandPhone", .permanent),
        ExpectedRow("FailedOperation.SignatureIncorrectOrUnapproved", .gatewayFailure),
        ExpectedRow("FailedOperation.InsufficientBalanceInSmsPackage", .gatewayFailure),
        ExpectedRow("UnauthorizedOperation.SmsSdkAppIdVerifyFail", .gatewayFailure),
        ExpectedRow("UnauthorizedOperation.SdkAppIdIsDisabled", .gatewayFailure),
        ExpectedRow("UnauthorizedOperation.RequestIpNotInWhitelist", .gatewayFailure),
        ExpectedRow("UnauthorizedOperation.RequestPermissionDeny", .gatewayFailure),
        ExpectedRow("InvalidParameterValue.SdkAppIdNotExist", .gatewayFailure),
        ExpectedRow("FailedOperation.FailResolvePacket", .gatewayFailure),
        ExpectedRow("FailedOperation.JsonParseFail", .gatewayFailure),
    ]

    static let commonRows: [ExpectedRow] = [
        ExpectedRow("InternalError", .retry, sample: "InternalError.Timeout"),
        ExpectedRow("RequestLimitExceeded", .rateLimited, sample: "RequestLimitExceeded.IPLimitExceeded"),
        ExpectedRow("AuthFailure.SignatureFailure", .gatewayFailure),
        ExpectedRow("AuthFailure.SecretIdNotFound", .gatewayFailure),
        ExpectedRow("AuthFailure.InvalidSecretId", .gatewayFailure),
        ExpectedRow("AuthFailure.SignatureExpire", .gatewayFailure),
        ExpectedRow("AuthFailure.UnauthorizedOperation", .gatewayFailure),
        ExpectedRow("UnauthorizedOperation.ServiceSuspendDueToArrears", .gatewayFailure),
    ]

    @Test func smsTableHasExactlyTheExpectedRows() {
        expectTable(TencentSMSChannel.table, hasExactly: Self.smsRows)
    }

    @Test(arguments: smsRows)
    func smsPerNumberCode(_ row: ExpectedRow) {
        let body = #"{"Response":{"SendStatusSet":[{"SerialNo":"s-1","PhoneNumber":"+8613800000001","Fee":0,"#
            + #""SessionContext":"4242","Code":"\#(row.sample)","Message":"m","IsoCode":"CN"}],"RequestId":"r"}}"#
        expectOutcome(Self.sms().outcome(for: Fixture.response(200, body)), matches: row, gatewayID: "s-1")
    }

    @Test(arguments: smsRows.filter { $0.verdict != .accepted })
    func smsErrorCode(_ row: ExpectedRow) {
        let body = #"{"Response":{"Error":{"Code":"\#(row.sample)","Message":"m"},"RequestId":"r"}}"#
        expectOutcome(Self.sms().outcome(for: Fixture.response(200, body)), matches: row)
    }

    // MARK: - SendTtsVoice

    @Test func voiceRequestIsAnExactJSONBodyWithVerifyingHeaders() throws {
        let request = try Self.voice().request(for: Fixture.message(template: "4356", parameters: [.init("code", "7652")]))
        #expect(request.url == "https://vms.tencentcloudapi.com/")
        #expect(request.bodyText == #"{"TemplateId":"4356","CalledNumber":"+8613800000001","#
            + #""VoiceSdkAppid":"1400001111","TemplateParamSet":["7652"],"PlayTimes":2,"SessionContext":"4242"}"#)
        #expect(request.header("X-TC-Action") == "SendTtsVoice")
        #expect(request.header("X-TC-Version") == "2020-09-02")
        #expect(request.header("X-TC-Region") == "ap-beijing")
        try Self.expectValidTC3(request, secretID: "AKIDvoice", secretKey: "voiceKey", service: "vms",
                                host: "vms.tencentcloudapi.com")
    }

    @Test func voiceAcceptedCarriesTheCallID() async {
        let body = #"{"Response":{"SendStatus":{"CallId":"12582bce-4b2f-4ade-9f5f-95fb2e0bc7d1","#
            + #""SessionContext":"4242"},"RequestId":"0cb3ad8d-4d7c-4b1c-b9e6-6e4b0f7b4a2b"}}"#
        #expect(await Self.voice(FakeTransport(status: 200, body: body)).send(Fixture.message(template: "4356")) ==
            .accepted(gatewayID: "12582bce-4b2f-4ade-9f5f-95fb2e0bc7d1"))
        #expect(Self.voice().outcome(for: Fixture.response(200, #"{"Response":{"RequestId":"r"}}"#)).reason
            .contains("malformed response"))
    }

    @Test func voiceMessagesItCannotSendArePermanentWithoutARequest() async {
        let transport = FakeTransport(status: 200, body: "{}")
        #expect(await Self.voice(transport).send(Fixture.message(template: nil)).verdict == .permanent)
        #expect(await Self.voice(transport).send(Fixture.message(phone: nil, openID: "o")).verdict == .permanent)
        #expect(transport.requests.isEmpty)
    }

    static let voiceRows: [ExpectedRow] = commonRows + [
        ExpectedRow("LimitExceeded.DeliveryFrequencyLimit", .rateLimited, delay: .seconds(60)),
        ExpectedRow("FailedOperation.AccessUpstreamTimeout", .retry),
        ExpectedRow("InvalidParameterValue.CalledNumberVerifyFail", .permanent),
        ExpectedRow("InvalidParameterValue.ContentLengthLimit", .permanent),
        ExpectedRow("FailedOperation.ContainSensitiveWord", .permanent),
        ExpectedRow("FailedOperation.TemplateIncorrectOrUnapproved", .permanent),
        ExpectedRow("FailedOperation.InsufficientBalanceInVoicePackage", .gatewayFailure),
        ExpectedRow("FailedOperation.PhonenumberUnappliedOrExpired", .gatewayFailure),
        ExpectedRow("UnauthorizedOperation.VoiceSdkAppidVerifyFail", .gatewayFailure),
        ExpectedRow("UnauthorizedOperation.SdkAppidIsDisabled", .gatewayFailure),
        ExpectedRow("InvalidParameterValue.SdkAppidNotExist", .gatewayFailure),
        ExpectedRow("FailedOperation.FailResolvePacket", .gatewayFailure),
        ExpectedRow("FailedOperation.InvalidJsonParameters", .gatewayFailure),
        ExpectedRow("FailedOperation.JsonParseFail", .gatewayFailure),
    ]

    @Test func voiceTableHasExactlyTheExpectedRows() {
        expectTable(TencentVoiceChannel.table, hasExactly: Self.voiceRows)
    }

    @Test(arguments: voiceRows)
    func voiceErrorCode(_ row: ExpectedRow) {
        let body = #"{"Response":{"Error":{"Code":"\#(row.sample)","Message":"m"},"RequestId":"r"}}"#
        expectOutcome(Self.voice().outcome(for: Fixture.response(200, body)), matches: row)
    }

    @Test func hostIsTheEndpointsAuthority() {
        #expect(TencentCloudAPI.host(of: "https://sms.tencentcloudapi.com") == "sms.tencentcloudapi.com")
        #expect(TencentCloudAPI.host(of: "http://127.0.0.1:9300") == "127.0.0.1:9300")
        #expect(TencentCloudAPI.host(of: "http://localhost:9300/") == "localhost:9300")
    }
}
