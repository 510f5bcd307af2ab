import Foundation
import HeraldCore
import Testing
@testable import HeraldChannels

@Suite struct AlibabaVoiceChannelTests {
    static let menu = VoiceMenu(startCode: "TTS_START_1", keys: [
        VoiceMenu.Key(key: "1", code: "TTS_SIGNED_UP"),
        VoiceMenu.Key(key: "2", code: "TTS_DECLINED"),
    ], byeCode: "TTS_BYE", keyTimeout: .seconds(8), playTimes: 2)

    static func ivr(_ transport: FakeTransport = FakeTransport(status: 200, body: "{}")) -> AlibabaIVRChannel {
        AlibabaIVRChannel(configuration: .init(endpoint: "http://127.0.0.1:9300", accessKeyID: "voiceId",
                                               accessKeySecret: Secret("voiceSecret"), calledShowNumber: "057112345678"),
                          transport: transport, clock: Fixture.clock, nonce: { "nonce-ivr" })
    }

    static func tts(_ transport: FakeTransport = FakeTransport(status: 200, body: "{}"),
                    calledShowNumber: String? = "057112345678") -> AlibabaTTSChannel {
        AlibabaTTSChannel(configuration: .init(endpoint: "http://127.0.0.1:9300/", accessKeyID: "voiceId",
                                               accessKeySecret: Secret("voiceSecret"), calledShowNumber: calledShowNumber,
                                               playTimes: 3),
                          transport: transport, clock: Fixture.clock, nonce: { "nonce-tts" })
    }

    static let parametersJSON = #"{"activity":"重阳节\"包\"饺子","time":"10月11日 9:30","place":"活动室\\2楼"}"#

    // MARK: - IvrCall

