import Foundation
import HeraldCore
import Testing

/// The templates in the repository's Templates/ folder, checked against the
/// adapters of its Queues/ folder.
@Suite("Shipped templates")
struct ShippedTemplatesTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let templates = root.appendingPathComponent("Templates").path
    static let queues = root.appendingPathComponent("Queues").path

    /// Every queue file's adapter, as `herald templates lint` reads them.
    static func queueAdapters() throws -> [TemplateAdapter] {
        let files = try FileManager.default.contentsOfDirectory(atPath: queues).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { file in
            let data = try Data(contentsOf: URL(fileURLWithPath: queues + "/" + file))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let name = try #require(object["adapter"] as? String)
            return try #require(TemplateAdapter.named(name, queueChannel: object["channel"] as? String), "\(file)")
        }
    }

    @Test func everyShippedTemplateLintsCleanAgainstTheShippedQueues() throws {
        let catalog = try TemplateCatalog(loadingFrom: Self.templates)
        #expect(catalog.problems.isEmpty, "\(catalog.problems)")
        #expect(catalog.templates.map(\.name) == ["activity-full", "activity-invitation", "activity-reminder",
                                                  "notice", "poll"])
        let adapters = try Self.queueAdapters()
        #expect(Set(adapters.map(\.name)) == Set(TemplateAdapter.known.map(\.name)))
        for template in catalog.templates {
            let findings = TemplateLint().lint(template, adapters: adapters)
            #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
        }
    }

    @Test func everyShippedSMSFitsTwoPartsEvenAtMaxLength() throws {
        let catalog = try TemplateCatalog(loadingFrom: Self.templates)
        for template in catalog.templates {
            let length = try #require(TemplateLint.smsLength(of: template), "\(template.name)")
            #expect(length.examples.encoding == .ucs2)
            #expect(length.examples.count <= 2, "\(template.name): \(length.examples)")
            #expect(length.longest.count <= 2, "\(template.name): \(length.longest)")
        }
    }

    @Test func everyShippedTemplateRendersWithItsExamples() throws {
        let catalog = try TemplateCatalog(loadingFrom: Self.templates)
        for template in catalog.templates {
            let rendered = try TemplateRenderer.renderExample(template)
            let sms = try #require(rendered.sms)
            #expect(sms.hasPrefix("【阳光社区居委会】"))
            #expect(sms.hasSuffix("回复TD退订"))
            #expect(rendered.voice?.hasPrefix("王秀英您好，这里是阳光社区居委会") == true)
            #expect(rendered.pushPage?.hasSuffix("delivery=100000001") == true)
            // Alibaba and Tencent add the sign: committee_name is not an SMS gateway parameter.
            #expect(!rendered.smsParameters.map(\.name).contains("committee_name"))
            #expect(Set(rendered.smsParameters.map(\.name)) == Set(template.variables.map(\.name)), "\(template.name)")
        }
    }

    @Test func askingTemplatesSayWhatToPressAndReply() throws {
        let catalog = try TemplateCatalog(loadingFrom: Self.templates)
        let invitation = try #require(catalog.template(named: "activity-invitation"))
        #expect(invitation.sms?.contains("回复1报名，回复TD退订") == true)
        #expect(invitation.voice?.contains("按1") == true)
        let poll = try #require(catalog.template(named: "poll"))
        #expect(poll.sms?.contains("同意请回复1，不同意请回复2") == true)
        #expect(poll.voice?.contains("同意请按1，不同意请按2") == true)
        for template in [invitation, poll] {
            guard case .voiceMenu(let menu)? = template.codes["alibaba-ivr"] else {
                Issue.record("\(template.name) has no alibaba-ivr menu")
                continue
            }
            #expect(menu.keys.map(\.key) == ["1", "2"])
        }
    }
}
