import HeraldCore
import Testing

@Suite("TemplateLint")
struct TemplateLintTests {
    static let everyAdapter = TemplateAdapter.known + [.http(.sms)]

    func lint(_ template: Template, adapters: [TemplateAdapter] = everyAdapter) -> [TemplateFinding] {
        TemplateLint().lint(template, adapters: adapters)
    }

    /// SMS-only templates go through Kannel alone, so no other channel is missing.
    func lintSMS(_ template: Template) -> [TemplateFinding] { lint(template, adapters: [.kannel]) }

    func errors(_ findings: [TemplateFinding]) -> [TemplateFinding] { findings.filter { $0.severity == .error } }
    func warnings(_ findings: [TemplateFinding]) -> [TemplateFinding] { findings.filter { $0.severity == .warning } }

    @Test func theFixtureIsClean() {
        #expect(lint(TemplateFixtures.invitation()) == [])
    }

    // MARK: Placeholders

    @Test func undeclaredAndUnterminatedPlaceholdersAreErrors() {
        let findings = lint(TemplateFixtures.invitation(sms: "【{{committee_name}}】{{activty}}，{{time}}。回复1报名，回复TD退订",
                                                        voice: "您好，{{activity}}在{{time"))
        let messages = errors(findings).map(\.description)
        #expect(messages.contains { $0.hasPrefix("invitation/voice.txt:1: error: \"{{time\" has no closing \"}}\"") })
        #expect(messages.contains { $0.hasPrefix("invitation/sms.txt:1: error: {{activty}} is not a declared variable") })
    }

