import HeraldChannels
import HeraldCore
import HeraldStore

/// Renders a prepared send into the message its adapter sends.
struct MessageBuilder: Sendable {
    let templates: TemplateCatalog

    /// The polite form of address when the roster has no name.
    static let fallbackName = "居民"

    func message(for send: ClaimedSend, adapter: String, kind: ChannelKind) throws(TemplateError) -> OutboundMessage {
        let context = send.context
        guard let template = templates.template(named: context.template) else {
            throw TemplateError(.unknownTemplate, template: context.template,
                                "no template is called \"\(context.template)\" in the templates folder")
        }
        let name = context.residentName.allSatisfy(\.isWhitespace) ? Self.fallbackName : context.residentName
        let rendered = try TemplateRenderer.render(
            template, variables: context.variables,
            builtIns: TemplateBuiltIns(residentName: name, committeeName: context.committeeName,
                                       deliveryID: context.deliveryID))
        return try OutboundMessage(rendered, adapter: adapter, kind: kind, committeeID: context.committeeID,
                                   recipient: Recipient(phone: context.phone, openID: context.openID),
                                   attempt: send.job.attempt)
    }
}
