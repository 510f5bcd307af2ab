import Foundation
import HeraldChannels
import HeraldHTTP
import Testing
@testable import HeraldSim

@Suite struct TencentSimulatorTests {
    static func sms(_ numbers: [String] = ["+8613800000001"], session: String = "2001") -> String {
        let set = numbers.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"PhoneNumberSet":[\#(set)],"SmsSdkAppId":"1400000001","SignName":"某某社区","#
            + #""TemplateId":"100001","TemplateParamSet":["消防演练","周六"],"SessionContext":"\#(session)"}"#
    }

    @Test func sendSmsAnswersPerNumberAndReportsWithTheSerialNo() async throws {
        let harness = try SimulatorHarness(callbacks: true, behaviour: SimulatorHarness.behaviour {
            $0.replyRate = 1
            $0.replyTexts = ["取消"]
        })
        defer { harness.stop() }
        let inbox = try #require(harness.inbox)

        let response = try await harness.send(harness.tencent("SendSms", Self.sms()))
        #expect(response.status == 200)
        let answer = try #require(json(response)?["Response"])
        #expect(answer["RequestId"]?.stringValue?.count == 36)
        let status = try #require(answer["SendStatusSet"]?.arrayValue?.first)
        #expect(status["Code"]?.stringValue == "Ok")
        #expect(status["Message"]?.stringValue == "send success")
        #expect(status["PhoneNumber"]?.stringValue == "+8613800000001")
        #expect(status["Fee"] == .number("1"))
        #expect(status["SessionContext"]?.stringValue == "2001")
        #expect(status["IsoCode"]?.stringValue == "CN")
        let serial = try #require(status["SerialNo"]?.stringValue)

        let callbacks = inbox.wait(for: 2)
        try #require(callbacks.count == 2)
        #expect(callbacks[0].path == "/callbacks/tencent/sim-path-secret/sms-status")
        let report = try #require(json(callbacks[0])?.arrayValue?.first)
        #expect(report["sid"]?.stringValue == serial)
        #expect(report["mobile"]?.stringValue == "13800000001")
        #expect(report["nationcode"]?.stringValue == "86")
        #expect(report["report_status"]?.stringValue == "SUCCESS")
        #expect(report["errmsg"]?.stringValue == "DELIVRD")
        #expect(report["ext"] == nil)
        #expect(callbacks[1].path == "/callbacks/tencent/sim-path-secret/sms-reply")
        let reply = try #require(json(callbacks[1]))
        #expect(reply["text"]?.stringValue == "取消")
        #expect(reply["mobile"]?.stringValue == "13800000001")
        #expect(reply["sign"]?.stringValue == "某某社区")
        #expect(reply["time"] == .number(String(harness.unixNow)))

        let record = try #require(harness.simulator.requests().first)
        #expect(record.deliveryID == "2001")
        #expect(record.gatewayID == serial)
    }

    @Test func statusCanEchoTheSessionContextWhenAsked() async throws {
        let harness = try SimulatorHarness(callbacks: true, behaviour: SimulatorHarness.behaviour {
            $0.tencentStatusEchoesSessionContext = true
        })
        defer { harness.stop() }
        let inbox = try #require(harness.inbox)
        _ = try await harness.send(harness.tencent("SendSms", Self.sms(session: "2002")))
        let callback = try #require(inbox.wait(for: 1).first)
        let report = try #require(json(callback)?.arrayValue?.first)
        #expect(report["ext"]?.stringValue == "2002")
    }

    @Test func authenticationFailures() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        func error(_ request: HTTPRequest) async throws -> String? {
            let response = try await harness.send(request)
            #expect(response.status == 200)
            return json(response)?["Response"]?["Error"]?["Code"]?.stringValue
        }
        #expect(try await error(harness.tencent("SendSms", Self.sms(), secretKey: "wrong")) == "AuthFailure.SignatureFailure")
        #expect(try await error(harness.tencent("SendSms", Self.sms(), secretID: "AKIDnobody"))
            == "AuthFailure.SecretIdNotFound")
        #expect(try await error(harness.tencent("SendSms", Self.sms(), timestamp: harness.unixNow - 301))
            == "AuthFailure.SignatureExpire")
        var tampered = try harness.tencent("SendSms", Self.sms())
        tampered.body = Array(Self.sms(["+8613800000009"]).utf8)
        #expect(try await error(tampered) == "AuthFailure.SignatureFailure")
        #expect(try await error(harness.tencent("SendSms", #"{"SmsSdkAppId":"1"}"#)) == "MissingParameter")
    }

    @Test func perNumberCodesAndBalance() async throws {
        let harness = try SimulatorHarness(behaviour: SimulatorHarness.behaviour {
            $0.frequencyLimits.tencentSMS = [SimulatorBehaviour.RateWindow(1, per: 30)]
        })
        defer { harness.stop() }
        let response = try await harness.send(harness.tencent("SendSms", Self.sms(
            ["+8613800000001", "+86123", "+8613800000001"])))
        let codes = json(response)?["Response"]?["SendStatusSet"]?.arrayValue?.map { $0["Code"]?.stringValue }
        #expect(codes == ["Ok", "InvalidParameterValue.IncorrectPhoneNumber",
                          "LimitExceeded.PhoneNumberThirtySecondLimit"])

        harness.simulator.setBalance(0, for: .tencent)
        let broke = try await harness.send(harness.tencent("SendSms", Self.sms(["+8613800000002"])))
        #expect(json(broke)?["Response"]?["Error"]?["Code"]?.stringValue
            == "FailedOperation.InsufficientBalanceInSmsPackage")
        #expect(harness.simulator.requests().last?.outcome
            == .rejected(code: "FailedOperation.InsufficientBalanceInSmsPackage"))
    }

    @Test func sendTtsVoiceReportsTheKeyThenTheCall() async throws {
        let harness = try SimulatorHarness(callbacks: true)
        defer { harness.stop() }
        let inbox = try #require(harness.inbox)
        let body = #"{"TemplateId":"200001","CalledNumber":"+8613800000001","VoiceSdkAppid":"1400000002","#
            + #""TemplateParamSet":["消防演练"],"PlayTimes":2,"SessionContext":"3001"}"#
        let response = try await harness.send(harness.tencent("SendTtsVoice", body))
        let status = try #require(json(response)?["Response"]?["SendStatus"])
        #expect(status["SessionContext"]?.stringValue == "3001")
        let callID = try #require(status["CallId"]?.stringValue)

        let callbacks = inbox.wait(for: 2)
        try #require(callbacks.count == 2)
        #expect(callbacks.allSatisfy { $0.path == "/callbacks/tencent/sim-path-secret/voice" })
        let key = try #require(json(callbacks[0])?["voicekey_callback"])
        #expect(key["callid"]?.stringValue == callID)
        #expect(key["keypress"]?.stringValue == "1")
        #expect(key["mobile"]?.stringValue == "13800000001")
        let prompt = try #require(json(callbacks[1])?["voiceprompt_callback"])
        #expect(prompt["callid"]?.stringValue == callID)
        #expect(prompt["result"]?.stringValue == "0")
        #expect(prompt["nationcode"]?.stringValue == "86")
        #expect(prompt["start_calltime"]?.stringValue == String(harness.unixNow))
    }

    @Test func voiceErrors() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        func error(_ number: String) async throws -> String? {
            let body = #"{"TemplateId":"1","CalledNumber":"\#(number)","VoiceSdkAppid":"1"}"#
            return json(try await harness.send(harness.tencent("SendTtsVoice", body)))?["Response"]?["Error"]?["Code"]?
                .stringValue
        }
        #expect(try await error("+86123") == "InvalidParameterValue.CalledNumberVerifyFail")
        harness.simulator.setBalance(0)
        #expect(try await error("+8613800000001") == "FailedOperation.InsufficientBalanceInVoicePackage")
    }
}
