import HeraldCore

/// Small in-code templates for the template tests.
enum TemplateFixtures {
    static let activity = Template.Variable(name: "activity", description: "活动名称", example: "灭火器免费更换",
                                            maxLength: 20)
    static let time = Template.Variable(name: "time", description: "活动时间", example: "2025年6月14日 09:00",
                                        maxLength: 24)

    /// An invitation with every channel and codes for every adapter it fits (not alibaba-tts: no keys).
    static func invitation(sms: String? = "【{{committee_name}}】邀请您参加{{activity}}，时间{{time}}。回复1报名，回复TD退订",
                           voice: String? = "{{resident_name}}您好，这里是{{committee_name}}。邀请您参加{{activity}}，"
                               + "时间是{{time}}。报名请按1，不参加请按2。",
                           push: PushTemplate? = PushTemplate(
                               page: "pages/activity/detail?delivery={{delivery_id}}",
                               data: [TemplateParameter("thing1", "{{activity}}"), TemplateParameter("time2", "{{time}}")]),
                           variables: [Template.Variable] = [activity, time],
                           codes: [String: TemplateCode] = allCodes) -> Template {
        Template(name: "invitation", title: "活动邀请", kind: .invitation, variables: variables, codes: codes,
                 sms: sms, voice: voice, push: push)
    }

    static let menu = VoiceMenuCodes(startCode: "TTS_1", keys: [.init(key: "1", code: "TTS_11"),
                                                                .init(key: "2", code: "TTS_12")],
                                     byeCode: "TTS_19")

    static let allCodes: [String: TemplateCode] = [
        "alibaba-sms": .code("SMS_1"), "tencent-sms": .code("1001"), "alibaba-ivr": .voiceMenu(menu),
        "tencent-voice": .code("2001"), "wechat-subscribe": .code("wx-template"),
    ]

    static let values = ["activity": "灭火器免费更换", "time": "2025年6月14日 09:00"]
    static let builtIns = TemplateBuiltIns(residentName: "李建国", committeeName: "阳光社区居委会", deliveryID: 42)

    /// A notice with only an SMS text.
    static func smsOnly(_ sms: String, variables: [Template.Variable] = []) -> Template {
        Template(name: "sms-only", title: "短信", kind: .notice, variables: variables, sms: sms)
    }
}