    @Test func ivrRequestCarriesTheMenuInAlibabasRepeatListForm() throws {
        let request = try Self.ivr().request(for: Fixture.message(voiceMenu: Self.menu))
        #expect(request.method == .post)
        #expect(request.url == "http://127.0.0.1:9300/")
        var fields = decodeForm(request.bodyText)
        let signature = try #require(fields["Signature"])
        fields["Signature"] = nil
        #expect(fields == [
            "AccessKeyId": "voiceId", "Action": "IvrCall", "Format": "JSON", "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "nonce-ivr", "SignatureVersion": "1.0",
            "Timestamp": "2026-11-30T00:53:20Z", "Version": "2017-05-25",
            "CalledShowNumber": "057112345678",
            "CalledNumber": "13800000001",
            "StartCode": "TTS_START_1",
            "StartTtsParams": Self.parametersJSON,
            "MenuKeyMap.1.Key": "1", "MenuKeyMap.1.Code": "TTS_SIGNED_UP", "MenuKeyMap.1.TtsParams": Self.parametersJSON,
            "MenuKeyMap.2.Key": "2", "MenuKeyMap.2.Code": "TTS_DECLINED", "MenuKeyMap.2.TtsParams": Self.parametersJSON,
            "ByeCode": "TTS_BYE", "ByeTtsParams": Self.parametersJSON,
            "PlayTimes": "2",
            "Timeout": "8000",
            "OutId": "4242",
        ])
        let expected = try AlibabaRPCSignature.sign(method: .post, parameters: fields, accessKeySecret: "voiceSecret")
        #expect(signature == expected.signature)
    }

    @Test func ivrWithoutParametersOrByeCodeLeavesThoseFieldsOut() throws {
        let menu = VoiceMenu(startCode: "TTS_START_1", keys: [VoiceMenu.Key(key: "1", code: "TTS_OK")])
        let fields = decodeForm(try Self.ivr().request(for: Fixture.message(parameters: [], voiceMenu: menu)).bodyText)
        for absent in ["StartTtsParams", "MenuKeyMap.1.TtsParams", "ByeCode", "ByeTtsParams", "MenuKeyMap.2.Key"] {
            #expect(fields[absent] == nil, "\(absent)")
        }
        #expect(fields["Timeout"] == "10000")
    }

    @Test func ivrMessagesItCannotSendArePermanentWithoutARequest() async {
        let transport = FakeTransport(status: 200, body: #"{"Code":"OK"}"#)
        let channel = Self.ivr(transport)
        let cases: [(OutboundMessage, String)] = [
            (Fixture.message(voiceMenu: nil), "voice menu"),
            (Fixture.message(phone: nil, openID: "o", voiceMenu: Self.menu), "phone number"),
            (Fixture.message(phone: "+85291234567", voiceMenu: Self.menu), "mainland"),
            (Fixture.message(voiceMenu: VoiceMenu(startCode: "S", keys: [])), "no keys"),
            (Fixture.message(voiceMenu: VoiceMenu(startCode: "S", keys: [.init(key: "1", code: "C")], playTimes: 4)),
             "1 to 3"),
            (Fixture.message(voiceMenu: Self.menu, deliveryID: 1_234_567_890_123_456), "15-byte OutId"),
        ]
        for (message, words) in cases {
            let outcome = await channel.send(message)
            #expect(outcome.verdict == .permanent)
            #expect(outcome.reason.contains(words), "\(outcome.reason)")
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func ivrAcceptedCarriesTheCallID() async {
        let transport = FakeTransport(status: 200, body: #"{"Message":"OK","RequestId":"4ABF","Code":"OK","CallId":"118720962490^10551812"}"#)
        #expect(await Self.ivr(transport).send(Fixture.message(voiceMenu: Self.menu)) ==
            .accepted(gatewayID: "118720962490^10551812"))
    }

    // MARK: - SingleCallByTts

    @Test func ttsRequestCarriesEveryParameter() throws {
        let request = try Self.tts().request(for: Fixture.message(template: "TTS_10001"))
        #expect(request.url == "http://127.0.0.1:9300/", "a trailing slash on the endpoint is not doubled")
        var fields = decodeForm(request.bodyText)
        let signature = try #require(fields["Signature"])
        fields["Signature"] = nil
        #expect(fields == [
            "AccessKeyId": "voiceId", "Action": "SingleCallByTts", "Format": "JSON", "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "nonce-tts", "SignatureVersion": "1.0",
            "Timestamp": "2026-11-30T00:53:20Z", "Version": "2017-05-25",
            "CalledShowNumber": "057112345678",
            "CalledNumber": "13800000001",
            "TtsCode": "TTS_10001",
            "TtsParam": Self.parametersJSON,
            "PlayTimes": "3",
            "OutId": "4242",
        ])
        #expect(signature == (try AlibabaRPCSignature.sign(method: .post, parameters: fields,
                                                           accessKeySecret: "voiceSecret")).signature)
    }

    @Test func ttsInPublicModeSendsNoCallerNumber() throws {
        let fields = decodeForm(try Self.tts(calledShowNumber: nil).request(for: Fixture.message()).bodyText)
        #expect(fields["CalledShowNumber"] == nil)
    }

    @Test func ttsMessagesItCannotSendArePermanentWithoutARequest() async {
        let transport = FakeTransport(status: 200, body: #"{"Code":"OK"}"#)
        #expect(await Self.tts(transport).send(Fixture.message(template: nil)).verdict == .permanent)
        #expect(await Self.tts(transport).send(Fixture.message(phone: nil, openID: "o")).verdict == .permanent)
        #expect(transport.requests.isEmpty)
    }

    @Test func voiceTimeoutsWarnOfASecondCall() {
        #expect(Self.tts().outcome(for: Fixture.failure(.connectionLost)).reason
            .contains("SingleCallByTts is not idempotent: a retry may call the resident twice"))
        #expect(Self.ivr().outcome(for: Fixture.failure(.timeout)).reason
            .contains("IvrCall is not idempotent: a retry may call the resident twice"))
    }

    // MARK: - Outcome table, row by row

    static let rows: [ExpectedRow] = AlibabaSMSChannelTests.rows.filter { row in
        // The SMS-only rows.
        !["isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL", "isv.SMS_TEMPLATE_ILLEGAL",
          "isv.SMS_CONTENT_ILLEGAL", "isv.DOMESTIC_NUMBER_NOT_SUPPORTED", "isv.SMS_SIGNATURE_ILLEGAL",
          "isv.SMS_SIGN_ILLEGAL", "isv.SMS_SIGNATURE_SCENE_ILLEGAL", "isv.DENY_IP_RANGE"].contains(row.code)
    } + [
        ExpectedRow("isv.BUSINESS_LIMIT_CONTROL", .rateLimited, delay: .seconds(60)),
        ExpectedRow("isv.VOICE_CALL_FAIL", .retry),
        ExpectedRow("isp.GATEWAY_ERROR", .retry),
        ExpectedRow("isv.TTS_TEMPLATE_ILLEGAL", .permanent),
        ExpectedRow("isv.TEMPLATE_ILLEGAL", .permanent),
        ExpectedRow("isv.TEMPLATE_PARAMS_ILLEGAL", .permanent),
        ExpectedRow("isv.VOICE_FILE_ILLEGAL", .permanent),
        ExpectedRow("isv.COMPLAINT_REJECT", .permanent),
        ExpectedRow("isv.DISPLAY_NUMBER_ILLEGAL", .gatewayFailure),
        ExpectedRow("isv.BILLID_NOT_EXIST", .gatewayFailure),
        ExpectedRow("isv.AMOUNT_NOT_ENOUG", .gatewayFailure),
    ]

    @Test func tablesHaveExactlyTheExpectedRows() {
        expectTable(AlibabaIVRChannel.table, hasExactly: Self.rows)
        expectTable(AlibabaTTSChannel.table, hasExactly: Self.rows)
    }

    @Test(arguments: rows)
    func row(_ row: ExpectedRow) {
        let body = #"{"RequestId":"8906582E","Code":"\#(row.sample)","Message":"m","CallId":"c-9"}"#
        expectOutcome(Self.ivr().outcome(for: Fixture.response(200, body)), matches: row, gatewayID: "c-9")
        expectOutcome(Self.tts().outcome(for: Fixture.response(200, body)), matches: row, gatewayID: "c-9")
    }
}
