import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP
import Testing
@testable import HeraldSim

@Suite struct AlibabaSimulatorTests {
    static func sms(_ number: String = "13800000001", outID: String = "1001") -> [String: String] {
        ["PhoneNumbers": number, "SignName": "某某社区", "TemplateCode": "SMS_0001",
         "TemplateParam": #"{"activity":"消防演练","time":"周六上午"}"#, "OutId": outID]
    }

    @Test func sendSmsAnswersOKAndReportsWithTheOutId() async throws {
        let harness = try SimulatorHarness(callbacks: true, behaviour: SimulatorHarness.behaviour {
            $0.replyRate = 1
            $0.replyTexts = ["1"]
        })
        defer { harness.stop() }
        let inbox = try #require(harness.inbox)

        let response = try await harness.send(harness.alibaba("SendSms", Self.sms()))
        #expect(response.status == 200)
        let answer = try #require(json(response))
        #expect(answer["Code"]?.stringValue == "OK")
        #expect(answer["Message"]?.stringValue == "OK")
        let bizID = try #require(answer["BizId"]?.stringValue)
        #expect(bizID.hasSuffix("^0"))
        #expect(answer["RequestId"]?.stringValue?.count == 36)

        let callbacks = inbox.wait(for: 2)
        try #require(callbacks.count == 2)
        #expect(callbacks[0].method == "POST")
        #expect(callbacks[0].path == "/callbacks/alibaba/sim-path-secret/sms-report")
        let report = try #require(json(callbacks[0])?.arrayValue?.first)
        #expect(report["phone_number"]?.stringValue == "13800000001")
        #expect(report["success"] == .bool(true))
        #expect(report["err_code"]?.stringValue == "DELIVERED")
        #expect(report["biz_id"]?.stringValue == bizID)
        #expect(report["out_id"]?.stringValue == "1001")
        #expect(report["sms_size"]?.stringValue == "1")
        #expect(report["send_time"]?.stringValue == "2026-11-30 08:53:20")
        #expect(callbacks[1].path == "/callbacks/alibaba/sim-path-secret/sms-up")
        let up = try #require(json(callbacks[1])?.arrayValue?.first)
        #expect(up["phone_number"]?.stringValue == "13800000001")
        #expect(up["content"]?.stringValue == "1")
        #expect(up["sign_name"]?.stringValue == "某某社区")
        #expect(up["sequence_id"]?.text != nil)

        let record = try #require(harness.simulator.requests().first)
        #expect(record.action == "SendSms")
        #expect(record.deliveryID == "1001")
        #expect(record.gatewayID == bizID)
    }

    @Test func getWithAQueryIsSignedAndAcceptedToo() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let response = try await harness.send(harness.alibaba("SendSms", Self.sms("+8613800000002"), method: .get))
        #expect(json(response)?["Code"]?.stringValue == "OK")
    }

