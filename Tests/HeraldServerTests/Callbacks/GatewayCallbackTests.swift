import Foundation
import HeraldCore
import Testing
@testable import HeraldServer

/// Each gateway's callbacks against the running server: the receipt moves
/// the delivery and counts the sign-up, and the gateway gets the answer it
/// expects only after the receipt is committed.
@Suite struct GatewayCallbackTests {
    @Test func kannelDeliveryReportsAndRepliesMoveDeliveriesAndSignUps() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let (residents, activity) = try harness.residentsAndActivity(2, capacity: 10)
        let deliveries = try harness.sent(activity, channel: "sms", queue: "kannel-sms", gateway: "kannel")
        let first = try #require(deliveries[residents[0]])

        // Report 8 (reached the SMSC), then 1 (on the phone): Kannel's dlr-url.
        let smsc = try await harness.request("GET", "/callbacks/kannel/dlr?delivery=\(first)&status=8&ts=1796090400&smscid=abc")
        #expect(smsc.status == 200)
        #expect(smsc.body.isEmpty, "a non-empty answer would be sent to the resident as an SMS")
        #expect(try harness.state(of: first) == .sent)
        let delivered = try await harness.request("GET", "/callbacks/kannel/dlr?delivery=\(first)&status=1&ts=1796090401&smscid=abc")
        #expect(delivered.status == 200)
        #expect(try harness.state(of: first) == .delivered)

