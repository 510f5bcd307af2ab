import HeraldCore

extension OutboundMessage {
    /// The message `channel` sends for a rendered template.
    ///
    /// - `text`: the rendered `sms.txt` for SMS adapters, `voice.txt` for
    ///   voice adapters, the push fields (one per line) for push, and for a
    ///   webhook the SMS text, else the voice text, else the push fields.
    /// - `templateCode`: `codes[adapter]` — Alibaba `TemplateCode`/`TtsCode`,
    ///   Tencent `TemplateId`, WeChat `template_id`, the IVR menu's start
    ///   code. Adapters that send text (kannel, webhook, http) get the code if
    ///   one is given, else the template's name, so a receiver knows which
    ///   notice it is.
    /// - `parameters`: the push data fields for `wechat-subscribe`; the
    ///   variables `sms.txt` (after its sign) or `voice.txt` use, in order of
    ///   first use, for Alibaba and Tencent; every declared variable then the
    ///   built-ins for kannel, webhook and http.
    /// - `page`: the rendered push page.
    /// - `voiceMenu`: from the `alibaba-ivr` codes, for `alibaba-ivr` only.
    ///
    /// Throws a `TemplateError` when the template has no file for the
    /// channel (`.missingChannel`) or no code of the kind the adapter needs
    /// (`.missingCode`): a template bug, so the send is permanently impossible.
    public init(_ rendered: RenderedTemplate, for channel: any Channel, committeeID: Int64 = 0,
                recipient: Recipient, attempt: Int = 1) throws(TemplateError) {
        try self.init(rendered, adapter: channel.adapter, kind: channel.kind, committeeID: committeeID,
                      recipient: recipient, attempt: attempt)
    }

    /// The message the adapter called `adapter` (as in `Queues/*.json`) sends
    /// on a queue of `kind`; see `init(_:for:committeeID:recipient:attempt:)`.
    public init(_ rendered: RenderedTemplate, adapter name: String, kind: ChannelKind, committeeID: Int64 = 0,
                recipient: Recipient, attempt: Int = 1) throws(TemplateError) {
        guard let adapter = TemplateAdapter.named(name, queueChannel: kind.rawValue) else {
            throw TemplateError(.unknownAdapter, template: rendered.name,
                                "no adapter is called \"\(name)\"; the adapters are "
                                + TemplateAdapter.known.map(\.name).joined(separator: ", "))
        }
        let channel = adapter.channel ?? kind.templateChannel
        guard let text = rendered.text(for: channel) else {
            let file = channel?.file ?? "sms.txt, voice.txt or push.json"
            throw TemplateError(.missingChannel, template: rendered.name, file: channel?.file,
                                "has no \(file), and the \(name) queue sends \(kind.rawValue)")
        }
        let entry = rendered.codes[name]
        var templateCode: String?
        var voiceMenu: VoiceMenu?
        switch (adapter.codeNeed, entry) {
        case (.none, _):
            templateCode = entry?.primaryCode ?? rendered.name
        case (.code, .code(let code)?):
            templateCode = code
        case (.voiceMenu, .voiceMenu(let menu)?):
            templateCode = menu.startCode
            voiceMenu = VoiceMenu(startCode: menu.startCode,
                                  keys: menu.keys.map { VoiceMenu.Key(key: $0.key, code: $0.code) },
                                  byeCode: menu.byeCode)
        case (.code, _):
            throw TemplateError(.missingCode, template: rendered.name, file: "template.json",
                                "codes has no template code for \(name), which sends approved templates only")
        case (.voiceMenu, _):
            throw TemplateError(.missingCode, template: rendered.name, file: "template.json",
                                "codes has no voice menu {startCode, keys, byeCode} for \(name)")
        }
        let parameters: [TemplateParameter]
        switch (adapter.codeNeed, channel) {
        case (.none, _): parameters = rendered.variables + rendered.builtIns
        case (_, .push): parameters = rendered.pushData
        case (_, .voice): parameters = rendered.voiceParameters
        default: parameters = rendered.smsParameters
        }
        self.init(deliveryID: rendered.deliveryID, committeeID: committeeID, recipient: recipient, text: text,
                  templateCode: templateCode, parameters: parameters, page: rendered.pushPage, voiceMenu: voiceMenu,
                  attempt: attempt)
    }
}

extension ChannelKind {
    /// The template file a queue of this kind sends; nil for a webhook, which takes any.
    var templateChannel: TemplateChannel? {
        switch self {
        case .sms: .sms
        case .voice: .voice
        case .push: .push
        case .webhook: nil
        }
    }
}