    @Test func anUnusedVariableIsAWarning() {
        let place = Template.Variable(name: "place", description: "活动地点", example: "活动室", maxLength: 20)
        let findings = lint(TemplateFixtures.invitation(variables: [TemplateFixtures.activity, TemplateFixtures.time, place]))
        #expect(findings.map(\.description) == [
            "invitation/template.json: warning: {{place}} (\"活动地点\") is declared but no channel file uses it; "
                + "remove it or use it",
        ])
    }

    @Test func anExampleLongerThanItsMaxLengthIsAnError() {
        let short = Template.Variable(name: "activity", description: "活动名称", example: "灭火器免费更换", maxLength: 5)
        let findings = errors(lint(TemplateFixtures.invitation(variables: [short, TemplateFixtures.time])))
        #expect(findings.contains { $0.file == "template.json" && $0.message.contains("more than its maxLength 5") })
    }

    // MARK: SMS

    @Test func smsPartsAboveTwoWarnAndAboveSixFail() {
        let body = { (count: Int) in "【{{committee_name}}】" + String(repeating: "通", count: count) + "回复TD退订" }
        // 【阳光社区居委会】 is 9 characters at the example, 14 at committee_name's assumed 12.
        #expect(lintSMS(TemplateFixtures.smsOnly(body(134 - 14 - 6))).isEmpty)
        let three = lintSMS(TemplateFixtures.smsOnly(body(134 - 14 - 6 + 1)))
        #expect(three.map(\.severity) == [.warning])
        #expect(three.first?.message.hasPrefix("3 SMS parts (UCS-2, 135 characters) with every variable at its maxLength") == true)
        #expect(lintSMS(TemplateFixtures.smsOnly(body(67 * 6 - 20))).map(\.severity) == [.warning])
        let seven = lintSMS(TemplateFixtures.smsOnly(body(67 * 6 - 20 + 1)))
        #expect(seven.map(\.severity) == [.error])
        #expect(seven.first?.message.hasPrefix("7 SMS parts") == true)
    }

    @Test func theLongestCaseUsesMaxLength() throws {
        let long = Template.Variable(name: "details", description: "内容", example: "停水", maxLength: 130)
        let template = TemplateFixtures.smsOnly("【{{committee_name}}】{{details}}。回复TD退订", variables: [long])
        let length = try #require(TemplateLint.smsLength(of: template))
        #expect(length.examples.count == 1)
        #expect(length.longest.count == 3)
        #expect(warnings(lintSMS(template)).first?.message.contains("3 SMS parts") == true)
    }

    @Test func smsWithoutMaxLengthTDOrSignIsWarned() {
        let open = Template.Variable(name: "details", description: "内容", example: "停水")
        let findings = lint(TemplateFixtures.smsOnly("{{details}}", variables: [open]), adapters: [.kannel, .alibabaSMS])
        let messages = warnings(findings).map(\.message)
        #expect(messages.contains { $0.contains("has no maxLength, so the SMS has no upper bound") })
        #expect(messages.contains { $0.hasPrefix("no 退订 instruction") })
        #expect(messages.contains { $0.hasPrefix("does not start with a 【…】 sign, but kannel sends the text as written") })
        // Only Alibaba: no sign needed in the text.
        #expect(!lint(TemplateFixtures.smsOnly("{{details}}", variables: [open]), adapters: [.alibabaSMS])
            .contains { $0.message.contains("【…】") })
    }

    @Test func anInvitationMustSayWhatToReply() {
        let findings = lint(TemplateFixtures.invitation(sms: "【{{committee_name}}】{{activity}}，{{time}}。TD退订"))
        #expect(findings.map(\.message) == ["this invitation asks for an answer but the SMS does not say what to reply (\"回复1报名\")"])
    }

    // MARK: Voice

    @Test func voiceLengthCountsTheLongestCase() {
        // resident_name is assumed at most 10 characters: 10 + 3 + 476 + 11 = 500.
        let fits = "{{resident_name}}您好，" + String(repeating: "通", count: 476) + "按1报名，按2不参加。"
        #expect(lint(TemplateFixtures.invitation(voice: fits)).isEmpty)
        let over = "{{resident_name}}您好，" + String(repeating: "通", count: 477) + "按1报名，按2不参加。"
        let findings = lint(TemplateFixtures.invitation(voice: over))
        #expect(findings.map(\.description) == [
            "invitation/voice.txt: error: 501 characters with every variable at its maxLength (494 with the examples); "
                + "a voice call reads at most 500",
        ])
    }

    @Test func latinWordsURLsAndUnmentionedKeysAreWarned() {
        let findings = lint(TemplateFixtures.invitation(voice: "详见 https://example.org，回复TD退订。报名请按1。"))
        let messages = warnings(findings).map(\.message)
        #expect(messages.contains { $0.hasPrefix("contains a web address") })
        #expect(messages.contains { $0.hasPrefix("Latin words (https, example, org, TD)") })
        #expect(messages.contains { $0.hasPrefix("the alibaba-ivr menu has key 2 but the text never says \"按2\"") })
        #expect(errors(findings).isEmpty)
    }

    // MARK: Push

    @Test func aThingOf21CharactersIsAnError() {
        let push = PushTemplate(data: [TemplateParameter("thing1", String(repeating: "通", count: 21)),
                                       TemplateParameter("time2", "{{time}}")])
        #expect(lint(TemplateFixtures.invitation(push: push)).map(\.description) == [
            "invitation/push.json: error: data.thing1 with the examples has 21 characters; thing allows at most 20",
        ])
    }

    @Test func aThingFedByALongVariableIsAnError() {
        let long = Template.Variable(name: "activity", description: "活动名称", example: "义诊", maxLength: 18)
        let push = PushTemplate(data: [TemplateParameter("thing1", "{{activity}}报名中"),
                                       TemplateParameter("time2", "{{time}}")])
        let findings = errors(lint(TemplateFixtures.invitation(push: push, variables: [long, TemplateFixtures.time])))
        #expect(findings.map(\.message) == [
            "data.thing1 reaches 21 characters with {{activity}} at maxLength; thing allows at most 20",
        ])
    }

    @Test func aLengthLimitedFieldFedByAVariableWithoutMaxLengthIsWarned() {
        let open = Template.Variable(name: "activity", description: "活动名称", example: "义诊")
        let findings = lint(TemplateFixtures.invitation(variables: [open, TemplateFixtures.time]))
        #expect(warnings(findings).contains {
            $0.file == "push.json" && $0.message.hasPrefix("data.thing1 takes {{activity}} (\"活动名称\"), which has no maxLength")
        })
    }

    @Test(arguments: [
        ("thing1", String(repeating: "字", count: 20), true),
        ("number1", "400", true), ("number1", "12.5", true), ("number1", "四百", false),
        ("letter1", "abc", true), ("letter1", "ab1", false),
        ("symbol1", "+-", true), ("symbol1", "+-*/%&", false),
        ("character_string1", "A-1024", true), ("character_string1", "编号1", false),
        ("time1", "15:01", true), ("time1", "2025年6月14日 09:00", true), ("time1", "2025-06-14 09:00~11:30", true),
        ("time1", "上午九点", false), ("time1", "2025年6月14日", false),
        ("date1", "2025年6月14日", true), ("date1", "2025年6月14日 15:01", true), ("date1", "6/14", false),
        ("amount1", "¥100.50", true), ("amount1", "100元", true), ("amount1", "一百元", false),
        ("phone_number1", "021-64001234", true), ("phone_number1", "+86-0766-668888661234", false),
        ("name1", "王秀英", true), ("name1", "欧阳王秀英欧阳王秀英欧", false), ("name1", "Wang Xiuying", true),
        ("phrase1", "名额已满", true), ("phrase1", "名额已经满了", false), ("phrase1", "已满1", false),
        ("car_number1", "沪A12345", true),
    ])
    func weChatFieldRules(field: String, value: String, valid: Bool) throws {
        let type = try #require(WeChatField(field: field))
        #expect((type.problem(with: value) == nil) == valid, "\(field) = \(value): \(type.problem(with: value) ?? "ok")")
    }

    @Test func weChatFieldNames() {
        #expect(WeChatField(field: "character_string12") == .characterString)
        #expect(WeChatField(field: "thing") == nil)
        #expect(WeChatField(field: "keyword1") == nil)
        #expect(WeChatField.isFieldName("keyword1"))
    }

    @Test func anUnknownFieldTypeIsAWarning() {
        let push = PushTemplate(data: [TemplateParameter("keyword1", "{{activity}}"), TemplateParameter("time2", "{{time}}")])
        #expect(lint(TemplateFixtures.invitation(push: push)).map(\.description) == [
            "invitation/push.json: warning: data.keyword1: unknown WeChat field type \"keyword\"; its value rules are not checked",
        ])
    }

    // MARK: Codes

    @Test func aMissingCodeForAnAdapterInUseIsAnError() {
        var codes = TemplateFixtures.allCodes
        codes["tencent-sms"] = nil
        codes["alibaba-ivr"] = nil
        let findings = lint(TemplateFixtures.invitation(codes: codes))
        #expect(findings.map(\.description) == [
            "invitation/template.json: error: codes has no \"tencent-sms\": the tencent-sms queue sends approved "
                + "templates only; add its template code",
            "invitation/template.json: error: codes has no \"alibaba-ivr\": an IVR call needs "
                + "{\"startCode\", \"keys\": {\"1\": …}, \"byeCode\"}",
        ])
        // Not an error when no queue uses those adapters.
        #expect(lint(TemplateFixtures.invitation(codes: codes), adapters: [.alibabaSMS, .tencentVoice]).isEmpty)
    }

    @Test func aCodeOfTheWrongShapeIsAnError() {
        var codes = TemplateFixtures.allCodes
        codes["alibaba-ivr"] = .code("TTS_1")
        codes["alibaba-sms"] = .voiceMenu(TemplateFixtures.menu)
        let messages = errors(lint(TemplateFixtures.invitation(codes: codes))).map(\.message)
        #expect(messages.contains { $0.hasPrefix("codes.alibaba-ivr must be a voice menu") })
        #expect(messages.contains { $0.hasPrefix("codes.alibaba-sms must be a template code string") })
    }

    @Test func theKindDecidesWhichVoiceGatewaysNeedCodes() {
        var codes = TemplateFixtures.allCodes
        codes["alibaba-tts"] = nil
        // An invitation does not go through alibaba-tts (no key presses), so no code is needed.
        #expect(lint(TemplateFixtures.invitation(codes: codes)).isEmpty)
        // …and a code for it is a warning.
        codes["alibaba-tts"] = .code("TTS_2")
        let withTTS = lint(TemplateFixtures.invitation(codes: codes), adapters: [.alibabaTTS])
        #expect(withTTS.map(\.message) == ["codes.alibaba-tts: alibaba-tts collects no key presses, so residents "
                                           + "cannot answer this invitation on it; use alibaba-ivr or tencent-voice"])
        // A notice needs alibaba-tts, not an IVR menu.
        var notice = TemplateFixtures.invitation(codes: ["alibaba-tts": .code("TTS_2")])
        notice.kind = .notice
        #expect(lint(notice, adapters: [.alibabaIVR, .alibabaTTS]).isEmpty)
        notice.codes = [:]
        #expect(errors(lint(notice, adapters: [.alibabaIVR, .alibabaTTS])).map(\.message) == [
            "codes has no \"alibaba-tts\": the alibaba-tts queue sends approved templates only; add its template code",
        ])
    }

    @Test func aChannelTheQueuesSendButTheTemplateLacksIsAWarning() {
        let template = TemplateFixtures.invitation(voice: nil)
        #expect(lint(template).map(\.description) == [
            "invitation: warning: has no voice.txt, so the alibaba-ivr, alibaba-tts, tencent-voice queues cannot send it",
        ])
    }

    @Test func aCodeForAnUnknownAdapterIsAWarning() {
        var codes = TemplateFixtures.allCodes
        codes["alibaba_sms"] = .code("SMS_1")
        #expect(lint(TemplateFixtures.invitation(codes: codes)).map(\.message) == [
            "codes.alibaba_sms: no adapter is called \"alibaba_sms\"; the adapters are kannel, alibaba-sms, "
                + "tencent-sms, alibaba-ivr, alibaba-tts, tencent-voice, wechat-subscribe, webhook, http",
        ])
    }

    @Test func findingsPrintOnOneLine() {
        let finding = TemplateFinding(.error, template: "notice", file: "sms.txt", line: 3, "bad")
        #expect(finding.description == "notice/sms.txt:3: error: bad")
        #expect(TemplateFinding(.warning, template: "notice", file: nil, "x").description == "notice: warning: x")
    }
}