    @Test func badCredentialsSignatureNonceAndClockAreRefused() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }

        let unknownKey = try await harness.send(harness.alibaba("SendSms", Self.sms(), accessKeyID: "nobody"))
        #expect(unknownKey.status == 404)
        #expect(json(unknownKey)?["Code"]?.stringValue == "InvalidAccessKeyId.NotFound")
        #expect(json(unknownKey)?["HostId"]?.stringValue == "dysmsapi.aliyuncs.com")

        let badSignature = try await harness.send(harness.alibaba("SendSms", Self.sms(), secret: "not-the-secret"))
        #expect(badSignature.status == 400)
        #expect(json(badSignature)?["Code"]?.stringValue == "SignatureDoesNotMatch")
        #expect(json(badSignature)?["Message"]?.stringValue?.contains("POST&%2F&AccessKeyId") == true)

        let stale = try await harness.send(harness.alibaba(
            "SendSms", Self.sms(), timestamp: harness.clock.now().addingTimeInterval(-16 * 60)))
        #expect(json(stale)?["Code"]?.stringValue == "InvalidTimeStamp.Expired")

        let first = try await harness.send(harness.alibaba("SendSms", Self.sms(), nonce: "same-nonce"))
        #expect(json(first)?["Code"]?.stringValue == "OK")
        let replayed = try await harness.send(harness.alibaba("SendSms", Self.sms("13800000009"), nonce: "same-nonce"))
        #expect(replayed.status == 400)
        #expect(json(replayed)?["Code"]?.stringValue == "SignatureNonceUsed")

        var missing = Self.sms()
        missing["TemplateCode"] = nil
        let noTemplate = try await harness.send(harness.alibaba("SendSms", missing))
        #expect(noTemplate.status == 400)
        #expect(json(noTemplate)?["Code"]?.stringValue == "MissingTemplateCode")
    }

    @Test func businessErrorsAreHTTP200WithTheirCodes() async throws {
        let harness = try SimulatorHarness(behaviour: SimulatorHarness.behaviour {
            $0.frequencyLimits.alibabaSMS = [SimulatorBehaviour.RateWindow(1, per: 60)]
            $0.alibabaTemplates = ["SMS_0001": ["activity", "time"], "SMS_0002": ["place"]]
        })
        defer { harness.stop() }
        func code(_ parameters: [String: String]) async throws -> String? {
            let response = try await harness.send(harness.alibaba("SendSms", parameters))
            #expect(response.status == 200)
            return json(response)?["Code"]?.stringValue
        }

        #expect(try await code(Self.sms("12345")) == "isv.MOBILE_NUMBER_ILLEGAL")
        #expect(try await code(Self.sms("13800000001,0211234567")) == "isv.MOBILE_NUMBER_ILLEGAL")
        var notJSON = Self.sms()
        notJSON["TemplateParam"] = "activity=消防演练"
        #expect(try await code(notJSON) == "isv.INVALID_JSON_PARAM")
        var missingVariable = Self.sms()
        missingVariable["TemplateCode"] = "SMS_0002"
        #expect(try await code(missingVariable) == "isv.TEMPLATE_MISSING_PARAMETERS")
        var unknownTemplate = Self.sms()
        unknownTemplate["TemplateCode"] = "SMS_9999"
        #expect(try await code(unknownTemplate) == "isv.SMS_TEMPLATE_ILLEGAL")

        #expect(try await code(Self.sms("13800000001")) == "OK")
        #expect(try await code(Self.sms("13800000001")) == "isv.BUSINESS_LIMIT_CONTROL")
        harness.clock.advance(by: 61)
        #expect(try await code(Self.sms("13800000001")) == "OK")

        harness.simulator.setBalance(1, for: .alibaba)
        #expect(try await code(Self.sms("13800000002")) == "OK")
        #expect(harness.simulator.balance(for: .alibaba) == 0)
        #expect(try await code(Self.sms("13800000003")) == "isv.AMOUNT_NOT_ENOUGH")
    }

    @Test func ivrCallReportsTheKeyPressedWithTheOutId() async throws {
        let harness = try SimulatorHarness(callbacks: true)
        defer { harness.stop() }
        let inbox = try #require(harness.inbox)
        let response = try await harness.send(harness.alibaba("IvrCall", [
            "CalledShowNumber": "02100000000", "CalledNumber": "13800000001", "StartCode": "TTS_1",
            "MenuKeyMap.1.Key": "1", "MenuKeyMap.1.Code": "TTS_2", "MenuKeyMap.2.Key": "2",
            "MenuKeyMap.2.Code": "TTS_3", "PlayTimes": "2", "Timeout": "10000", "OutId": "555",
        ]))
        let answer = try #require(json(response))
        #expect(answer["Code"]?.stringValue == "OK")
        let callID = try #require(answer["CallId"]?.stringValue)

        let callbacks = inbox.wait(for: 1)
        try #require(callbacks.count == 1)
        #expect(callbacks[0].path == "/callbacks/alibaba/sim-path-secret/voice-report")
        let report = try #require(json(callbacks[0])?.arrayValue?.first)
        #expect(report["call_id"]?.stringValue == callID)
        #expect(report["out_id"]?.stringValue == "555")
        #expect(report["status_code"]?.stringValue == "200000")
        #expect(report["dtmf"]?.stringValue == "1")
        #expect(report["callee"]?.stringValue == "13800000001")
        #expect(report["caller"]?.stringValue == "02100000000")
        #expect(report["hangup_direction"]?.stringValue == "机器")
        #expect(Int(report["duration"]?.stringValue ?? "") ?? 0 >= 10)
    }

    @Test func unansweredTtsCallHasNoKeysAndANoAnswerCode() async throws {
        let harness = try SimulatorHarness(callbacks: true, behaviour: SimulatorHarness.behaviour { $0.answerRate = 0 })
        defer { harness.stop() }
        let inbox = try #require(harness.inbox)
        let response = try await harness.send(harness.alibaba("SingleCallByTts", [
            "CalledNumber": "13800000001", "TtsCode": "TTS_1", "TtsParam": #"{"activity":"演练"}"#, "OutId": "556",
        ]))
        #expect(json(response)?["Code"]?.stringValue == "OK")
        let callback = try #require(inbox.wait(for: 1).first)
        let report = try #require(json(callback)?.arrayValue?.first)
        #expect(["200002", "200003", "200005"].contains(report["status_code"]?.stringValue ?? ""))
        #expect(report["duration"]?.stringValue == "0")
        #expect(report["start_time"]?.stringValue == "")
        #expect(report["dtmf"]?.stringValue == "")
        #expect(report["out_id"]?.stringValue == "556")
    }

    @Test func voiceErrors() async throws {
        let harness = try SimulatorHarness(behaviour: SimulatorHarness.behaviour {
            $0.frequencyLimits.alibabaVoice = [SimulatorBehaviour.RateWindow(1, per: 60)]
        })
        defer { harness.stop() }
        func code(_ number: String) async throws -> String? {
            let response = try await harness.send(harness.alibaba("SingleCallByTts",
                                                                  ["CalledNumber": number, "TtsCode": "TTS_1"]))
            return json(response)?["Code"]?.stringValue
        }
        #expect(try await code("1380000") == "isv.MOBILE_NUMBER_ILLEGAL")
        #expect(try await code("13800000001") == "OK")
        #expect(try await code("13800000001") == "isv.BUSINESS_LIMIT_CONTROL")
        harness.simulator.setBalance(0)
        #expect(try await code("13800000002") == "isv.AMOUNT_NOT_ENOUGH")
        let missing = try await harness.send(harness.alibaba("IvrCall", ["CalledNumber": "13800000003"]))
        #expect(json(missing)?["Code"]?.stringValue == "MissingCalledShowNumber")
    }
}
