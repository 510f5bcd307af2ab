import HeraldCore

/// One message to one resident, rendered and ready for an adapter.
///
/// Gateways that send pre-approved templates (Alibaba, Tencent, WeChat) use
/// `templateCode` and `parameters`; gateways that send free text (Kannel,
/// webhook, generic HTTP) use `text`. `OutboundMessage(rendered, for:
/// channel, …)` (OutboundMessage+Template.swift) fills them from a rendered
/// template for the channel's adapter.
public struct OutboundMessage: Sendable {
    /// Herald's delivery id. Adapters pass it to the gateway so receipts
    /// come back with it (Kannel's dlr-url, Alibaba's OutId, Tencent's
    /// SessionContext, the webhook's body).
    public var deliveryID: Int64
    /// Herald's committee id, for webhook receivers and logs.
    public var committeeID: Int64
    /// Who receives it.
    public var recipient: Recipient
    /// The whole rendered text (SMS body, or what a TTS call reads).
    public var text: String
    /// The gateway's template code for this adapter (Alibaba TemplateCode /
    /// TtsCode, Tencent TemplateId, WeChat template_id).
    public var templateCode: String?
    /// Template variables in declared order: Alibaba sends them as a JSON
    /// object, Tencent as an ordered array, WeChat as `data` fields.
    public var parameters: [TemplateParameter]
    /// Mini-program page opened from a push (WeChat `page`).
    public var page: String?
    /// For interactive voice calls: what each key means.
    public var voiceMenu: VoiceMenu?
    /// The attempt number, 1 for the first try.
    public var attempt: Int

    public init(deliveryID: Int64, committeeID: Int64 = 0, recipient: Recipient, text: String,
                templateCode: String? = nil, parameters: [TemplateParameter] = [],
                page: String? = nil, voiceMenu: VoiceMenu? = nil, attempt: Int = 1) {
        self.deliveryID = deliveryID
        self.committeeID = committeeID
        self.recipient = recipient
        self.text = text
        self.templateCode = templateCode
        self.parameters = parameters
        self.page = page
        self.voiceMenu = voiceMenu
        self.attempt = attempt
    }
}

/// A resident as a channel sees them: a phone number, a mini-program openid, or both.
public struct Recipient: Sendable, Hashable {
    public var phone: PhoneNumber?
    public var openID: String?

    public init(phone: PhoneNumber? = nil, openID: String? = nil) {
        self.phone = phone
        self.openID = openID
    }
}

/// An interactive voice menu ("press 1 to sign up, 2 to decline").
///
/// Alibaba IvrCall plays `startCode`, maps each key to a voice template,
/// then `byeCode`; Tencent's TTS template reads the text and reports the key
/// press in its callback.
public struct VoiceMenu: Sendable, Hashable {
    public struct Key: Sendable, Hashable {
        /// "1", "2", …
        public var key: String
        /// The voice template played after the key is pressed.
        public var code: String

        public init(key: String, code: String) {
            self.key = key
            self.code = code
        }
    }

    public var startCode: String
    public var keys: [Key]
    public var byeCode: String?
    /// How long to wait for a key press.
    public var keyTimeout: Duration
    /// How many times the prompt plays (1–3).
    public var playTimes: Int

    public init(startCode: String, keys: [Key], byeCode: String? = nil,
                keyTimeout: Duration = .seconds(10), playTimes: Int = 2) {
        self.startCode = startCode
        self.keys = keys
        self.byeCode = byeCode
        self.keyTimeout = keyTimeout
        self.playTimes = playTimes
    }
}