        // The resident answers "1": Kannel's MO get-url.
        let phone = ServerHarness.phone(committee: harness.committeeA, index: 0)
        let reply = try await harness.request(
            "GET", "/callbacks/kannel/mo?from=\(phone.replacingOccurrences(of: "+", with: "%2B"))&to=10690001&text=1")
        #expect(reply.status == 200)
        #expect(try harness.signedUp(activity) == 1)
        #expect(try harness.state(of: first) == .confirmed)
        #expect(harness.server.context.metrics.callbackCounts().map { "\($0.gateway) \($0.result) \($0.count)" }
                    == ["kannel ok 3"])
    }

    @Test func alibabaReportsRepliesAndKeyPressesAnswerCodeZero() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let (residents, activity) = try harness.residentsAndActivity(3, capacity: 10)
        let sms = try harness.sent(activity, channel: "sms", queue: "alibaba-sms", gateway: "alibaba")
        let secret = ServerHarness.pathSecret

        let report = try await harness.request("POST", "/callbacks/alibaba/\(secret)/sms-report", body: """
            [{"phone_number":"13900000000","success":true,"err_code":"DELIVERED","err_msg":"用户接收成功",
              "biz_id":"G\(sms[residents[0]]!)","out_id":"\(sms[residents[0]]!)","sms_size":"1"},
             {"phone_number":"13900000001","success":false,"err_code":"MK:0001","err_msg":"空号",
              "biz_id":"G\(sms[residents[1]]!)","out_id":"\(sms[residents[1]]!)","sms_size":"1"}]
            """)
        #expect(report.status == 200)
        #expect(report.text == #"{"code":0,"msg":"成功"}"#)
        #expect(try harness.state(of: sms[residents[0]]!) == .delivered)
        #expect(try harness.state(of: sms[residents[1]]!) == .failed)

        let phone = ServerHarness.phone(committee: harness.committeeA, index: 0)
        let up = try await harness.request("POST", "/callbacks/alibaba/\(secret)/sms-up", body: """
            [{"phone_number":"\(phone)","send_time":"2026-12-01 10:05:00","content":"1","sign_name":"阳光社区",
              "dest_code":"1234","sequence_id":1}]
            """)
        #expect(up.status == 200)
        #expect(try harness.signedUp(activity) == 1)

        // A voice invitation to the third resident: answered, pressed 1.
        let voice = try harness.sent(activity, channel: "voice", queue: "alibaba-ivr", gateway: "alibaba")
        let call = try #require(voice[residents[2]])
        let voiceReport = try await harness.request("POST", "/callbacks/alibaba/\(secret)/voice-report", body: """
            [{"call_id":"G\(call)","status_code":"200000","status_msg":"用户接听","out_id":"\(call)","dtmf":"1",
              "callee":"\(ServerHarness.phone(committee: harness.committeeA, index: 2))","duration":21}]
            """)
        #expect(voiceReport.status == 200)
        #expect(try harness.signedUp(activity) == 2)
        #expect(try harness.count("SELECT count(*) FROM delivery_events WHERE delivery_id = ? AND kind = 'answered'", [call]) == 1)
    }

    @Test func tencentStatusRepliesAndVoiceCallbacksAnswerResultZero() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let (residents, activity) = try harness.residentsAndActivity(2, capacity: 10)
        let sms = try harness.sent(activity, channel: "sms", queue: "tencent-sms", gateway: "tencent")
        let secret = ServerHarness.pathSecret
        let first = try #require(sms[residents[0]])

        let status = try await harness.request("POST", "/callbacks/tencent/\(secret)/sms-status", body: """
            [{"user_receive_time":"2026-12-01 10:01:00","nationcode":"86","mobile":"13900000000",
              "report_status":"SUCCESS","errmsg":"DELIVRD","description":"用户短信送达成功","sid":"G\(first)"}]
            """)
        #expect(status.status == 200)
        #expect(status.text == #"{"result":0,"errmsg":"OK"}"#)
        #expect(try harness.state(of: first) == .delivered)

        let phone = ServerHarness.phone(committee: harness.committeeA, index: 0)
        let reply = try await harness.request("POST", "/callbacks/tencent/\(secret)/sms-reply", body: """
            {"extend":"","mobile":"\(phone.dropFirst(3))","nationcode":"86","sign":"阳光社区","text":"1","time":1796090700}
            """)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(try harness.signedUp(activity) == 1)

        let voice = try harness.sent(activity, channel: "voice", queue: "tencent-voice", gateway: "tencent")
        let call = try #require(voice[residents[1]])
        let prompt = try await harness.request("POST", "/callbacks/tencent/\(secret)/voice", body: """
            {"voiceprompt_callback":{"result":"0","callid":"G\(call)","mobile":"13900000001","nationcode":"86",
             "start_calltime":"1796090800","end_calltime":"1796090830","fee":"1","accept_time":"1796090801","call_from":""}}
            """)
        #expect(prompt.status == 200)
        #expect(try harness.state(of: call) == .delivered)
        let key = try await harness.request("POST", "/callbacks/tencent/\(secret)/voice", body: """
            {"voicekey_callback":{"callid":"G\(call)","keypress":"1","mobile":"13900000001","nationcode":"86","call_from":""}}
            """)
        #expect(key.status == 200)
        #expect(try harness.signedUp(activity) == 2)
        #expect(try harness.state(of: call) == .confirmed)
    }

    @Test func aWrongPathSecretIsANotFoundAndRecordsNothing() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let (residents, activity) = try harness.residentsAndActivity(1, capacity: 10)
        let sms = try harness.sent(activity, channel: "sms", queue: "alibaba-sms", gateway: "alibaba")
        let events = try harness.count("SELECT count(*) FROM delivery_events")
        let body = #"[{"success":true,"out_id":"\#(sms[residents[0]]!)","biz_id":"x"}]"#
        for path in ["/callbacks/alibaba/wrong-secret/sms-report", "/callbacks/alibaba/\(ServerHarness.pathSecret)x/sms-report",
                     "/callbacks/alibaba//sms-report", "/callbacks/tencent/wrong-secret/sms-status"] {
            let response = try await harness.request("POST", path, body: body)
            #expect(response.status == 404, "\(path)")
            #expect(harness.errorCode(response) == "not_found", "\(path)")
        }
        #expect(try harness.count("SELECT count(*) FROM delivery_events") == events)
        #expect(try harness.state(of: sms[residents[0]]!) == .sent)
        #expect(harness.server.context.metrics.callbackCounts().reduce(0) { $0 + ($1.result == "rejected" ? $1.count : 0) } >= 3)

        // With no secret configured, the secret-guarded callbacks do not exist at all.
        let closed = try ServerHarness { $0.callbackPathSecret = nil }
        defer { closed.stop() }
        let response = try await closed.request("POST", "/callbacks/alibaba/\(ServerHarness.pathSecret)/sms-report", body: body)
        #expect(response.status == 404)
    }

    @Test func theAllowListRefusesOtherSources() async throws {
        let remote = try AddressAllowList(["47.100.0.0/16", "2408:4000::/20"])
        let elsewhere = try ServerHarness { $0.callbackAllowList = remote }
        defer { elsewhere.stop() }
        let refused = try await elsewhere.request("GET", "/callbacks/kannel/dlr?delivery=1&status=1")
        #expect(refused.status == 403)
        #expect(elsewhere.errorCode(refused) == "source_not_allowed")
        let alibaba = try await elsewhere.request("POST", "/callbacks/alibaba/\(ServerHarness.pathSecret)/sms-report", body: "[]")
        #expect(alibaba.status == 403)
        #expect(try elsewhere.count("SELECT count(*) FROM delivery_events") == 0)

        let local = try AddressAllowList(["127.0.0.0/8", "::1"])
        let loopback = try ServerHarness { $0.callbackAllowList = local }
        defer { loopback.stop() }
        let allowed = try await loopback.request("GET", "/callbacks/kannel/dlr?delivery=1&status=1")
        #expect(allowed.status == 200)
        // Delivery 1 does not exist: kept as an orphan event for staff.
        #expect(try loopback.count("SELECT count(*) FROM delivery_events WHERE delivery_id IS NULL") == 1)
    }

    @Test(arguments: [
        ("GET", "/callbacks/kannel/dlr?status=1", ""),
        ("GET", "/callbacks/kannel/dlr?delivery=abc&status=1", ""),
        ("GET", "/callbacks/kannel/mo?text=1", ""),
        ("POST", "/callbacks/alibaba/SECRET/sms-report", "not json"),
        ("POST", "/callbacks/alibaba/SECRET/sms-report", #"[{"success":true}]"#),
        ("POST", "/callbacks/alibaba/SECRET/sms-up", #"[{"content":"1"}]"#),
        ("POST", "/callbacks/tencent/SECRET/sms-status", #"[{"report_status":"SUCCESS"}]"#),
        ("POST", "/callbacks/tencent/SECRET/voice", #"{"something_else":{}}"#),
        ("POST", "/callbacks/tencent/SECRET/voice", "[1, 2]"),
    ])
    func malformedCallbacksAreBadRequestsAndRecordNothing(method: String, path: String, body: String) async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let response = try await harness.request(method, path.replacingOccurrences(of: "SECRET", with: ServerHarness.pathSecret),
                                                 body: method == "POST" ? body : nil)
        #expect(response.status == 400, "\(response.text)")
        #expect(harness.errorCode(response) == "malformed_callback")
        #expect(try harness.count("SELECT count(*) FROM delivery_events") == 0)
        #expect(harness.server.context.metrics.callbackCounts().map(\.result) == ["malformed"])
    }

    @Test func allowListEntriesAreParsedStrictly() throws {
        let list = try AddressAllowList(["10.0.0.0/8", "192.168.1.7", "2408:4000::/20"])
        #expect(list.allows("10.200.3.4"))
        #expect(list.allows("::ffff:10.1.2.3"))
        #expect(list.allows("192.168.1.7"))
        #expect(!list.allows("192.168.1.8"))
        #expect(list.allows("2408:4001::1"))
        #expect(!list.allows("2409::1"))
        #expect(!list.allows("not an address"))
        #expect(AddressAllowList.anyAddress.allows("203.0.113.9"))
        for bad in ["10.0.0.0/33", "10.0.0", "example.com", "::/129", "10.0.0.0/x"] {
            #expect(throws: ServerConfigurationError.self, "\(bad)") { try AddressAllowList([bad]) }
        }
        var configuration = ServerConfiguration()
        #expect(throws: ServerConfigurationError.self) {
            try configuration.read(environment: ["HERALD_CALLBACK_ALLOW": "10.0.0.0/8, 10.0.0.300"])
        }
        try configuration.read(environment: ["HERALD_CALLBACK_ALLOW": " 10.0.0.0/8 ,", "HERALD_CALLBACK_SECRET": "s"])
        #expect(configuration.callbackAllowList.allows("10.1.1.1"))
        #expect(configuration.callbackPathSecret == "s")
    }
}
