/// What a gateway adapter needs from a template: which channel file it
/// sends, and whether it sends an approved gateway template by code.
///
/// The adapters themselves live in HeraldChannels; this table is the part
/// of them that templates care about, so lint (HeraldCore) and the message
/// builder (HeraldChannels) read the same rules. The names are the
/// `"adapter"` values of `Queues/*.json`.
public struct TemplateAdapter: Sendable, Hashable {
    /// The kind of gateway code an adapter needs from `template.json`'s `codes`.
    public enum CodeNeed: Sendable, Hashable {
        /// Sends the rendered text; takes no code (a code given is passed on as `templateCode`).
        case none
        /// Sends an approved template by code: `codes[adapter]` is a string.
        case code
        /// Alibaba IvrCall: `codes[adapter]` is `{startCode, keys, byeCode}`.
        case voiceMenu
    }

    /// The adapter name, as in `Queues/*.json`.
    public var name: String
    /// The channel file it sends; nil for `webhook`, which sends whichever
    /// text the template has (SMS first, then voice, then the push fields).
    public var channel: TemplateChannel?
    public var codeNeed: CodeNeed
    /// For voice adapters: whether a key press reaches Herald. Templates
    /// that ask for an answer (invitations, polls) need such a gateway.
    public var collectsKeys: Bool

    public init(name: String, channel: TemplateChannel?, codeNeed: CodeNeed, collectsKeys: Bool = false) {
        self.name = name
        self.channel = channel
        self.codeNeed = codeNeed
        self.collectsKeys = collectsKeys
    }

    public static let kannel = TemplateAdapter(name: "kannel", channel: .sms, codeNeed: .none)
    public static let alibabaSMS = TemplateAdapter(name: "alibaba-sms", channel: .sms, codeNeed: .code)
    public static let tencentSMS = TemplateAdapter(name: "tencent-sms", channel: .sms, codeNeed: .code)
    public static let alibabaIVR = TemplateAdapter(name: "alibaba-ivr", channel: .voice, codeNeed: .voiceMenu,
                                                   collectsKeys: true)
    /// `SingleCallByTts` reads the text and collects no keys.
    public static let alibabaTTS = TemplateAdapter(name: "alibaba-tts", channel: .voice, codeNeed: .code)
    /// `SendTtsVoice` reports key presses in its `voicekey_callback`.
    public static let tencentVoice = TemplateAdapter(name: "tencent-voice", channel: .voice, codeNeed: .code,
                                                     collectsKeys: true)
    public static let wechatSubscribe = TemplateAdapter(name: "wechat-subscribe", channel: .push, codeNeed: .code)
    public static let webhook = TemplateAdapter(name: "webhook", channel: nil, codeNeed: .none)

    /// The generic `http` adapter serving a queue of `channel`.
    public static func http(_ channel: TemplateChannel?) -> TemplateAdapter {
        TemplateAdapter(name: "http", channel: channel, codeNeed: .none)
    }

    /// Every adapter Herald has (the `http` adapter as a webhook-like sender).
    public static let known: [TemplateAdapter] = [
        kannel, alibabaSMS, tencentSMS, alibabaIVR, alibabaTTS, tencentVoice, wechatSubscribe, webhook, http(nil),
    ]

    /// The adapter a queue file names, or nil for an unknown name.
    ///
    /// - Parameter queueChannel: the queue's `"channel"` (`sms`, `voice`,
    ///   `push`, `webhook`); it decides which file the `http` adapter sends.
    public static func named(_ name: String, queueChannel: String? = nil) -> TemplateAdapter? {
        if name == "http" { return http(queueChannel.flatMap(TemplateChannel.init(rawValue:))) }
        return known.first { $0.name == name }
    }

    /// Whether this adapter is meant to carry a template of `kind`, so the
    /// template must have what it needs. A template that asks for an answer
    /// needs a voice gateway that collects keys (not `alibaba-tts`); one that
    /// asks nothing is read by a plain TTS call, so the interactive
    /// `alibaba-ivr` is not expected to have a menu for it.
    public func fits(_ kind: Template.Kind) -> Bool {
        if channel == .voice, kind.asksForAnswer, !collectsKeys { return false }
        if codeNeed == .voiceMenu, !kind.asksForAnswer { return false }
        return true
    }
}
