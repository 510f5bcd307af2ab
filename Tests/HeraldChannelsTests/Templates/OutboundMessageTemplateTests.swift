import Foundation
import HeraldCore
import Testing
@testable import HeraldChannels
@testable import HeraldSim

/// `OutboundMessage(_:for:…)`: a rendered template becomes what each adapter sends.
@Suite struct OutboundMessageTemplateTests {
    static let catalog: TemplateCatalog = {
        (try? TemplateCatalog(loadingFrom: packageRoot.appendingPathComponent("Templates").path))
            ?? TemplateCatalog(templates: [])
    }()

    static func rendered(_ name: String, deliveryID: Int64 = 7001) throws -> RenderedTemplate {
        let template = try #require(catalog.template(named: name))
        var builtIns = TemplateBuiltIns.sample
        builtIns.deliveryID = deliveryID
        return try TemplateRenderer.renderExample(template, builtIns: builtIns)
    }

    static let resident = Recipient(phone: try? PhoneNumber(parsing: "13800000001"), openID: "oResident0001")

    @Test func smsAdaptersGetTheSMSTextAndTheirCodes() throws {
        let rendered = try Self.rendered("activity-invitation")
        let alibaba = try OutboundMessage(rendered, adapter: "alibaba-sms", kind: .sms, committeeID: 3,
                                          recipient: Self.resident)
        #expect(alibaba.text == rendered.sms)
        #expect(alibaba.templateCode == "SMS_000000102")
        #expect(alibaba.parameters.map(\.name) == ["activity", "time", "place", "seats"])
        #expect(alibaba.deliveryID == 7001 && alibaba.committeeID == 3)
        #expect(alibaba.voiceMenu == nil)
        let tencent = try OutboundMessage(rendered, adapter: "tencent-sms", kind: .sms, recipient: Self.resident)
        #expect(tencent.templateCode == "9000102")
        #expect(tencent.parameters == alibaba.parameters)
        let kannel = try OutboundMessage(rendered, adapter: "kannel", kind: .sms, recipient: Self.resident)
        #expect(kannel.text.hasPrefix("【阳光社区居委会】邀请您参加灭火器免费更换"))
        #expect(kannel.templateCode == "activity-invitation")
        #expect(kannel.parameters.map(\.name) == ["activity", "time", "place", "seats", "resident_name",
                                                  "committee_name", "delivery_id"])
    }

    @Test func voiceAdaptersGetTheVoiceTextAndTheMenu() throws {
        let rendered = try Self.rendered("poll")
        let ivr = try OutboundMessage(rendered, adapter: "alibaba-ivr", kind: .voice, recipient: Self.resident)
        #expect(ivr.text == rendered.voice)
        #expect(ivr.templateCode == "TTS_000000305")
        #expect(ivr.voiceMenu == VoiceMenu(startCode: "TTS_000000305",
                                           keys: [VoiceMenu.Key(key: "1", code: "TTS_000000315"),
                                                  VoiceMenu.Key(key: "2", code: "TTS_000000325")],
                                           byeCode: "TTS_000000395"))
        #expect(ivr.parameters.map(\.name) == ["resident_name", "committee_name", "topic", "deadline"])
        let tencent = try OutboundMessage(rendered, adapter: "tencent-voice", kind: .voice, recipient: Self.resident)
        #expect(tencent.templateCode == "9000205" && tencent.voiceMenu == nil)
        // A poll has no alibaba-tts code: it would read "按1" on a call that collects no keys.
        #expect {
            try OutboundMessage(rendered, adapter: "alibaba-tts", kind: .voice, recipient: Self.resident)
        } throws: { ($0 as? TemplateError)?.code == .missingCode }
    }

    @Test func pushGetsTheDataFieldsAndThePage() throws {
        let rendered = try Self.rendered("activity-full")
        let push = try OutboundMessage(rendered, adapter: "wechat-subscribe", kind: .push, recipient: Self.resident)
        #expect(push.templateCode == "PLACEHOLDER-wechat-activity-full")
        #expect(push.parameters == [TemplateParameter("thing1", "灭火器免费更换"),
                                    TemplateParameter("time2", "2025年6月14日 09:00"),
                                    TemplateParameter("phrase3", "名额已满"),
                                    TemplateParameter("thing4", "感谢关注，后续活动会再通知您")])
        #expect(push.page == "pages/activity/detail?delivery=7001")
        let webhook = try OutboundMessage(rendered, adapter: "webhook", kind: .webhook, recipient: Self.resident)
        #expect(webhook.text == rendered.sms && webhook.page == push.page)
    }

    @Test func aMissingChannelOrUnknownAdapterIsATemplateError() throws {
        var rendered = try Self.rendered("notice")
        rendered.voice = nil
        #expect {
            try OutboundMessage(rendered, adapter: "tencent-voice", kind: .voice, recipient: Self.resident)
        } throws: { error in
            let error = error as? TemplateError
            return error?.code == .missingChannel && error?.file == "voice.txt"
        }
        #expect {
            try OutboundMessage(rendered, adapter: "carrier-pigeon", kind: .sms, recipient: Self.resident)
        } throws: { ($0 as? TemplateError)?.code == .unknownAdapter }
    }

    /// Every shipped template through every shipped queue it fits, against the
    /// simulator, which checks that Alibaba SMS gets every variable its template needs.
    @Test func everyShippedTemplateIsAcceptedByEveryFittingGateway() async throws {
        var needs: [String: [String]] = [:]
        for template in Self.catalog.templates {
            let rendered = try TemplateRenderer.renderExample(template)
            if case .code(let code)? = template.codes["alibaba-sms"] { needs[code] = rendered.smsParameters.map(\.name) }
        }
        let behaviour = SimulatorHarness.behaviour {
            $0.frequencyLimits = .none
            $0.alibabaTemplates = needs
        }
        let harness = try SimulatorHarness(behaviour: behaviour)
        defer { harness.stop() }
        #expect(Self.catalog.templates.count == 5)
        var deliveryID: Int64 = 8000
        var accepted = 0
        for adapter in AdapterSimulatorTests.Adapter.all {
            let channel = try AdapterSimulatorTests.channel(adapter, harness)
            let queueChannel = channel.kind == .webhook ? nil : channel.kind.rawValue
            let rules = try #require(TemplateAdapter.named(channel.adapter, queueChannel: queueChannel))
            for template in Self.catalog.templates where rules.fits(template.kind) {
                deliveryID += 1
                var builtIns = TemplateBuiltIns.sample
                builtIns.deliveryID = deliveryID
                let rendered = try TemplateRenderer.renderExample(template, builtIns: builtIns)
                let message = try OutboundMessage(rendered, for: channel, committeeID: 1, recipient: Self.resident)
                let outcome = await channel.send(message)
                guard case .accepted = outcome else {
                    Issue.record("\(template.name) through \(adapter.file): \(outcome)")
                    continue
                }
                accepted += 1
            }
        }
        // 9 queues × 5 templates, less alibaba-tts for the 2 asking templates and alibaba-ivr for the other 3.
        #expect(accepted == 40)
        #expect(harness.simulator.requests().filter(\.sent).count == 40)
    }
}
