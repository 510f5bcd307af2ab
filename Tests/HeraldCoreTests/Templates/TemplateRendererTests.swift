import Foundation
import HeraldCore
import Testing

@Suite("TemplateRenderer")
struct TemplateRendererTests {
    @Test func rendersEveryChannelInChinese() throws {
        let rendered = try TemplateRenderer.render(TemplateFixtures.invitation(), variables: TemplateFixtures.values,
                                                   builtIns: TemplateFixtures.builtIns)
        #expect(rendered.sms == "【阳光社区居委会】邀请您参加灭火器免费更换，时间2025年6月14日 09:00。回复1报名，回复TD退订")
        #expect(rendered.voice == "李建国您好，这里是阳光社区居委会。邀请您参加灭火器免费更换，时间是2025年6月14日 09:00。"
                + "报名请按1，不参加请按2。")
        #expect(rendered.pushPage == "pages/activity/detail?delivery=42")
        #expect(rendered.pushData == [TemplateParameter("thing1", "灭火器免费更换"),
                                      TemplateParameter("time2", "2025年6月14日 09:00")])
        #expect(rendered.variables == [TemplateParameter("activity", "灭火器免费更换"),
                                       TemplateParameter("time", "2025年6月14日 09:00")])
        #expect(rendered.deliveryID == 42)
        #expect(rendered.codes["alibaba-sms"] == .code("SMS_1"))
    }

    @Test func gatewayParametersFollowFirstUseAndLeaveOutTheSign() throws {
        let template = TemplateFixtures.invitation(sms: "【{{committee_name}}】{{time}}，{{activity}}，{{time}}。回复TD退订")
        let rendered = try TemplateRenderer.render(template, variables: TemplateFixtures.values,
                                                   builtIns: TemplateFixtures.builtIns)
        // Alibaba and Tencent add their own sign: committee_name is not theirs to fill.
        #expect(rendered.smsParameters.map(\.name) == ["time", "activity"])
        #expect(rendered.voiceParameters.map(\.name) == ["resident_name", "committee_name", "activity", "time"])
    }

    @Test func aMissingValueRefusesToRender() {
        #expect {
            try TemplateRenderer.render(TemplateFixtures.invitation(), variables: ["activity": "灭火器免费更换"],
                                        builtIns: TemplateFixtures.builtIns)
        } throws: { error in
            let error = error as? TemplateError
            return error?.code == .missingValue && error?.template == "invitation" && error?.file == "sms.txt"
                && error?.variable == "time"
        }
    }

    @Test func anEmptyValueIsMissingToo() {
        var values = TemplateFixtures.values
        values["activity"] = "  "
        #expect(throws: TemplateError.self) {
            try TemplateRenderer.render(TemplateFixtures.invitation(), variables: values,
                                        builtIns: TemplateFixtures.builtIns)
        }
        var builtIns = TemplateFixtures.builtIns
        builtIns.residentName = ""
        #expect {
            try TemplateRenderer.render(TemplateFixtures.invitation(), variables: TemplateFixtures.values,
                                        builtIns: builtIns)
        } throws: { error in
            (error as? TemplateError).map { $0.code == .missingValue && $0.variable == "resident_name"
                && $0.file == "voice.txt" } ?? false
        }
    }

    @Test func anUndeclaredVariableRefusesToRender() {
        let template = TemplateFixtures.invitation(voice: "您好，\n请于{{tiem}}到场。")
        #expect {
            try TemplateRenderer.render(template, variables: TemplateFixtures.values, builtIns: TemplateFixtures.builtIns)
        } throws: { error in
            guard let error = error as? TemplateError else { return false }
            return error.code == .undeclaredVariable && error.file == "voice.txt" && error.variable == "tiem"
                && error.line == 2 && error.description.hasPrefix("invitation/voice.txt:2: {{tiem}}")
        }
    }

    @Test func anUndeclaredVariableInAPushFieldNamesTheField() {
        let template = TemplateFixtures.invitation(push: PushTemplate(data: [TemplateParameter("thing1", "{{place}}")]))
        #expect {
            try TemplateRenderer.render(template, variables: TemplateFixtures.values, builtIns: TemplateFixtures.builtIns)
        } throws: { error in
            let error = error as? TemplateError
            return error?.code == .undeclaredVariable && error?.file == "push.json"
                && error?.message.contains("data.thing1") == true
        }
    }

    @Test(arguments: ["【{{committee_name}}】邀请您参加{{activity", "时间{{time}}，{{activity 。回复TD退订", "{{"])
    func anUnterminatedPlaceholderRefusesToRender(sms: String) {
        #expect {
            try TemplateRenderer.render(TemplateFixtures.invitation(sms: sms), variables: TemplateFixtures.values,
                                        builtIns: TemplateFixtures.builtIns)
        } throws: { error in
            let error = error as? TemplateError
            return error?.code == .unterminatedPlaceholder && error?.file == "sms.txt"
        }
    }

    @Test func aValueLongerThanItsMaxLengthIsRefused() {
        var values = TemplateFixtures.values
        values["activity"] = String(repeating: "长", count: 21)
        #expect {
            try TemplateRenderer.render(TemplateFixtures.invitation(), variables: values,
                                        builtIns: TemplateFixtures.builtIns)
        } throws: { error in
            guard let error = error as? TemplateError else { return false }
            // The value itself stays out of the message.
            return error.code == .valueTooLong && error.variable == "activity" && !error.message.contains("长长")
        }
    }

    @Test func valuesAreInsertedRawAndNotReadAgain() throws {
        var values = TemplateFixtures.values
        values["activity"] = "“消防”讲座 {{time}} 50%\\"
        let rendered = try TemplateRenderer.render(TemplateFixtures.invitation(), variables: values,
                                                   builtIns: TemplateFixtures.builtIns)
        #expect(rendered.sms?.contains("“消防”讲座 {{time}} 50%\\，") == true)
    }

    @Test func pushValuesAreJSONEscaped() throws {
        var values = TemplateFixtures.values
        values["activity"] = "他说\"好\"\\\n\t\u{01}"
        let rendered = try TemplateRenderer.render(TemplateFixtures.invitation(), variables: values,
                                                   builtIns: TemplateFixtures.builtIns)
        let json = try #require(rendered.pushJSON)
        #expect(json.contains(#""thing1":"他说\"好\"\\\n\t\u0001""#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let data = try #require(object["data"] as? [String: String])
        #expect(data == ["thing1": "他说\"好\"\\\n\t\u{01}", "time2": "2025年6月14日 09:00"])
        #expect(object["page"] as? String == "pages/activity/detail?delivery=42")
        // Same keys, same order as push.json.
        #expect(json.range(of: "\"thing1\"")!.lowerBound < json.range(of: "\"time2\"")!.lowerBound)
    }

    @Test func pageValuesArePercentEncoded() throws {
        let template = TemplateFixtures.invitation(push: PushTemplate(
            page: "pages/a?name={{activity}}&id={{delivery_id}}", data: [TemplateParameter("thing1", "{{activity}}")]))
        var values = TemplateFixtures.values
        values["activity"] = "消防 & 安全"
        let rendered = try TemplateRenderer.render(template, variables: values, builtIns: TemplateFixtures.builtIns)
        #expect(rendered.pushPage == "pages/a?name=%E6%B6%88%E9%98%B2%20%26%20%E5%AE%89%E5%85%A8&id=42")
    }

    @Test func spacesInsideBracesAreAllowed() throws {
        let template = TemplateFixtures.smsOnly("【{{ committee_name }}】{{ activity}}。回复TD退订",
                                                variables: [TemplateFixtures.activity])
        let rendered = try TemplateRenderer.render(template, variables: ["activity": "义诊"],
                                                   builtIns: TemplateFixtures.builtIns)
        #expect(rendered.sms == "【阳光社区居委会】义诊。回复TD退订")
    }

    @Test func renderExampleUsesTheExamplesAndTheSampleResident() throws {
        let rendered = try TemplateRenderer.renderExample(TemplateFixtures.invitation(), overriding: ["time": "明天"])
        #expect(rendered.voice?.hasPrefix("王秀英您好，这里是阳光社区居委会。邀请您参加灭火器免费更换，时间是明天。") == true)
    }

    @Test func textForEachChannel() throws {
        let rendered = try TemplateRenderer.renderExample(TemplateFixtures.invitation(sms: nil))
        #expect(rendered.text(for: .sms) == nil)
        #expect(rendered.text(for: nil) == rendered.voice)
        #expect(rendered.text(for: .push) == "灭火器免费更换\n2025年6月14日 09:00")
    }
}
