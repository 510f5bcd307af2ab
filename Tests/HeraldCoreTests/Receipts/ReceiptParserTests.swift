import Testing
@testable import HeraldCore

@Suite struct ReceiptParserTests {
    @Test(arguments: [("1", Receipt.Event.delivered), ("8", .acceptedBySMSC), ("4", .acceptedBySMSC),
                      ("2", .failed("not delivered to the phone (Kannel report 2)")),
                      ("16", .failed("the SMSC rejected the message (Kannel report 16)"))])
    func kannelReportCodes(status: String, event: Receipt.Event) throws {
        let receipt = try ReceiptParser.kannelReport(query: ["delivery": "424242", "status": status, "ts": "1796104597"])
        #expect(receipt.reference == .delivery(424_242))
        #expect(receipt.event == event)
    }

    @Test func kannelRepliesComeFromTheSender() throws {
        let receipt = try ReceiptParser.kannelReply(query: ["from": "13800000002", "text": "报名"])
        #expect(receipt.reference == .sender(try PhoneNumber(parsing: "13800000002")))
        #expect(receipt.event == .reply("报名"))
        #expect(receipt.raw["from"] == "+86 138****0002")
        #expect(throws: ReceiptError.self) { try ReceiptParser.kannelReport(query: ["status": "1"]) }
    }

    @Test func alibabaReportsRepliesAndCalls() throws {
        let reports = try ReceiptParser.alibabaSMSReports(Array("""
            [{"phone_number":"13800000001","success":true,"err_code":"DELIVERED","biz_id":"9001^0","out_id":"77"},
             {"phone_number":"13800000003","success":false,"err_code":"MK:0001","err_msg":"no such user","biz_id":"9002^0","out_id":""}]
            """.utf8))
        #expect(reports.map(\.reference) == [.delivery(77), .gatewayID("9002^0")])
        #expect(reports.map(\.event) == [.delivered, .failed("MK:0001 no such user")])
        #expect(reports[0].raw["phone_number"] == "+86 138****0001")

        let replies = try ReceiptParser.alibabaSMSReplies(Array(#"[{"phone_number":"13800000001","content":"TD","sign_name":"阳光社区"}]"#.utf8))
        #expect(replies.first?.event == .reply("TD"))

        let calls = try ReceiptParser.alibabaVoiceReports(Array("""
            [{"call_id":"c1","status_code":"200000","out_id":"78","callee":"13800000001","dtmf":"1","duration":"21"},
             {"call_id":"c2","status_code":"200003","status_msg":"no answer","out_id":"79","callee":"13800000002"}]
            """.utf8))
        #expect(calls.map(\.event) == [.answered, .keyPress("1"), .notAnswered("200003 no answer")])
        #expect(calls.map(\.reference) == [.delivery(78), .delivery(78), .delivery(79)])
    }

    @Test func tencentStatusReplyAndVoice() throws {
        let status = try ReceiptParser.tencentSMSStatus(Array("""
            [{"mobile":"13800000001","nationcode":"86","report_status":"SUCCESS","errmsg":"DELIVRD","sid":"sid-1"},
             {"mobile":"13800000002","nationcode":"86","report_status":"FAIL","errmsg":"UNDELIV","description":"off","sid":"sid-2"}]
            """.utf8))
        #expect(status.map(\.event) == [.delivered, .failed("UNDELIV off")])
        #expect(status.map(\.reference) == [.gatewayID("sid-1"), .gatewayID("sid-2")])

        let reply = try ReceiptParser.tencentSMSReply(Array(#"{"mobile":"13800000001","nationcode":"86","text":"1","time":1796000000}"#.utf8))
        #expect(reply.reference == .sender(try PhoneNumber(parsing: "+8613800000001")))
        #expect(reply.event == .reply("1"))

        let key = try ReceiptParser.tencentVoice(Array(#"{"voicekey_callback":{"callid":"v1","keypress":"2","mobile":"13800000001","nationcode":"86"}}"#.utf8))
        #expect(key.event == .keyPress("2"))
        let prompt = try ReceiptParser.tencentVoice(Array(#"{"voiceprompt_callback":{"callid":"v2","result":"1","mobile":"13800000001"}}"#.utf8))
        #expect(prompt.event == .notAnswered("no answer"))
        #expect(prompt.reference == .gatewayID("v2"))
        #expect(throws: ReceiptError.self) { try ReceiptParser.tencentVoice(Array(#"{"other":{}}"#.utf8)) }
    }

    @Test func miniProgramSignUpsAndBadBodies() throws {
        let signUp = try ReceiptParser.miniProgramSignUp(Array(#"{"delivery_id":"55","openid":"oWang","action":"signup"}"#.utf8))
        #expect(signUp.reference == .delivery(55))
        #expect(signUp.event == .signUp)
        let cancel = try ReceiptParser.miniProgramSignUp(Array(#"{"delivery_id":55,"action":"cancel"}"#.utf8))
        #expect(cancel.event == .cancelSignUp)
        for body in ["not json", #"{"action":"signup"}"#, #"{"delivery_id":"55","action":"maybe"}"#] {
            #expect(throws: ReceiptError.self) { try ReceiptParser.miniProgramSignUp(Array(body.utf8)) }
        }
    }
}
